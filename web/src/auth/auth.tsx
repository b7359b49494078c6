import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, type paths, session, setUnauthorizedHandler, unwrap } from '../api/client';

export type Me = paths['/admin/v1/auth/me']['get']['responses']['200']['content']['application/json'];
export type Capability = Me['capabilities'][number];

interface AuthState {
  token: string | null;
  me: Me | null;
  loading: boolean;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** what the server says this user's role may do (hide the rest; the API refuses it anyway) */
  can(capability: Capability): boolean;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [token, setToken] = useState<string | null>(session.token());

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setToken(null);
      queryClient.clear();
    });
  }, [queryClient]);

  const me = useQuery({
    queryKey: ['me', token],
    enabled: token !== null,
    queryFn: () => unwrap(api.GET('/admin/v1/auth/me')),
    staleTime: 60_000,
  });

  const signIn = useCallback(async (email: string, password: string) => {
    const session_ = await unwrap(api.POST('/admin/v1/auth/login', { body: { email, password } }));
    session.set(session_.token);
    setToken(session_.token);
  }, []);

  const signOut = useCallback(async () => {
    await api.POST('/admin/v1/auth/logout').catch(() => undefined);
    session.clear();
    setToken(null);
    queryClient.clear();
  }, [queryClient]);

  const value = useMemo<AuthState>(
    () => ({
      token,
      me: me.data ?? null,
      loading: token !== null && me.isPending,
      signIn,
      signOut,
      can: (c) => Boolean(me.data?.capabilities.includes(c)),
    }),
    [token, me.data, me.isPending, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** Renders its children only when the signed-in role has the capability. */
export function Can({ capability, children }: { capability: Capability; children: ReactNode }) {
  return useAuth().can(capability) ? <>{children}</> : null;
}
