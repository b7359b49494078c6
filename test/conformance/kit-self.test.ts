import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAgainst, fillExample } from '../../src/conformance/check.ts';
import { runConformance } from '../../src/conformance/client.ts';
import { listenAsLoyaltyServer } from '../../src/conformance/listener.ts';
import { VENDORS } from '../../src/conformance/scenario.ts';
import { seedExamples } from '../../src/conformance/seed-examples.ts';
import { parseSeedJson } from '../../src/conformance/seed-json.ts';

/**
 * The kit checks itself: its client (the server side of certification) against its own
 * `conformance pos --listen` (the POS side) must agree on every call and field, for every vendor.
 */
describe('the conformance kit against itself', () => {
  const REWARD = { plu: '900101', id: 'rwd-small-fries' };
  let pos: Awaited<ReturnType<typeof listenAsLoyaltyServer>>;

  beforeAll(async () => {
    pos = await listenAsLoyaltyServer({
      port: 0,
      host: '127.0.0.1',
      key: 'kit-key',
      shortIdentifier: '000000',
      values: { $benefitPlu: REWARD.plu, $incentivePlu: REWARD.plu, $loyaltyIncentiveId: REWARD.id },
    });
  });
  afterAll(async () => {
    await pos?.close();
  });

  it.each(VENDORS)('%s: every example the client replays, the listener answers and accepts', async (vendor) => {
    const before = pos.report().calls.length;
    const report = await runConformance({
      target: pos.url,
      key: 'kit-key',
      vendor,
      store: '9999',
      identifier: '123456',
      shortIdentifier: '000000',
      rewardPlu: REWARD.plu,
      rewardId: REWARD.id,
      values: { $plu: '3001' },
      runId: `SELF-${vendor}`,
    });
    const failures = report.calls.filter((c) => !c.ok).map((c) => ({ step: c.step, error: c.error, fields: c.fields.filter((f) => !f.ok) }));
    expect(failures).toEqual([]);
    expect(report.calls.map((c) => c.step)).toEqual(
      vendor === 'ncr'
        ? ['identify', 'validate', 'pending', 'claimed', 'void', 'unclaimed', 'rules-error.identify', 'rules-error']
        : ['identify', 'validate', 'claimed', 'void', 'unclaimed', 'rules-error.identify', 'rules-error'],
    );
    const seen = pos.report().calls.slice(before);
    expect(seen.map((c) => c.step)).toEqual(report.calls.map((c) => c.step));
    expect(seen.filter((c) => !c.ok).map((c) => ({ step: c.step, fields: c.fields.filter((f) => !f.ok) }))).toEqual([]);
  });

  it('reports a POS call that misses the key, sends a quantity as text and drops a required field', async () => {
    const before = pos.report().calls.length;
    const sale = JSON.parse(
      fillExample(seedExamples('winrest').void.request.node, {
        values: new Map([
          ['$incentivePlu', '1401'],
          ['$plu', '3001'],
        ]),
      }),
    );
    sale.transactionDetails.order[1].quantity = '1';
    delete sale.transactionDetails.currency;
    const res = await fetch(`${pos.url}/loyalty/transaction/pos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(sale),
    });
    expect(res.status).toBe(200);
    const [call] = pos.report().calls.slice(before);
    expect(call).toMatchObject({ step: 'unclaimed', ok: false });
    expect(call!.fields.filter((f) => !f.ok).map((f) => f.path)).toEqual([
      'header x-api-key',
      '$.transactionDetails.currency',
      '$.transactionDetails.order[1].quantity',
    ]);
  });

  it('answers 404 for a loyalty transaction it never opened, and reports it', async () => {
    const before = pos.report().calls.length;
    const res = await fetch(`${pos.url}/loyalty/transaction/pos/nope`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-api-key': 'kit-key' },
      body: '{}',
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'TransactionNotFoundError', statusCode: 404 });
    expect(pos.report().calls.slice(before)).toEqual([expect.objectContaining({ ok: false, error: 'no loyalty transaction nope (identify first)' })]);
  });
});

describe('the kit from the command line: tillpoint conformance against tillpoint conformance pos --listen', () => {
  const BIN = new URL('../../bin/tillpoint.mjs', import.meta.url).pathname;

  it('prints each call as it arrives, a summary on exit, both JSON reports, exit code 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tillpoint-kit-cli-'));
    const listener: ChildProcess = spawn(
      process.execPath,
      [
        BIN,
        'conformance',
        'pos',
        '--listen',
        '--port',
        '0',
        '--vendor',
        'ncr',
        '--key',
        'kit-key',
        '--short-identifier',
        '000000',
        '--set',
        'benefitPlu=900101',
        '--set',
        'incentivePlu=900101',
        '--set',
        'loyaltyIncentiveId=rwd-small-fries',
        '--json',
        join(dir, 'pos.json'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let out = '';
      listener.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      listener.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        listener.stdout!.on('data', () => {
          const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        listener.once('exit', (code) => reject(new Error(`the listener exited with ${code}: ${out}`)));
      });
      // the client's settings from a config file, one of them overridden by a flag
      writeFileSync(
        join(dir, 'kit.json'),
        JSON.stringify({
          target: url,
          key: 'kit-key',
          vendor: 'ncr',
          identifier: '123456',
          plu: '3001',
          shortIdentifier: '000000',
          rewardPlu: '900101',
          rewardId: 'rwd-small-fries',
          values: { $smgCode: 'SMG-0042' },
        }),
      );
      const client = await promisify(execFile)(process.execPath, [
        BIN,
        'conformance',
        '--config',
        join(dir, 'kit.json'),
        '--store',
        '1001',
        '--json',
        join(dir, 'server.json'),
      ]);
      expect(client.stdout).toContain(`ncr against ${url}: 8 of 8 calls pass`);
      const server = JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8'));
      expect(server).toMatchObject({ kind: 'server', vendor: 'ncr', passed: 8, failed: 0, ok: true });

      const exited = new Promise<number | null>((resolve) => listener.once('exit', resolve));
      listener.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(out).toContain('PASS  identify: Identify  POST /loyalty/identify');
      expect(out).toContain('POS calls: 8 of 8 calls pass');
      const pos = JSON.parse(readFileSync(join(dir, 'pos.json'), 'utf8'));
      expect(pos).toMatchObject({ kind: 'pos', passed: 8, failed: 0, ok: true });
      // what the client sent: the flag's store over the file's default, the file's matchingId
      expect(pos.calls[0].fields).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: '$.posVendor.storeId', actual: '"1001"', ok: true }),
          expect.objectContaining({ path: '$.posVendor.matchingId', actual: '"SMG-0042"', ok: true }),
        ]),
      );
    } finally {
      if (listener.exitCode === null) listener.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('names what is missing, with exit code 2', async () => {
    const failed = await promisify(execFile)(process.execPath, [BIN, 'conformance', '--target', 'http://127.0.0.1:9']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining('conformance needs --key, --vendor, --identifier') });
  });
});

describe('checking a value against an example', () => {
  const example = parseSeedJson(`{
    "transactionId": "$loyaltyTransactionId",
    "created": "2021-08-10T12:18:39.180Z",
    "points": 14464,
    "order": [ { "productType": "REWARD or OFFER", "quantity": "1", "price": "0" (price field only returned back for rewards), "parentReferenceId"?: "1" } ],
    "presentation": { "identifier": "Transaction ID: $loyaltyTransactionId" }
  }`).value;
  const failing = (actual: unknown, bindings = new Map<string, string>()) =>
    checkAgainst(example, actual, { bindings, requireElements: true })
      .filter((f) => !f.ok)
      .map((f) => f.path);
  const good = {
    transactionId: 't-1',
    created: '2026-01-02T03:04:05Z',
    points: 3,
    order: [{ productType: 'REWARD', quantity: '1', price: '300' }],
    presentation: { identifier: 'Transaction ID: t-1' },
  };

  it("passes the example's shape, with ids consistent", () => {
    expect(failing(good)).toEqual([]);
  });

  it('fails a wrong type, a non-integer, a value outside the alternatives, a bad date-time and an inconsistent id', () => {
    expect(
      failing({
        ...good,
        points: 3.5,
        created: 'yesterday',
        presentation: { identifier: 'Transaction ID: t-2' },
        order: [{ productType: 'GIFT', quantity: 1, price: '0' }],
      }),
    ).toEqual(['$.created', '$.points', '$.order[0].productType', '$.order[0].quantity', '$.order[0].price', '$.presentation.identifier']);
    expect(failing(good, new Map([['$loyaltyTransactionId', 't-0']]))).toEqual(['$.transactionId', '$.presentation.identifier']);
  });

  it("a filled example keeps the document's spelling of numbers and fills every placeholder", () => {
    const sale = fillExample(seedExamples('winrest').void.request.node, {
      values: new Map([
        ['$incentivePlu', '1401'],
        ['$plu', '3001'],
      ]),
    });
    expect(sale).toContain('"price":5.00,"productId":"1401","productType":"offer"');
    expect(sale).toContain('"type":"CASH"');
    expect(() => fillExample(seedExamples('winrest').void.request.node, { values: new Map() })).toThrow('no value for $incentivePlu');
  });

  it('price only on rewards; an optional field may be absent; an empty array where the example shows an element fails', () => {
    expect(failing({ ...good, order: [{ productType: 'OFFER', quantity: '1' }] })).toEqual([]);
    expect(failing({ ...good, order: [{ productType: 'OFFER', quantity: '1', price: '0' }] })).toEqual(['$.order[0].price']);
    expect(failing({ ...good, order: [{ productType: 'REWARD', quantity: '1' }] })).toEqual(['$.order[0].price']);
    expect(failing({ ...good, order: [] })).toEqual(['$.order']);
  });
});
