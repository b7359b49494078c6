import { useQuery } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { api, type paths, unwrap } from '../api/client';

export type Program = paths['/admin/v1/programs']['get']['responses']['200']['content']['application/json'][number];

const KEY = 'tillpoint.admin.program';

interface ProgramState {
  programs: Program[];
  program: Program | null;
  programId: string | null;
  setProgramId(id: string): void;
  loading: boolean;
  error: Error | null;
}

const ProgramContext = createContext<ProgramState | null>(null);

/** The program every screen works in, chosen in the header and remembered in this browser. */
export function ProgramProvider({ children }: { children: ReactNode }) {
  const list = useQuery({ queryKey: ['programs'], queryFn: () => unwrap(api.GET('/admin/v1/programs')) });
  const [chosen, setChosen] = useState<string | null>(() => localStorage.getItem(KEY));
  const programs = useMemo(() => list.data ?? [], [list.data]);
  const program = programs.find((p) => p.id === chosen) ?? programs[0] ?? null;
  useEffect(() => {
    if (program && program.id !== chosen) setChosen(program.id);
  }, [program, chosen]);
  const value: ProgramState = {
    programs,
    program,
    programId: program?.id ?? null,
    setProgramId: (id) => {
      localStorage.setItem(KEY, id);
      setChosen(id);
    },
    loading: list.isPending,
    error: list.error,
  };
  return <ProgramContext.Provider value={value}>{children}</ProgramContext.Provider>;
}

export function useProgram(): ProgramState {
  const ctx = useContext(ProgramContext);
  if (!ctx) throw new Error('useProgram outside ProgramProvider');
  return ctx;
}
