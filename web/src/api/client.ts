import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type { components, paths };
/** A schema of the server's OpenAPI document, by name or by path of an inline one. */
export type Schemas = components['schemas'];

/** The JSON an admin route answers with `status` (200 unless told), by path and method. */
export type Json<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch', S extends number = 200> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

const TOKEN_KEY = 'tillpoint.admin.token';

/** The admin session token lives in sessionStorage: one tab, gone when the tab closes. */
export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

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

/** The server's message when `error` is a 4xx naming `field` (details.field), for that input's error slot. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError && error.details?.field === field ? error.message : undefined;
}

let onUnauthorized: () => void = () => {};
/** Called when a request answers 401 (expired or revoked token): the app goes back to sign-in. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = session.token();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !request.url.endsWith('/auth/login')) {
      session.clear();
      onUnauthorized();
    }
    return response;
  },
};

/** The typed admin API client (paths and bodies from web/src/api/schema.d.ts). */
export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

/**
 * Unwraps an openapi-fetch answer: the data, or an ApiError carrying the server's message (which
 * names the field for bad input).
 */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) {
    const e = (error ?? {}) as { code?: string; message?: string; details?: Record<string, unknown> };
    throw new ApiError(response.status, e.code ?? 'Error', e.message ?? `${response.status} ${response.statusText}`, e.details);
  }
  return data as T;
}

/** A file download through the authenticated API (the browser cannot send the bearer token on a plain link). */
export async function download(path: string, fallbackName: string): Promise<void> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${session.token() ?? ''}` } });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string; code?: string };
    throw new ApiError(response.status, body.code ?? 'Error', body.message ?? `download failed (${response.status})`);
  }
  const name = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
