import { type Migration, type MigrationProvider, type MigrationResultSet, Migrator } from 'kysely';
import type { Db } from './database.ts';
import * as core from './migrations/0001-core.ts';
import * as admin from './migrations/0002-admin.ts';
import * as eventsAudit from './migrations/0003-events-audit.ts';
import * as pointsRules from './migrations/0004-points-rules.ts';
import * as adminApi from './migrations/0005-admin-api.ts';
import * as guestApp from './migrations/0006-guest-app.ts';
import * as cstore from './migrations/0007-cstore.ts';
import * as posSettings from './migrations/0008-pos-settings.ts';
import * as cstoreRegister from './migrations/0009-cstore-register.ts';
import * as wideAmounts from './migrations/0010-wide-amounts.ts';
import * as ruleResults from './migrations/0011-rule-results.ts';
import * as cstoreSales from './migrations/0012-cstore-sales.ts';
import * as rateLimits from './migrations/0013-rate-limits.ts';
import * as loginEmail from './migrations/0014-login-email.ts';
import * as promotionHistory from './migrations/0015-promotion-history.ts';
import * as scandataSubmissions from './migrations/0018-scandata-submissions.ts';

/** Migrations are plain modules imported here, so they ship inside any bundle and run on both engines. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-core': core,
  '0002-admin': admin,
  '0003-events-audit': eventsAudit,
  '0004-points-rules': pointsRules,
  '0005-admin-api': adminApi,
  '0006-guest-app': guestApp,
  '0007-cstore': cstore,
  '0008-pos-settings': posSettings,
  '0009-cstore-register': cstoreRegister,
  '0010-wide-amounts': wideAmounts,
  '0011-rule-results': ruleResults,
  '0012-cstore-sales': cstoreSales,
  '0013-rate-limits': rateLimits,
  '0014-login-email': loginEmail,
  '0015-promotion-history': promotionHistory,
  '0018-scandata-submissions': scandataSubmissions,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  // Name the schema: Kysely otherwise looks for its bookkeeping tables in any schema, and finds
  // another one's when several share a database.
  const migrator = new Migrator({ db: db.kysely, provider, ...(db.schema ? { migrationTableSchema: db.schema } : {}) });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
