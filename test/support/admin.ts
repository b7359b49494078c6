import type { FastifyInstance, InjectOptions } from 'fastify';
import type { AdminRole } from '../../src/domain/admin-role.ts';
import { AdminAuthService } from '../../src/app/admin-auth.service.ts';
import { DEMO_ADMIN_EMAIL, demoAdminPassword } from '../../src/demo/seed.ts';
import type { TestDb } from './engines.ts';

export interface Answer<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Record<string, unknown>;
}

/** An admin API client over `inject`, logged in as one user. */
export interface AdminClient {
  token: string;
  call<T = any>(method: InjectOptions['method'], url: string, body?: unknown): Promise<Answer<T>>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function login(app: FastifyInstance, email: string, password: string): Promise<AdminClient> {
  const res = await app.inject({ method: 'POST', url: '/admin/v1/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login ${email}: ${res.statusCode} ${res.body}`);
  const token = (res.json() as { token: string }).token;
  return clientFor(app, token);
}

export function clientFor(app: FastifyInstance, token: string): AdminClient {
  return {
    token,
    async call(method, url, body) {
      const res = await app.inject({
        method,
        url: `/admin/v1${url}`,
        headers: { authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      let parsed: unknown = undefined;
      try {
        parsed = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        parsed = res.body;
      }
      return { status: res.statusCode, body: parsed as never, text: res.body, headers: res.headers };
    },
  };
}

export const demoOwner = (app: FastifyInstance) => login(app, DEMO_ADMIN_EMAIL, demoAdminPassword());

export const PASSWORD = 'correct horse battery';

/** Creates a user directly (no audit) and logs them in. */
export async function userWithRole(
  app: FastifyInstance,
  db: TestDb,
  role: AdminRole,
  programIds: string[] | '*',
  email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.test`,
): Promise<AdminClient & { id: string }> {
  const id = await new AdminAuthService(db.kysely).createUser({ email, name: role, password: PASSWORD, role, programIds });
  return { ...(await login(app, email, PASSWORD)), id };
}
