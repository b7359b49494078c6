import { useQuery, type UseQueryOptions } from '@tanstack/react-query';
import { createContext, useContext, useEffect } from 'react';
import { ApiError, type GuestSession } from './api';

export interface GuestContext {
  program: string;
  session: GuestSession;
  /** forget the token; `expired` says the server refused it (the sign-in screen then says so) */
  signOut(expired?: boolean): void;
}

export const Guest = createContext<GuestContext | null>(null);

export function useGuest(): GuestContext {
  const ctx = useContext(Guest);
  if (!ctx) throw new Error('useGuest outside the guest app');
  return ctx;
}

/** A query with the guest's token; a 401 (expired or revoked token) signs the guest out. */
export function useGuestQuery<T>(options: UseQueryOptions<T, Error, T, readonly unknown[]>) {
  const { program, session, signOut } = useGuest();
  const query = useQuery({ ...options, queryKey: [program, session.token, ...options.queryKey] });
  const unauthorized = query.error instanceof ApiError && query.error.statusCode === 401;
  useEffect(() => {
    if (unauthorized) signOut(true);
  }, [unauthorized, signOut]);
  return query;
}
