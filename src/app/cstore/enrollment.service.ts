import { findProgram } from '../../adapters/db/repositories/config.repository.ts';
import { toEnrollmentView } from '../../adapters/db/repositories/cstore.repository.ts';
import { clearEnrollmentErrors } from '../../adapters/db/repositories/locations.repository.ts';
import {
  type EnrollmentRow,
  type EnrollmentValues,
  findEnrollment,
  saveEnrollment,
  setEnrollmentStatus,
} from '../../adapters/db/repositories/manufacturer-enrollments.repository.ts';
import { writeAudit } from '../../adapters/db/repositories/outbox.repository.ts';
import { type Tx, inTransaction } from '../../adapters/db/tx.ts';
import type { Manufacturer } from '../../domain/promotions/promotion.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { maskSecret } from '../../lib/secret-box.ts';
import type { ManufacturerEnrollment } from '../ports/manufacturer-connector.ts';
import { type CstoreDeps, auditActor } from './deps.ts';
import type { Actor, EnrollmentView } from './model.ts';

/**
 * What an admin sends. Single store: outlet id, outlet name and the sign-up e-mail. Chain: the
 * retailer account number, client id and client secret; on a later update of a chain enrollment,
 * credentials left out keep their stored value (they are never sent back to be re-submitted).
 */
export interface EnrollmentInput {
  mode: 'single' | 'chain';
  outletId?: string;
  outletName?: string;
  email?: string;
  accountNumber?: string;
  clientId?: string;
  clientSecret?: string;
  /** another API base URL for this enrollment (the simulator, a staging API); null = deployment default */
  baseUrl?: string | null;
}

/** An enrollment ready for a sync: credentials opened, never to leave the process. */
export interface EnrollmentForSync {
  id: string;
  mode: 'single' | 'chain';
  status: 'ok' | 'broken';
  statusReason: string | null;
  baseUrl: string | null;
  /** single mode: the one enrolled outlet */
  outletId: string | null;
  connectorEnrollment: ManufacturerEnrollment;
}

const SINGLE_FIELDS = ['outletId', 'outletName', 'email'] as const;
const CHAIN_FIELDS = ['accountNumber', 'clientId', 'clientSecret'] as const;
const OUTLET_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Manufacturer enrollments; credentials sealed with AES-256-GCM, shown masked, never logged. */
export class EnrollmentService {
  constructor(private readonly deps: CstoreDeps) {}

  private get db(): Tx {
    return this.deps.db.kysely;
  }

  private async rowOf(programId: string, manufacturer: Manufacturer): Promise<EnrollmentRow | undefined> {
    return findEnrollment(this.db, programId, manufacturer);
  }

  async get(programId: string, manufacturer: Manufacturer = 'rjr'): Promise<EnrollmentView> {
    const row = await this.rowOf(programId, manufacturer);
    if (!row) throw new AppError('EnrollmentNotFound', `No ${manufacturer.toUpperCase()} enrollment for this program`);
    return toEnrollmentView(row);
  }

  /** Creates or replaces the program's enrollment. Saving clears a broken status: the next sync tries again. */
  async put(programId: string, input: EnrollmentInput, actor: Actor, manufacturer: Manufacturer = 'rjr'): Promise<EnrollmentView> {
    if (!(await findProgram(this.db, programId))) throw new AppError('NotFound', 'No such program');
    const existing = await this.rowOf(programId, manufacturer);
    const v = this.validate(input, existing);
    const box = this.deps.config.secrets;
    const now = this.deps.clock().toISOString();
    const seal = (plain: string | undefined, keep: string | null | undefined) => (plain !== undefined ? box.seal(plain) : (keep ?? null));
    const oldMasks = existing ? (JSON.parse(existing.masks) as Record<string, string>) : {};
    const values: EnrollmentValues =
      v.mode === 'single'
        ? {
            program_id: programId,
            manufacturer,
            mode: 'single',
            outlet_id: v.outletId!,
            outlet_name: v.outletName!,
            email: v.email!,
            account_number_enc: null,
            client_id_enc: null,
            client_secret_enc: null,
            masks: '{}',
            base_url: v.baseUrl === undefined ? (existing?.base_url ?? null) : v.baseUrl,
            status: 'ok',
            status_reason: null,
            status_at: now,
            updated_at: now,
          }
        : {
            program_id: programId,
            manufacturer,
            mode: 'chain',
            outlet_id: null,
            outlet_name: null,
            email: null,
            account_number_enc: seal(v.accountNumber, existing?.account_number_enc),
            client_id_enc: seal(v.clientId, existing?.client_id_enc),
            client_secret_enc: seal(v.clientSecret, existing?.client_secret_enc),
            masks: JSON.stringify({
              accountNumber: v.accountNumber !== undefined ? maskSecret(v.accountNumber) : oldMasks.accountNumber,
              clientId: v.clientId !== undefined ? maskSecret(v.clientId) : oldMasks.clientId,
              clientSecret: v.clientSecret !== undefined ? maskSecret(v.clientSecret) : oldMasks.clientSecret,
            }),
            base_url: v.baseUrl === undefined ? (existing?.base_url ?? null) : v.baseUrl,
            status: 'ok',
            status_reason: null,
            status_at: now,
            updated_at: now,
          };
    await inTransaction(this.db, async (trx) => {
      await saveEnrollment(trx, existing?.id ?? null, values, { id: newId(), at: now });
      await clearEnrollmentErrors(trx, programId);
      // The audit keeps what was shown, masked: a secret never reaches any log.
      const shown = (row: Pick<EnrollmentValues, 'mode' | 'outlet_id' | 'outlet_name' | 'email' | 'masks' | 'base_url'>) => ({
        mode: row.mode,
        outletId: row.outlet_id,
        outletName: row.outlet_name,
        email: row.email,
        ...(JSON.parse(row.masks) as object),
        baseUrl: row.base_url,
      });
      await writeAudit(
        trx,
        {
          program_id: programId,
          ...auditActor(actor),
          action: 'enrollment.saved',
          entity_type: 'enrollment',
          entity_id: `${programId}:${manufacturer}`,
          before: existing ? shown(existing) : undefined,
          after: shown(values),
          reason: null,
        },
        now,
      );
    });
    return this.get(programId, manufacturer);
  }

