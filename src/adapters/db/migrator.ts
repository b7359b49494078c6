import { type Migration, type MigrationProvider, type MigrationResultSet, Migrator } from 'kysely';
import type { Db } from './database.ts';
import * as core from './migrations/0001-core.ts';
import * as admin from './migrations/0002-admin.ts';
import * as eventsAudit from './migrations/0003-events-audit.ts';

/** Migrations are plain modules imported here, so they ship inside any bundle and run on both engines. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-core': core,
  '0002-admin': admin,
  '0003-events-audit': eventsAudit,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db: db.kysely, provider });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
