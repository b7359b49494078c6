import createClient from 'openapi-fetch';
// Types only: the guest bundle shares the generated OpenAPI types, never the back office's code.
import type { components, paths } from '../api/schema';

export type { components, paths };

/** The documented error envelope `{ code, statusCode, message, details? }`. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * The typed guest API client (`/app/v1`). `fetch` is looked up at each call, so tests can stub it.
 */
export const api = createClient<paths>({ baseUrl: window.location.origin, fetch: (request) => globalThis.fetch(request) });

/** The data of an answer, or an ApiError with the server's message (which names the field for bad input). */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let answer: { data?: T; error?: unknown; response: Response };
  try {
    answer = await call;
  } catch {
    throw new ApiError(0, 'NetworkError', 'No connection to the server. Check your connection and try again.');
  }
  const { data, error, response } = answer;
  if (error !== undefined || !response.ok) {
    const e = (error ?? {}) as { code?: string; message?: string; details?: Record<string, unknown> };
    throw new ApiError(response.status, e.code ?? 'Error', e.message ?? `The server answered ${response.status}. Try again in a moment.`, e.details);
  }
  return data as T;
}

export const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

export interface GuestSession {
  token: string;
  expiresAt: string;
  name: string;
}

const key = (program: string) => `tillpoint.guest.${program}`;

/**
 * The guest's token for one program lives in localStorage (the guest stays signed in on their own
 * phone until it expires or they sign out); the receipt page and the guest app share it.
 */
export const sessions = {
  get(program: string): GuestSession | null {
    try {
      // Whether it still works is the server's to say (a 401 signs the guest out): no clock here.
      return JSON.parse(localStorage.getItem(key(program)) ?? 'null') as GuestSession | null;
    } catch {
      return null;
    }
  },
  set(program: string, session: GuestSession): void {
    localStorage.setItem(key(program), JSON.stringify(session));
  },
  clear(program: string): void {
    localStorage.removeItem(key(program));
  },
};
