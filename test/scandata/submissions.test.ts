import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCAN_DATA_FORMATS } from '../../src/adapters/scandata/formats.ts';
import { scanDataPlugins } from '../../src/adapters/scandata/file-store.ts';
import { fileLines } from '../../src/adapters/scandata/validation.ts';
import { scanDataWeeklyJob } from '../../src/jobs/scandata-weekly.job.ts';
import { ENGINES } from '../support/engines.ts';
import { type CstoreHarness, cstoreHarness } from '../support/cstore.ts';

const MARLBORO = '028200003843';
const CAMEL = '012300000123';
type Json = Record<string, unknown>;

/** A tobacco basket as a POS agent reports it (store-local dates follow from America/New_York). */
const basket = (transactionId: string, soldAt: string, lines: { upc: string; qty: number; price: number; kind?: string }[]) => ({
  registerId: '1',
  transactionId,
  soldAt,
  tender: 'cash',
  ageVerification: 'scanned-id',
  lines: lines.map((l) => ({
    productId: l.upc,
    description: l.upc === MARLBORO ? 'Marlboro Red Box' : 'Camel Blue',
    unitOfMeasure: 'pack',
    quantity: l.qty,
    unitPriceCents: l.price,
    category: 'cigarettes',
    ...(l.kind ? { kind: l.kind } : {}),
  })),
});

const outlet = (locationId: string, n: number, over: Json = {}) => ({
  locationId,
  address1: `${n} Main St`,
  city: 'Springfield',
  state: 'IL',
  zip: '62701',
  phone: '217-555-0100',
  ...over,
});

