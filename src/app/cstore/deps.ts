import type { Db } from '../../adapters/db/database.ts';
import { type Logger, silentLogger } from '../ports/logger.ts';
import type { ManufacturerConnector } from '../ports/manufacturer-connector.ts';
import type { RenderBatch } from '../ports/pricebook-renderer.ts';
import type { ScanDataPlugins } from '../ports/scandata-files.ts';
import type { CstoreConfig } from './cstore.config.ts';
import type { Actor } from './model.ts';

/** The c-store use cases log through the one {@link Logger}; this name stays for existing imports. */
export type CstoreLogger = Logger;
export { silentLogger };

export interface CstoreDeps {
  db: Db;
  clock: () => Date;
  config: CstoreConfig;
  /** the connector to use against a manufacturer API base URL (cached by the caller) */
  connectorFor: (baseUrl: string) => ManufacturerConnector;
  log: Logger;
  /** renders an accepted batch for the location's register (adapters/pricebook) */
  renderBatch: RenderBatch;
  /** scan-data formats and where their files go (adapters/scandata) */
  scanData: ScanDataPlugins;
  /** how long configuration read on the POS path may be cached (default 5 s; 0: not at all) */
  configTtlMs?: number;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: 'system', name: 'Tillpoint' };
export const AUTO_ACCEPT_ACTOR: Actor = { type: 'system', id: 'auto-accept', name: 'Auto-accept' };

/** The audit log's actor columns for an actor. */
export function auditActor(actor: Actor): { actor_type: 'admin' | 'system' | 'cli'; actor_id: string } {
  return { actor_type: actor.type, actor_id: actor.id };
}
