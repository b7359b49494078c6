import { randomBytes } from 'node:crypto';
import {
  type AdminUserRecord,
  findLoginUser,
  insertAdminSession,
  insertAdminUser,
  revokeSession,
  userOfSession,
} from '../adapters/db/repositories/admin-users.repository.ts';
import type { Tx } from '../adapters/db/tx.ts';
import { ADMIN_ROLES, type AdminRole } from '../domain/admin-role.ts';
import { AppError } from '../errors.ts';
import { newId, sha256 } from '../lib/ids.ts';
import { scryptHash, scryptVerify } from '../lib/scrypt-hash.ts';
import { TOKEN_PREFIX } from '../lib/tokens.ts';

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

export function hashPassword(password: string): Promise<string> {
  return scryptHash(password, KDF);
}

export function verifyPassword(password: string, stored: string): Promise<boolean> {
  return scryptVerify(password, stored);
}

// A real hash of nothing in particular: unknown e-mails cost the same time as wrong passwords.
let decoyHash: Promise<string> | null = null;

export class AdminAuthService {
  constructor(
    private readonly db: Tx,
    private readonly clock: () => Date = () => new Date(),
    private readonly sessionTtlSeconds = 12 * 3600,
  ) {}

  async createUser(u: { email: string; name: string; password: string; role: AdminRole; programIds: string[] | '*' }): Promise<string> {
    if (!/^[^@\s]+@[^@\s]+$/.test(u.email)) throw new AppError('ValidationError', 'email is not an e-mail address', { field: 'email' });
    if (u.password.length < 10) throw new AppError('ValidationError', 'password must be at least 10 characters', { field: 'password' });
    if (!ADMIN_ROLES.includes(u.role)) throw new AppError('ValidationError', `role must be one of ${ADMIN_ROLES.join(', ')}`, { field: 'role' });
    const id = newId();
    await insertAdminUser(this.db, {
      id,
      email: u.email.toLowerCase(),
      name: u.name,
      passwordHash: await hashPassword(u.password),
      role: u.role,
      programIds: u.programIds,
      createdAt: this.clock().toISOString(),
    });
    return id;
  }

  /** E-mail and password → a bearer token (shown once) that expires. */
  async login(email: string, password: string): Promise<{ token: string; expiresAt: string; user: AdminPrincipal }> {
    const row = await findLoginUser(this.db, email.toLowerCase());
    if (!row) {
      decoyHash ??= hashPassword('decoy-password');
      await verifyPassword(password, await decoyHash);
      throw new AppError('Unauthorized', 'Wrong e-mail or password');
    }
    if (!(await verifyPassword(password, row.passwordHash))) throw new AppError('Unauthorized', 'Wrong e-mail or password');
    const token = `${TOKEN_PREFIX.admin}${randomBytes(32).toString('base64url')}`;
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + this.sessionTtlSeconds * 1000).toISOString();
    await insertAdminSession(this.db, { id: newId(), userId: row.id, tokenHash: sha256(token), createdAt: now.toISOString(), expiresAt });
    return { token, expiresAt, user: toPrincipal(row) };
  }

  /** The service's clock: admin use cases read "now" from it, so tests and the server agree on the time. */
  now(): Date {
    return this.clock();
  }

  async authenticate(token: string): Promise<AdminPrincipal> {
    const row = await userOfSession(this.db, sha256(token), this.clock().toISOString());
    if (!row) throw new AppError('Unauthorized', 'Session token is missing, expired or revoked');
    return toPrincipal(row);
  }

  async logout(token: string): Promise<void> {
    await revokeSession(this.db, sha256(token), this.clock().toISOString());
  }
}

function toPrincipal(user: AdminUserRecord): AdminPrincipal {
  return { userId: user.id, email: user.email, name: user.name, role: user.role, programIds: user.programIds };
}
