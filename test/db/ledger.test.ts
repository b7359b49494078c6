import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerSum, postEntries, InsufficientPoints } from '../../src/adapters/db/repositories/points-ledger.repository.ts';
import { createGuest, createProgram } from '../../src/app/provisioning.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';

describe.each(ENGINES)('points ledger on %s', (engine) => {
  let db: TestDb;
  let programId: string;
  const at = new Date('2026-11-25T12:00:00Z');
  beforeAll(async () => {
    db = await openTestDb(engine);
    programId = await createProgram(db.kysely, { slug: 'p1', name: 'P1', currency: 'USD', earnRateMilli: 10_000, expiry: { kind: 'none' } }, at);
  });
  afterAll(() => db.drop());

  it('keeps the balance equal to the sum of the ledger', async () => {
    const guest = await createGuest(db.kysely, programId, { name: 'G', points: 500 }, at);
    const after = await db.kysely.transaction().execute((trx) =>
      postEntries(
        trx,
        programId,
        guest,
        [
          { kind: 'REDEEM', points: -200, transactionId: null },
          { kind: 'EARN', points: 35, transactionId: null },
        ],
        at.toISOString(),
      ),
    );
    expect(after).toBe(335);
    expect(await ledgerSum(db.kysely, guest)).toBe(335);
  });

  it('refuses a debit larger than the balance and writes nothing', async () => {
    const guest = await createGuest(db.kysely, programId, { name: 'H', points: 100 }, at);
    await expect(
      db.kysely.transaction().execute((trx) =>
        postEntries(
          trx,
          programId,
          guest,
          [
            { kind: 'EARN', points: 10, transactionId: null },
            { kind: 'REDEEM', points: -500, transactionId: null },
          ],
          at.toISOString(),
        ),
      ),
    ).rejects.toBeInstanceOf(InsufficientPoints);
    expect(await ledgerSum(db.kysely, guest)).toBe(100);
    const row = await db.kysely.selectFrom('guests').select('balance').where('id', '=', guest).executeTakeFirstOrThrow();
    expect(row.balance).toBe(100);
  });
});