describe.each(ENGINES)('scan-data submissions on %s', (engine) => {
  let h: CstoreHarness;
  let a: string;
  let b: string;
  let idle: string;
  let rjr: Json;
  let altria: Json;
  const dir = mkdtempSync(join(tmpdir(), 'tillpoint-submissions-'));
  const P = () => `/admin/v1/cstore/programs/${h.programId}`;
  // sales of Tue 1 – Thu 3 Dec 2026: inside RJR's week (Mon 30 Nov – Sun 6 Dec) and Altria's (Sun 29 Nov – Sat 5 Dec)
  const SALES: [string, string, ReturnType<typeof basket>][] = [];
  let expected = { quantity: 0, cents: 0 };

  beforeAll(async () => {
    h = await cstoreHarness(engine, { outlets: 4, promotionsPerOutlet: 3 });
    h.cstore.deps.scanData = scanDataPlugins(dir);
    a = await h.pilotLocation({ name: 'Sub A' });
    b = await h.pilotLocation({ name: 'Sub B' });
    idle = await h.pilotLocation({ name: 'Sub Idle' });
    const tokens: Record<string, Record<string, string>> = {};
    for (const loc of [a, b]) {
      const t = await h.api('POST', `/admin/v1/cstore/locations/${loc}/agent-token`);
      tokens[loc] = { authorization: `Bearer ${(t.json() as { token: string }).token}` };
    }
    SALES.push(
      [a, 'A', basket('T1', '2026-12-01T15:00:00Z', [{ upc: MARLBORO, qty: 2, price: 899 }])],
      [
        a,
        'A',
        basket('T2', '2026-12-02T16:00:00Z', [
          { upc: CAMEL, qty: 1, price: 859 },
          { upc: CAMEL, qty: 1, price: 859, kind: 'void' },
        ]),
      ],
      [b, 'B', basket('T1', '2026-12-02T17:30:00Z', [{ upc: CAMEL, qty: 3, price: 859 }])],
      [b, 'B', basket('T2', '2026-12-03T20:00:00Z', [{ upc: MARLBORO, qty: 1, price: 949 }])],
    );
    for (const [loc, , body] of SALES) {
      const r = await h.app.inject({ method: 'POST', url: '/agent/v1/sales', headers: tokens[loc]!, payload: body });
      expect(r.statusCode, r.body).toBe(201);
    }
    expected = { quantity: 2 + 1 - 1 + 3 + 1, cents: 2 * 899 + 859 - 859 + 3 * 859 + 949 };
    const created = await h.api('POST', `${P()}/scandata/accounts`, {
      manufacturer: 'rjr',
      accountNumber: '700123',
      retailerName: 'Sub Test Fuels',
      submitterName: 'Sub Test LLC',
      outlets: [outlet(a, 1), outlet(b, 2)],
    });
    expect(created.statusCode, created.body).toBe(201);
    rjr = created.json() as Json;
    const alt = await h.api('POST', `${P()}/scandata/accounts`, {
      manufacturer: 'altria',
      accountNumber: '9100042',
      retailerName: 'Sub Test Fuels',
      submitterName: 'Sub Test LLC',
      outlets: [outlet(a, 1, { outletNumber: 'S-1' }), outlet(b, 2, { outletNumber: 'S-2' })],
    });
    expect(alt.statusCode, alt.body).toBe(201);
    altria = alt.json() as Json;
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the account number sealed: answered masked, never in a body or log, audited', async () => {
    expect(rjr).toMatchObject({ manufacturer: 'rjr', format: 'rjr', accountNumber: '••••', options: { dateSeparator: '-' }, retailerName: 'Sub Test Fuels' });
    const row = await h.db.kysely
      .selectFrom('scan_data_accounts')
      .selectAll()
      .where('id', '=', rjr.id as string)
      .executeTakeFirstOrThrow();
    expect(row.account_number_enc).not.toContain('700123');
    expect(h.bodies.join('\n')).not.toContain('700123');
    expect(h.logs.join('\n')).not.toContain('700123');
    const audit = await h.db.kysely
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', rjr.id as string)
      .execute();
    expect(audit.map((e) => e.action)).toEqual(['scandata.account.created']);
    const dup = await h.api('POST', `${P()}/scandata/accounts`, { manufacturer: 'rjr', accountNumber: '700123', retailerName: 'x', submitterName: 'x' });
    expect(dup.statusCode).toBe(409);
    const badOpt = await h.api('POST', `${P()}/scandata/accounts`, {
      manufacturer: 'rjr',
      accountNumber: '700999',
      retailerName: 'x',
      submitterName: 'x',
      options: { dateSeparator: '/' },
    });
    expect(badOpt.statusCode).toBe(400);
    expect(badOpt.json()).toMatchObject({ details: { field: 'options' } });
    const badOutlet = await h.api('POST', `${P()}/scandata/accounts`, {
      manufacturer: 'rjr',
      accountNumber: '700999',
      retailerName: 'x',
      submitterName: 'x',
      outlets: [{ locationId: a, outletNumber: '700999' }],
    });
    expect(badOutlet.statusCode).toBe(400);
    expect(badOutlet.json()).toMatchObject({ details: { field: 'outlets[0].outletNumber' } });
  });

  it('generates the RJR week: the file validates clean, its totals equal the sales, the download streams the same bytes', async () => {
    h.clock.set('2026-12-07T14:00:00Z');
    const r = await h.api('POST', `${P()}/scandata/submissions`, { accountId: rjr.id, week: '2026-12-02' });
    expect(r.statusCode, r.body).toBe(201);
    const s = r.json() as Json;
    expect(s).toMatchObject({
      state: 'generated',
      status: 'generated',
      weekStart: '2026-11-30',
      weekEnd: '2026-12-06',
      dueAt: '2026-12-09T22:00:00.000Z',
      generation: 1,
      rows: 5, // T2's sale and its void are two rows
      quantity: expected.quantity,
      finalSalesCents: expected.cents,
      transactions: 4,
      outlets: 2,
      validation: { ok: true, violationCount: 0, byCode: {} },
      holdReason: null,
    });
    expect(s.fileName).toBe('700123_20261207_0900_Sub_Test_Fuels.txt');
    const row = await h.db.kysely
      .selectFrom('scan_data_submissions')
      .selectAll()
      .where('id', '=', s.id as string)
      .executeTakeFirstOrThrow();
    const onDisk = readFileSync(row.file_path);
    expect(row.file_path.startsWith(dir)).toBe(true);
    const report = await SCAN_DATA_FORMATS.get('rjr')!.validate(fileLines(row.file_path), { week: '2026-11-30', accountNumber: '700123' });
    expect(report).toMatchObject({ ok: true, rows: 5 });

    const file = await h.api('GET', `/admin/v1/cstore/scandata/submissions/${s.id}/file`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toBe('attachment; filename="700123_20261207_0900_Sub_Test_Fuels.txt"');
    expect(file.headers['x-sha256']).toBe(s.sha256);
    expect(file.rawPayload.equals(onDisk)).toBe(true);
    expect(Number(s.sizeBytes)).toBe(onDisk.length);
  });

  it('generates the Altria week with its summary line, valid', async () => {
    const r = await h.cstore.scanData.generate(altria.id as string, '2026-12-02', { type: 'cli', id: 'cli', name: 'test' });
    expect(r.report?.ok).toBe(true);
    expect(r.submission).toMatchObject({ state: 'generated', weekStart: '2026-11-29', weekEnd: '2026-12-05', dueAt: '2026-12-08T22:00:00.000Z' });
    const first = readFileSync(r.path, 'utf8').split('\n')[0];
    expect(first).toBe(`${r.submission.rows}|${expected.quantity}|${(expected.cents / 100).toFixed(2)}|Sub Test LLC`);
  });

  it('moves through submitted and rejected, answers 409 to wrong transitions, and a new generation supersedes a rejected file', async () => {
    const list = await h.api('GET', `${P()}/scandata/submissions?manufacturer=rjr&week=2026-12-01`);
    const s = (list.json() as { items: Json[] }).items[0]!;
    const id = s.id as string;
    const S = `/admin/v1/cstore/scandata/submissions/${id}`;
    expect((await h.api('POST', `${S}/rejection`, { code: 'X' })).statusCode).toBe(409); // not submitted yet
    expect((await h.api('POST', `${S}/release`, {})).statusCode).toBe(409); // not held
    const sub = await h.api('POST', `${S}/submitted`);
    expect(sub.statusCode, sub.body).toBe(200);
    expect(sub.json()).toMatchObject({ state: 'submitted', status: 'submitted', late: false, submittedBy: expect.any(String) });
    expect((await h.api('POST', `${S}/submitted`)).statusCode).toBe(409);
    const again = await h.api('POST', `${P()}/scandata/submissions`, { accountId: rjr.id, week: '2026-12-02' });
    expect(again.statusCode).toBe(409); // submitted: record the rejection first
    const rej = await h.api('POST', `${S}/rejection`, { code: 'ID-4-4-3', message: 'Invalid Data Records' });
    expect(rej.json()).toMatchObject({ state: 'rejected', rejectionCode: 'ID-4-4-3', rejectionMessage: 'Invalid Data Records' });
    h.clock.set('2026-12-09T00:00:00Z');
    const regen = await h.api('POST', `${P()}/scandata/submissions`, { accountId: rjr.id, week: '2026-12-02' });
    expect(regen.statusCode, regen.body).toBe(201);
    expect(regen.json()).toMatchObject({ generation: 2, state: 'generated', warning: expect.stringMatching(/due within 24 h/) });
    expect((await h.api('POST', `${S}/submitted`)).json()).toMatchObject({ code: 'InvalidTransition' }); // superseded
    const now = await h.api('GET', `${P()}/scandata/submissions?manufacturer=rjr&week=2026-12-01`);
    expect((now.json() as { items: Json[] }).items[0]).toMatchObject({ id: (regen.json() as Json).id, generation: 2 });
    // the old file stays downloadable as a record
    expect((await h.api('GET', `${S}/file`)).statusCode).toBe(200);
    const actions = await h.db.kysely.selectFrom('audit_log').select('action').where('entity_id', '=', id).orderBy('created_at').execute();
    expect(actions.map((x) => x.action)).toEqual(['scandata.generated', 'scandata.submit', 'scandata.reject']);
  });

  it('holds a week with an outlet that sold nothing until an admin releases it', async () => {
    const acc = await h.cstore.scanData.createAccount(
      h.programId,
      { manufacturer: 'rjr', accountNumber: '700124', retailerName: 'Held', submitterName: 'Held', outlets: [outlet(a, 1), outlet(idle, 3)] },
      { type: 'cli', id: 'cli', name: 'test' },
    );
    const r = await h.api('POST', `${P()}/scandata/submissions`, { accountId: acc.id, week: '2026-12-02' });
    expect(r.json()).toMatchObject({ state: 'held', holdReason: expect.stringMatching(/outlets 1 < 2/) });
    const id = (r.json() as Json).id as string;
    const S = `/admin/v1/cstore/scandata/submissions/${id}`;
    expect((await h.api('GET', `${S}/file`)).statusCode).toBe(409);
    expect((await h.api('POST', `${S}/submitted`)).statusCode).toBe(409);
    const rel = await h.api('POST', `${S}/release`, { reason: 'the idle store was closed for works' });
    expect(rel.json()).toMatchObject({ state: 'generated', releasedBy: expect.any(String) });
    expect((await h.api('GET', `${S}/file`)).statusCode).toBe(200);
    // a regeneration of a released week is not held again
    const regen = await h.api('POST', `${P()}/scandata/submissions`, { accountId: acc.id, week: '2026-12-02' });
    expect(regen.json()).toMatchObject({ state: 'generated', generation: 2, holdReason: null });
    const audit = await h.db.kysely
      .selectFrom('audit_log')
      .select(['action', 'reason'])
      .where('entity_id', '=', id)
      .where('action', '=', 'scandata.release')
      .execute();
    expect(audit).toEqual([{ action: 'scandata.release', reason: 'the idle store was closed for works' }]);
  });

  it('lists each account and week with pending, late and warning on an injected clock, paged by cursor', async () => {
    h.clock.set('2026-12-16T23:00:00Z'); // the RJR week of 7 Dec was due 16 Dec 22:00 Z
    const r = await h.api('GET', `${P()}/scandata/submissions?accountId=${rjr.id}&weeks=3`);
    expect(r.statusCode, r.body).toBe(200);
    const items = (r.json() as { items: Json[] }).items;
    expect(items.map((i) => [i.weekStart, i.status])).toEqual([
      ['2026-12-07', 'late'],
      ['2026-11-30', 'late'],
      ['2026-11-23', 'late'],
    ]);
    expect(items[1]).toMatchObject({ state: 'generated', late: true });
    expect(items[0]).toMatchObject({ id: null, state: 'pending', late: true, warning: expect.stringMatching(/^late/) });
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `${P()}/scandata/submissions?weeks=3&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const p = (await h.api('GET', q)).json() as { items: Json[]; nextCursor: string | null };
      pages.push(...p.items.map((i) => `${i.weekStart}/${i.accountId}`));
      cursor = p.nextCursor;
    } while (cursor);
    expect(new Set(pages).size).toBe(pages.length);
    expect(pages.length).toBeGreaterThanOrEqual(7); // 3 accounts × 3 weeks, Altria's 3 weeks
    expect((await h.api('GET', `${P()}/scandata/submissions?weeks=99`)).json()).toMatchObject({ details: { field: 'weeks' } });
    expect((await h.api('GET', `${P()}/scandata/submissions?week=2026-13-01`)).json()).toMatchObject({ details: { field: 'week' } });
  });

  it('the Monday job generates last week once per account; a second run keeps what exists', async () => {
    const monday = () => new Date('2026-12-14T12:00:00Z');
    h.clock.set('2026-12-14T12:00:00Z');
    const first = await scanDataWeeklyJob.run({ cstore: h.cstore, now: monday });
    expect(first.map((o) => o.outcome)).toEqual(first.map(() => 'generated'));
    expect(first.find((o) => o.accountId === rjr.id)).toMatchObject({ weekStart: '2026-12-07' });
    expect(first.find((o) => o.accountId === altria.id)).toMatchObject({ weekStart: '2026-12-06' });
    const second = await scanDataWeeklyJob.run({ cstore: h.cstore, now: monday });
    expect(second.map((o) => o.outcome)).toEqual(first.map(() => 'kept'));
    const rows = await h.db.kysely.selectFrom('scan_data_submissions').select('id').where('week_start', 'in', ['2026-12-07', '2026-12-06']).execute();
    expect(rows).toHaveLength(first.length);
  });

  it('keeps programs apart and checks roles on every route', async () => {
    const programs = (await h.api('GET', '/admin/v1/programs')).json() as { id: string }[];
    const other = programs.find((p) => p.id !== h.programId)!.id;
    const user = await h.api('POST', '/admin/v1/users', {
      email: 'sd-support@example.com',
      name: 'Support',
      password: 'long-enough-1',
      role: 'support',
      programIds: [other],
    });
    expect(user.statusCode, user.body).toBe(201);
    const login = await h.app.inject({ method: 'POST', url: '/admin/v1/auth/login', payload: { email: 'sd-support@example.com', password: 'long-enough-1' } });
    const auth = { authorization: `Bearer ${(login.json() as { token: string }).token}` };
    const as = (method: 'GET' | 'POST', url: string, payload?: object) => h.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
    const sub = ((await h.api('GET', `${P()}/scandata/submissions?manufacturer=rjr&week=2026-12-01`)).json() as { items: Json[] }).items[0]!;
    expect((await as('GET', `${P()}/scandata/submissions`)).statusCode).toBe(404);
    expect((await as('GET', `/admin/v1/cstore/scandata/accounts/${rjr.id}`)).statusCode).toBe(404);
    expect((await as('GET', `/admin/v1/cstore/scandata/submissions/${sub.id}/file`)).statusCode).toBe(404);
    expect((await as('POST', `/admin/v1/cstore/scandata/submissions/${sub.id}/submitted`)).statusCode).toBe(403); // support may not manage
    expect((await as('POST', `/admin/v1/cstore/programs/${other}/scandata/accounts`, {})).statusCode).toBe(403);
    expect((await h.app.inject({ method: 'GET', url: `${P()}/scandata/submissions` })).statusCode).toBe(401);
    // an account of this program named under another program is not found there
    expect((await h.api('POST', `/admin/v1/cstore/programs/${other}/scandata/submissions`, { accountId: rjr.id, week: '2026-12-02' })).statusCode).toBe(404);
  });
});
