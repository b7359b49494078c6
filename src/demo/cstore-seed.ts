import { findProgramBySlug } from '../adapters/db/repositories/config.repository.ts';
import { insertLocation } from '../adapters/db/repositories/locations.repository.ts';
import { insertAssignedLicense, insertLicenses } from '../adapters/db/repositories/scan-data-licenses.repository.ts';
import { inTransaction } from '../adapters/db/tx.ts';
import { SIM_CHAIN_CLIENT } from '../simulators/rjr/simulator.ts';
import type { Cstore } from '../app/cstore/cstore.ts';
import { SYSTEM_ACTOR } from '../app/cstore/deps.ts';
import type { Location, PosSystem } from '../app/cstore/model.ts';
import { createProgram } from '../app/provisioning.ts';
import { sha256 } from '../lib/ids.ts';
import { addTerm } from '../app/cstore/locations.service.ts';
import { TOKEN_PREFIX } from '../lib/tokens.ts';

/**
 * The demo c-store chain `quickstop`: three locations on Passport, Commander and an "other" POS,
 * three one-year Scan Data licenses of which two are assigned (to #102 and #103, four weeks before
 * the first start) and one waits for the newcomer to assign it to #101, and an RJR chain enrollment pointing at the simulator the
 * demo server runs in-process. Every location starts `off`. Ids and agent tokens are fixed or
 * derived, so docs/cstore.md can name them and every start prints the same (never do this for a
 * real chain). Scan-data accounts: RJR (the enrollment's account number) and Altria. Seeding is idempotent.
 */
export const CSTORE_DEMO_SLUG = 'quickstop';

export const CSTORE_DEMO_LOCATIONS: { id: string; name: string; address: string; timeZone: string; posSystem: PosSystem; outlet: string }[] = [
  {
    id: '0c570e00-0000-4000-8000-000000000101',
    name: 'QuickStop #101 Main St',
    address: '101 Main St, Springfield, IL 62701',
    timeZone: 'America/Chicago',
    posSystem: 'passport',
    outlet: '7000001',
  },
  {
    id: '0c570e00-0000-4000-8000-000000000102',
    name: 'QuickStop #102 Route 9',
    address: '902 Route 9, Albany, NY 12203',
    timeZone: 'America/New_York',
    posSystem: 'commander',
    outlet: '7000002',
  },
  {
    id: '0c570e00-0000-4000-8000-000000000103',
    name: 'QuickStop #103 Harbor Rd',
    address: '3 Harbor Rd, Tacoma, WA 98402',
    timeZone: 'America/Los_Angeles',
    posSystem: 'other',
    outlet: '7000003',
  },
];

/** The license left unassigned for the walkthrough. */
export const CSTORE_DEMO_FREE_LICENSE = '0c570e00-0000-4000-8000-00000000f101';
const ASSIGNED_LICENSES = [
  { id: '0c570e00-0000-4000-8000-00000000f102', locationId: CSTORE_DEMO_LOCATIONS[1]!.id },
  { id: '0c570e00-0000-4000-8000-00000000f103', locationId: CSTORE_DEMO_LOCATIONS[2]!.id },
];

/** How long before the first start the two assigned licenses were bought and assigned. */
const LICENSED_DAYS_AGO = 28;

export const demoAgentToken = (locationId: string): string => `${TOKEN_PREFIX.agent}demo_${sha256(`tillpoint-demo-agent|${locationId}`).slice(0, 32)}`;

export interface CstoreDemoInfo {
  program: { id: string; slug: string; name: string };
  simulatorUrl: string;
  freeLicenseId: string;
  locations: { id: string; name: string; posSystem: PosSystem; outletId: string; status: string; license: string; agentToken: string }[];
}

/** The demo's Altria account number (made up; the RJR one is the simulator chain's). */
export const CSTORE_DEMO_ALTRIA_ACCOUNT = '9100042';

/**
 * The demo's scan-data accounts: RJR under the enrollment's account number and Altria, both
 * with the licensed locations as outlets (added when missing, so an older demo database gets them).
 */
