import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProgramBySlug } from '../../src/adapters/db/repositories/config.repository.ts';
import { DEMO_ADMIN_EMAIL, demoAdminPassword } from '../../src/demo/seed.ts';
import { type AdminClient, clientFor, demoOwner } from '../support/admin.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { demoApp, FARHAN } from '../support/fixtures.ts';

const TABLES = [
  'audit_log',
  'programs',
  'stores',
  'incentives',
  'api_keys',
  'guests',
  'points_ledger',
  'webhook_subscriptions',
  'admin_users',
  'outbox_events',
] as const;

describe.each(ENGINES)('Admin API bad input and abuse on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  let owner: AdminClient;
  let programId: string;
  let now = new Date('2026-11-25T12:00:00Z');

  beforeAll(async () => {
    db = await openTestDb(engine);
    ({ app } = await demoApp(db, { now: () => now }));
    owner = await demoOwner(app);
    programId = (await findProgramBySlug(db.kysely, 'bk-us'))!.id;
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  /** every table's row count, in one round trip */
  const counts = async () => {
    const columns = sql.join(TABLES.map((t) => sql`(select count(*) from ${sql.table(t)}) as ${sql.id(t)}`));
    const { rows } = await sql<Record<string, string | number>>`select ${columns}`.execute(db.kysely);
    return Object.fromEntries(TABLES.map((t) => [t, Number(rows[0]![t])]));
  };

  const cases: [string, 'POST' | 'PATCH' | 'GET', string, unknown, string][] = [
    ['unknown rule id', 'POST', '/incentives', { kind: 'OFFER', name: 'x', rules: [{ ruleId: 'moon-phase', args: {} }], vendorConfigs: {} }, 'rules[0].ruleId'],
    [
      'wrong rule argument type',
      'POST',
      '/incentives',
      { kind: 'OFFER', name: 'x', rules: [{ ruleId: 'service-mode', args: { modes: 'DRIVE_THRU' } }], vendorConfigs: {} },
      'rules[0].args.modes',
    ],
    ['rule without args', 'POST', '/incentives', { kind: 'OFFER', name: 'x', rules: [{ ruleId: 'service-mode' }], vendorConfigs: {} }, 'rules[0].args'],
    ['reward without a point cost', 'POST', '/incentives', { kind: 'REWARD', name: 'x', vendorConfigs: {} }, 'pointCost'],
    ['unknown PLU type', 'POST', '/incentives', { kind: 'OFFER', name: 'x', vendorConfigs: { ncr: { pluType: 'magicPlu' } } }, 'vendorConfigs.ncr.pluType'],
    [
      'validity and date-span rule together',
      'POST',
      '/incentives',
      { kind: 'OFFER', name: 'x', rules: [{ ruleId: 'date-span', args: {} }], validity: { end: '2030-01-01' }, vendorConfigs: {} },
      'validity',
    ],
    ['validity that is not a date', 'POST', '/incentives', { kind: 'OFFER', name: 'x', validity: { end: '31/12/2030' }, vendorConfigs: {} }, 'validity.end'],
    ['unknown field', 'PATCH', '', { earnRate: 10 }, 'earnRate'],
    ['a number as a string', 'PATCH', '', { earnRateMilli: '10000' }, 'earnRateMilli'],
    ['expiry without its days', 'PATCH', '', { expiry: { kind: 'inactivity' } }, 'expiry.days'],
    ['unknown expiry kind', 'PATCH', '', { expiry: { kind: 'never' } }, 'expiry.kind'],
    ['unknown receipt line', 'PATCH', '', { receiptTemplates: { default: { claimed: { hedaer: 'x' } } } }, 'receiptTemplates.default.claimed.hedaer'],
    ['bad time zone', 'POST', '/stores', { externalId: 'X1', name: 'x', timeZone: 'Mars/Olympus' }, 'timeZone'],
    ['webhook URL that is not http', 'POST', '/webhooks', { url: 'ftp://example.com/hook', eventTypes: ['*'] }, 'url'],
    ['unknown event type', 'POST', '/webhooks', { url: 'https://example.com/hook', eventTypes: ['points.stolen'] }, 'eventTypes[0]'],
    ['adjustment of zero points', 'POST', `/guests/${FARHAN}/adjustments`, { points: 0, reason: 'nothing' }, 'points'],
    ['fractional points', 'POST', `/guests/${FARHAN}/adjustments`, { points: 1.5, reason: 'half' }, 'points'],
    ['page size out of range', 'GET', '/transactions?limit=0', undefined, 'limit'],
    ['cursor we never issued', 'GET', '/guests?cursor=bm90LWEtY3Vyc29y', undefined, 'cursor'],
    ['date that is not a date', 'GET', '/transactions?from=yesterday', undefined, 'from'],
  ];

  it.each(cases)('answers 400 naming the field, writes nothing: %s', async (_name, method, path, body, field) => {
    const before = await counts();
    const res = await owner.call(method, `/programs/${programId}${path}`, body);
    expect(res.status, res.text).toBe(400);
    expect(res.body).toMatchObject({ code: 'ValidationError', statusCode: 400 });
    expect(res.body.details.field).toBe(field);
    expect(res.text).not.toMatch(/\.ts:\d+|at \w+ \(/);
    expect(await counts()).toEqual(before);
  });

  it('answers malformed JSON and a wrong content type without writing', async () => {
    const before = await counts();
    const bad = await app.inject({
      method: 'POST',
      url: `/admin/v1/programs/${programId}/stores`,
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
      payload: '{"externalId": ',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'ValidationError', details: { field: 'body' } });
    const proto = await app.inject({
      method: 'POST',
      url: `/admin/v1/programs/${programId}/stores`,
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
      payload: '{"__proto__": {"admin": true}}',
    });
    expect(proto.statusCode).toBe(400);
    const text = await app.inject({
      method: 'POST',
      url: `/admin/v1/programs/${programId}/stores`,
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(text.statusCode).toBe(415);
    expect(await counts()).toEqual(before);
  });

  it('refuses missing, tampered and expired tokens with 401', async () => {
    expect((await app.inject({ method: 'GET', url: '/admin/v1/programs' })).statusCode).toBe(401);
    const tampered = clientFor(app, `${owner.token.slice(0, -2)}xx`);
    const res = await tampered.call('GET', '/programs');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'Unauthorized', statusCode: 401 });

    // the owner's session (from the start, at the clock's time) expires after 12 hours; a new login works again
    expect((await owner.call('GET', '/programs')).status).toBe(200);
    now = new Date(now.getTime() + 13 * 3600_000);
    expect((await owner.call('GET', '/programs')).status).toBe(401);
    owner = await demoOwner(app);
    expect((await owner.call('GET', '/programs')).status).toBe(200);
  });

  it('locks an e-mail out from one address after five wrong passwords, even for the right one', async () => {
    const attempt = (password: string, remoteAddress = '10.0.0.7') =>
      app.inject({ method: 'POST', url: '/admin/v1/auth/login', remoteAddress, payload: { email: DEMO_ADMIN_EMAIL, password } });
    for (let i = 0; i < 5; i++) expect((await attempt(`wrong-${i}`)).statusCode).toBe(401);
    const locked = await attempt(demoAdminPassword());
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'RateLimited', statusCode: 429 });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt(demoAdminPassword(), '10.0.0.8')).statusCode).toBe(200);
  });

  it('keeps the audit log append-only: no route changes it and the database refuses to', async () => {
    await owner.call('POST', `/programs/${programId}/guests/${FARHAN}/adjustments`, { points: 1, reason: 'audit me' });
    const entry = (await owner.call('GET', `/audit?programId=${programId}&action=points.adjust`)).body.items[0];
    expect(entry).toMatchObject({ actor: { type: 'admin' }, reason: 'audit me' });
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST'] as const) {
      expect((await owner.call(method, `/audit/${entry.id}`, method === 'DELETE' ? undefined : {})).status).toBe(404);
      expect((await owner.call(method, '/audit', method === 'DELETE' ? undefined : {})).status).toBe(404);
    }
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, object> };
    for (const [path, ops] of Object.entries(doc.paths)) if (path.startsWith('/admin/v1/audit')) expect(Object.keys(ops)).toEqual(['get']);

    await expect(db.kysely.updateTable('audit_log').set({ reason: 'rewritten' }).where('id', '=', entry.id).execute()).rejects.toThrow(/append-only/);
    await expect(db.kysely.deleteFrom('audit_log').where('id', '=', entry.id).execute()).rejects.toThrow(/append-only/);
    const row = await db.kysely.selectFrom('audit_log').select('reason').where('id', '=', entry.id).executeTakeFirstOrThrow();
    expect(row.reason).toBe('audit me');
  });

  it('pages through the audit log with cursors and filters by actor and date', async () => {
    const me = (await owner.call('GET', '/me')).body.userId;
    for (let i = 0; i < 3; i++) await owner.call('PATCH', `/programs/${programId}`, { claimWindowDays: 20 + i });
    const first = await owner.call('GET', `/audit?actorId=${me}&action=program.update&limit=2`);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await owner.call('GET', `/audit?actorId=${me}&action=program.update&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const ids = [...first.body.items, ...second.body.items].map((e: { id: string }) => e.id);
    expect(new Set(ids).size).toBe(3);
    expect(second.body.items[0].after.claimWindowDays).toBe(20);
    expect((await owner.call('GET', `/audit?actorId=${me}&action=program.update&to=2000-01-01`)).body.items).toEqual([]);
    expect((await owner.call('GET', `/audit?actorId=someone-else`)).body.items).toEqual([]);
  });
});