  private validate(input: EnrollmentInput, existing: EnrollmentRow | undefined): EnrollmentInput {
    const bad = (field: string, message: string) => new AppError('ValidationError', `${field} ${message}`, { field });
    if (input.mode !== 'single' && input.mode !== 'chain') throw bad('mode', 'must be single or chain');
    const own = input.mode === 'single' ? SINGLE_FIELDS : CHAIN_FIELDS;
    const other = input.mode === 'single' ? CHAIN_FIELDS : SINGLE_FIELDS;
    for (const f of other) if (input[f] !== undefined) throw bad(f, `does not belong to a ${input.mode === 'single' ? 'single-store' : 'chain'} enrollment`);
    const keepable = input.mode === 'chain' && existing?.mode === 'chain';
    for (const f of own) {
      const value = input[f];
      if (value === undefined) {
        if (keepable) continue;
        throw bad(f, `is required for a ${input.mode === 'single' ? 'single-store' : 'chain'} enrollment`);
      }
      if (typeof value !== 'string' || value.trim() === '' || value.length > 200) throw bad(f, 'must be 1-200 characters');
    }
    if (input.mode === 'single') {
      if (!OUTLET_ID.test(input.outletId!)) throw bad('outletId', 'must be 1-64 letters, digits, dots, dashes or underscores');
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(input.email!)) throw bad('email', 'is not an e-mail address');
    } else {
      if (input.accountNumber !== undefined && !/^[A-Za-z0-9-]{4,40}$/.test(input.accountNumber))
        throw bad('accountNumber', 'must be 4-40 letters, digits or dashes');
      if (input.clientSecret !== undefined && input.clientSecret.length < 8) throw bad('clientSecret', 'is too short to be a client secret');
    }
    if (input.baseUrl !== undefined && input.baseUrl !== null) {
      let url: URL | null = null;
      try {
        url = new URL(input.baseUrl);
      } catch {
        url = null;
      }
      if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password)
        throw bad('baseUrl', 'must be an http(s) URL without credentials');
    }
    return {
      ...input,
      ...Object.fromEntries([...own].filter((f) => input[f] !== undefined).map((f) => [f, input[f]!.trim()])),
    };
  }

  /** The program's enrollment with its credentials opened, for the sync; null when there is none. */
  async forSync(programId: string, manufacturer: Manufacturer = 'rjr'): Promise<EnrollmentForSync | null> {
    const row = await this.rowOf(programId, manufacturer);
    if (!row) return null;
    const box = this.deps.config.secrets;
    const connectorEnrollment: ManufacturerEnrollment =
      row.mode === 'single'
        ? { mode: 'single_store', outletId: row.outlet_id! }
        : {
            mode: 'chain',
            accountNumber: box.open(row.account_number_enc!),
            clientId: box.open(row.client_id_enc!),
            clientSecret: box.open(row.client_secret_enc!),
          };
    return {
      id: row.id,
      mode: row.mode,
      status: row.status,
      statusReason: row.status_reason,
      baseUrl: row.base_url,
      outletId: row.outlet_id,
      connectorEnrollment,
    };
  }

  /** The manufacturer refuses the enrollment itself (single store): stop syncing until it is saved again. */
  async markBroken(programId: string, manufacturer: Manufacturer, reason: string): Promise<void> {
    const now = this.deps.clock().toISOString();
    await setEnrollmentStatus(this.db, { programId, manufacturer }, 'broken', reason, now);
  }
}