async function seedScanDataAccounts(cstore: Cstore, programId: string): Promise<void> {
  const existing = new Set((await cstore.scanData.listAccounts(programId)).map((a) => a.manufacturer));
  const common = { retailerName: 'QuickStop', submitterName: 'QuickStop Demo LLC' };
  if (!existing.has('rjr'))
    await cstore.scanData.createAccount(programId, { manufacturer: 'rjr', accountNumber: SIM_CHAIN_CLIENT.accountNumber, ...common }, SYSTEM_ACTOR);
  if (!existing.has('altria'))
    await cstore.scanData.createAccount(programId, { manufacturer: 'altria', accountNumber: CSTORE_DEMO_ALTRIA_ACCOUNT, ...common }, SYSTEM_ACTOR);
}

export async function seedCstoreDemo(cstore: Cstore, simulatorUrl: string, now = new Date()): Promise<{ created: boolean; info: CstoreDemoInfo }> {
  const db = cstore.deps.db.kysely;
  let program = await findProgramBySlug(db, CSTORE_DEMO_SLUG);
  const created = !program;
  if (!program) {
    const programId = await createProgram(
      db,
      { slug: CSTORE_DEMO_SLUG, name: 'QuickStop (demo c-store chain)', currency: 'USD', earnRateMilli: 0, expiry: { kind: 'none' } },
      now,
    );
    const at = now.toISOString();
    await inTransaction(db, async (trx) => {
      for (const l of CSTORE_DEMO_LOCATIONS) {
        const location: Location = {
          id: l.id,
          programId,
          name: l.name,
          address: l.address,
          timeZone: l.timeZone,
          posSystem: l.posSystem,
          outletIds: { rjr: l.outlet },
          autoAccept: false,
          integrationStatus: 'off',
          syncTime: null,
          outboxDir: null,
          enrollmentError: null,
          agentTokenPrefix: demoAgentToken(l.id).slice(0, 10),
          registerStoreId: l.name.match(/#(\d+)/)?.[1] ?? null,
          registerIds: 'manufacturer',
          registerIdStart: 1,
          createdAt: at,
          updatedAt: at,
        };
        await insertLocation(trx, location, sha256(demoAgentToken(l.id)));
      }
      // #102 and #103 were licensed four weeks ago, so the demo week (demo/cstore-sales-week.ts) ran under a license.
      const licensedAt = new Date(now.getTime() - LICENSED_DAYS_AGO * 86_400_000).toISOString();
      const expires = addTerm(licensedAt, '1y');
      await insertLicenses(trx, programId, '1y', [CSTORE_DEMO_FREE_LICENSE], at);
      for (const l of ASSIGNED_LICENSES) {
        await insertAssignedLicense(trx, { id: l.id, programId, term: '1y', locationId: l.locationId, at: licensedAt, by: 'demo-seed', expiresAt: expires });
      }
    });
    await cstore.enrollments.put(
      programId,
      {
        mode: 'chain',
        accountNumber: SIM_CHAIN_CLIENT.accountNumber,
        clientId: SIM_CHAIN_CLIENT.clientId,
        clientSecret: SIM_CHAIN_CLIENT.clientSecret,
        baseUrl: simulatorUrl,
      },
      SYSTEM_ACTOR,
    );
    program = (await findProgramBySlug(db, CSTORE_DEMO_SLUG))!;
  } else {
    // The simulator may listen elsewhere this time; keep the stored credentials.
    const current = await cstore.enrollments.get(program.id).catch(() => null);
    if (current?.mode === 'chain' && current.baseUrl !== simulatorUrl)
      await cstore.enrollments.put(program.id, { mode: 'chain', baseUrl: simulatorUrl }, SYSTEM_ACTOR);
  }
  await seedScanDataAccounts(cstore, program.id);
  const locations = await cstore.locations.list(program.id);
  return {
    created,
    info: {
      program: { id: program.id, slug: program.slug, name: program.name },
      simulatorUrl,
      freeLicenseId: CSTORE_DEMO_FREE_LICENSE,
      locations: locations.map((l) => ({
        id: l.id,
        name: l.name,
        posSystem: l.posSystem,
        outletId: l.outletIds.rjr ?? '',
        status: l.integrationStatus,
        license: l.license ? `${l.license.state} until ${l.license.expiresAt?.slice(0, 10)}` : 'none',
        agentToken: CSTORE_DEMO_LOCATIONS.some((d) => d.id === l.id) ? demoAgentToken(l.id) : '(issue one: POST …/agent-token)',
      })),
    },
  };
}
