import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoKey } from '../../src/demo/seed.ts';
import { ENGINES } from '../support/engines.ts';
import { FARHAN, saleBody } from '../support/fixtures.ts';
import { type ServerProcess, startServerOn, tillpoint } from '../support/server-process.ts';

/** The whole sale over real HTTP against a real server process, as `npm start` runs it. */
describe.each(ENGINES)('end to end on %s', (engine) => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerOn(engine);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  const post = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': demoKey('partner') },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field below
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const balance = async (posTxn: string) =>
    (await post('POST', '/loyalty/identify', { identifier: FARHAN, posVendor: { posType: 'Partner', storeId: '1001', terminal: '9', transactionId: posTxn } }))
      .body.balances[0].amount as number;

  it('prints URLs and demo keys, and serves health, readiness, metrics and the OpenAPI document', async () => {
    expect(server.output()).toContain(demoKey('ncr'));
    expect(server.output()).toContain('/docs');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${server.url}/readyz`)).json()).toMatchObject({ status: 'ready', database: engine });
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/loyalty/identify', '/loyalty/transaction/pos/{loyaltyTransactionId}']));
  });

  it('runs code → identify → validate → PENDING → CLAIMED → void, checking the balance at each step', async () => {
    const start = await balance('B-0');
    const { stdout } = await tillpoint(['guest', 'code', FARHAN, '--select', 'rwd-small-fries', '--database', server.databaseUrl]);
    const code = stdout.trim();
    expect(code).toMatch(/^\d{6}$/);

    const identified = await post('POST', '/loyalty/identify', {
      identifier: code,
      posVendor: { posType: 'Partner', storeId: '9999', terminal: '2', transactionId: 'E2E-1', operator: '1' },
    });
    expect(identified.status).toBe(200);
    expect(identified.body.balances[0].amount).toBe(start - 250);
    const txn = identified.body.transactionId as string;

    const body = saleBody('E2E-1', [{ price: '9.99' }, { price: 0, productType: 'reward', productId: '900101' }]);
    body.transactionDetails.posVendor.terminal = '2';
    const validated = await post('POST', `/loyalty/transaction/pos/validate/${txn}`, body);
    expect(validated.body).toMatchObject({ pointsEarned: 99, pointsRedeemed: 250 });
    expect(await balance('B-1')).toBe(start);

    const pending = await post('PUT', `/loyalty/transaction/pos/${txn}`, { ...body, status: 'PENDING' });
    // PENDING previews the claim (as the NCR seed's example); the balance moves only at CLAIMED.
    expect(pending.body).toMatchObject({ points: start - 250 + 99, pointsEarned: 99 });
    expect(await balance('B-2')).toBe(start);

    const claimed = await post('PUT', `/loyalty/transaction/pos/${txn}`, body);
    expect(claimed.body).toMatchObject({ points: start - 250 + 99, pointsEarned: 99, pointsRedeemed: 250 });
    expect(await balance('B-3')).toBe(start - 151);

    const voided = await post('PUT', `/loyalty/transaction/pos/${txn}/void`, body);
    expect(voided).toEqual({ status: 200, body: { transactionId: txn } });
    expect(await balance('B-4')).toBe(start);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/tillpoint_claims_total\{program="[^"]+"\} 1/);
    expect(metrics).toMatch(/tillpoint_points_earned_total\{program="[^"]+"\} 99/);
    expect(metrics).toContain('tillpoint_http_request_duration_seconds_bucket');
  });
});

describe('CLI', () => {
  it('prints the demo as one JSON document', async () => {
    const dir = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/tp-cli-`);
    const { stdout } = await tillpoint(['demo', '--json', '--database', `sqlite:${dir}/db.sqlite`]);
    const info = JSON.parse(stdout);
    expect(info.program.slug).toBe('bk-us');
    expect(Object.keys(info.keys)).toEqual(['partner', 'tillster', 'ncr', 'winrest']);
    expect(info.incentives.length).toBeGreaterThanOrEqual(5);
    expect(info.guests[0]).toMatchObject({ name: 'Farhan', balance: 14464 });
  });

  it('explains usage errors and exits non-zero', async () => {
    await expect(tillpoint(['guest', 'code'])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("missing required argument 'loyaltyId'") });
    await expect(tillpoint(['frobnicate'])).rejects.toMatchObject({ stderr: expect.stringContaining("unknown command 'frobnicate'") });
    await expect(tillpoint(['serve', '--database', 'mysql://nope', '--port', '99999'])).rejects.toMatchObject({ stderr: expect.stringContaining('port') });
  });
});
