import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import type { Database } from '../adapters/db/schema.ts';
import { ADMIN_ROLES, type AdminRole } from '../domain/admin-role.ts';
import { AppError } from '../errors.ts';
import { newId, sha256 } from '../lib/ids.ts';
import { TOKEN_PREFIX } from '../lib/tokens.ts';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, keylen: number, opts: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

export { ADMIN_ROLES };

/** Who is calling an admin route. `programIds: '*'` sees every program. */
export interface AdminPrincipal {
  userId: string;
  email: string;
  name: string;
  role: AdminRole;
  programIds: string[] | '*';
}

/** What each role may do; routes ask for a capability, not a role. */
export const CAPABILITIES = {
  read: ['owner', 'program_manager', 'support', 'read_only'],
  /** guests: adjust points, void transactions, look up receipts */
  support: ['owner', 'program_manager', 'support'],
  /** programs, stores, incentives, promotions, locations */
  manage: ['owner', 'program_manager'],
  /** users, keys, secrets, deployment-wide settings */
  own: ['owner'],
} as const satisfies Record<string, readonly AdminRole[]>;
export type Capability = keyof typeof CAPABILITIES;

export function requireCapability(admin: AdminPrincipal, capability: Capability): void {
  if (!(CAPABILITIES[capability] as readonly string[]).includes(admin.role)) {
    throw new AppError('Forbidden', `role ${admin.role} may not ${capability}`);
  }
}

/** 404, not 403, for another tenant's program: ids of other programs are not even confirmed. */
export function requireProgram(admin: AdminPrincipal, programId: string): void {
  if (admin.programIds !== '*' && !admin.programIds.includes(programId)) throw new AppError('NotFound', 'No such program');
}

// scrypt with N=2^15, r=8: 32 MiB per hash, memory-hard (OWASP's minimum is N=2^17 at r=8, p=1 or
// equivalent; N=2^15 with p=3 costs the same work). Parameters are stored with each hash.
const KDF = { N: 2 ** 15, r: 8, p: 3, keylen: 32 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, KDF.keylen, { N: KDF.N, r: KDF.r, p: KDF.p, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${KDF.N}$${KDF.r}$${KDF.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 });
  return timingSafeEqual(actual, expected);
}

// A real hash of nothing in particular: unknown e-mails cost the same time as wrong passwords.
let decoyHash: Promise<string> | null = null;

export class AdminAuthService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date = () => new Date(),
    private readonly sessionTtlSeconds = 12 * 3600,
  ) {}

  async createUser(u: { email: string; name: string; password: string; role: AdminRole; programIds: string[] | '*' }): Promise<string> {
    if (!/^[^@\s]+@[^@\s]+$/.test(u.email)) throw new AppError('ValidationError', 'email is not an e-mail address', { field: 'email' });
    if (u.password.length < 10) throw new AppError('ValidationError', 'password must be at least 10 characters', { field: 'password' });
    if (!ADMIN_ROLES.includes(u.role)) throw new AppError('ValidationError', `role must be one of ${ADMIN_ROLES.join(', ')}`, { field: 'role' });
    const id = newId();
    await this.db
      .insertInto('admin_users')
      .values({
        id,
        email: u.email.toLowerCase(),
        name: u.name,
        password_hash: await hashPassword(u.password),
        role: u.role,
        program_ids: JSON.stringify(u.programIds === '*' ? ['*'] : u.programIds),
        created_at: this.clock().toISOString(),
        disabled_at: null,
      })
      .execute();
    return id;
  }

  /** E-mail and password → a bearer token (shown once) that expires. */
  async login(email: string, password: string): Promise<{ token: string; expiresAt: string; user: AdminPrincipal }> {
    const row = await this.db.selectFrom('admin_users').selectAll().where('email', '=', email.toLowerCase()).where('disabled_at', 'is', null).executeTakeFirst();
    if (!row) {
      decoyHash ??= hashPassword('decoy-password');
      await verifyPassword(password, await decoyHash);
      throw new AppError('Unauthorized', 'Wrong e-mail or password');
    }
    if (!(await verifyPassword(password, row.password_hash))) throw new AppError('Unauthorized', 'Wrong e-mail or password');
    const token = `${TOKEN_PREFIX.admin}${randomBytes(32).toString('base64url')}`;
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + this.sessionTtlSeconds * 1000).toISOString();
    await this.db
      .insertInto('admin_sessions')
      .values({ id: newId(), user_id: row.id, token_hash: sha256(token), created_at: now.toISOString(), expires_at: expiresAt, revoked_at: null })
      .execute();
    return { token, expiresAt, user: toPrincipal(row) };
  }

  /** The service's clock: admin use cases read "now" from it, so tests and the server agree on the time. */
  now(): Date {
    return this.clock();
  }

  async authenticate(token: string): Promise<AdminPrincipal> {
    const row = await this.db
      .selectFrom('admin_sessions as s')
      .innerJoin('admin_users as u', 'u.id', 's.user_id')
      .selectAll('u')
      .where('s.token_hash', '=', sha256(token))
      .where('s.revoked_at', 'is', null)
      .where('s.expires_at', '>', this.clock().toISOString())
      .where('u.disabled_at', 'is', null)
      .executeTakeFirst();
    if (!row) throw new AppError('Unauthorized', 'Session token is missing, expired or revoked');
    return toPrincipal(row);
  }

  async logout(token: string): Promise<void> {
    await this.db.updateTable('admin_sessions').set({ revoked_at: this.clock().toISOString() }).where('token_hash', '=', sha256(token)).execute();
  }
}

function toPrincipal(row: { id: string; email: string; name: string; role: AdminRole; program_ids: string }): AdminPrincipal {
  const ids = JSON.parse(row.program_ids) as string[];
  return { userId: row.id, email: row.email, name: row.name, role: row.role, programIds: ids.includes('*') ? '*' : ids };
}
