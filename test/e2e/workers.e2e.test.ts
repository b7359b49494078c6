import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWorkers } from '../../src/cli/serve-cluster.ts';
import { demoKey } from '../../src/demo/seed.ts';
import { FARHAN, saleBody } from '../support/fixtures.ts';
import { type ServerProcess, startServerOn, tillpoint } from '../support/server-process.ts';
import { runsOn } from '../support/engines.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field below
type Answer = { status: number; body: Record<string, any> };

/** One request on a connection of its own, so the cluster hands each to the next worker. */
function call(base: string, method: string, path: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, agent: false, headers: { 'content-type': 'application/json', 'x-api-key': demoKey('partner') } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as Answer['body'] }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** The pids of the processes that logged a request (pino's request lines carry `reqId` and `pid`). */
function requestPids(output: string): Set<number> {
  const pids = new Set<number>();
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { pid?: number; reqId?: string };
    if (entry.reqId && entry.pid) pids.add(entry.pid);
  }
  return pids;
}

describe.runIf(runsOn('postgres'))('serve --workers 2 on postgres', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerOn('postgres', { LOG_LEVEL: 'info' }, ['--workers', '2']);
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('prints the banner once', () => {
    expect(server.output().match(/is serving on/g)).toHaveLength(1);
    expect(server.output().match(/POS API keys/g)).toHaveLength(1);
  });

  it('runs code → identify → validate → PENDING → CLAIMED across connections that land on both workers', async () => {
    const { stdout } = await tillpoint(['guest', 'code', FARHAN, '--database', server.databaseUrl]);
    const identified = await call(server.url, 'POST', '/loyalty/identify', {
      identifier: stdout.trim(),
      posVendor: { posType: 'Partner', storeId: '9999', terminal: '2', transactionId: 'W-1', operator: '1' },
    });
    expect(identified.status).toBe(200);
    const start = identified.body.balances[0].amount as number;
    const txn = identified.body.transactionId as string;
    const body = saleBody('W-1', [{ price: '9.99' }]);
    body.transactionDetails.posVendor.terminal = '2';

    expect((await call(server.url, 'POST', `/loyalty/transaction/pos/validate/${txn}`, body)).body).toMatchObject({ pointsEarned: 99 });
    expect((await call(server.url, 'PUT', `/loyalty/transaction/pos/${txn}`, { ...body, status: 'PENDING' })).body).toMatchObject({ pointsEarned: 99 });
    expect((await call(server.url, 'PUT', `/loyalty/transaction/pos/${txn}`, body)).body).toMatchObject({ points: start + 99, pointsEarned: 99 });
    for (const n of [1, 2, 3]) expect((await call(server.url, 'GET', `/readyz?n=${n}`)).status).toBe(200);

    expect(requestPids(server.output()).size).toBe(2);
  });

  it('stops every worker on SIGTERM and exits 0', async () => {
    const pids = requestPids(server.output());
    expect(await server.stop()).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });
});

describe.runIf(runsOn('sqlite'))('serve --workers on SQLite', () => {
  it('refuses more than one worker, naming the flag and PostgreSQL', async () => {
    const failure = await tillpoint(['serve', '--workers', '2', '--port', '0', '--database', 'sqlite::memory:']).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toMatch(/--workers 2 needs PostgreSQL/);
  });
});

describe('--workers', () => {
  it('is 1 by default, a whole number, or auto for the cores', () => {
    expect(parseWorkers(undefined)).toBe(1);
    expect(parseWorkers('3')).toBe(3);
    expect(parseWorkers('auto', () => 8)).toBe(8);
    for (const bad of ['0', '-1', '1.5', 'two', '']) expect(() => parseWorkers(bad)).toThrow(/--workers must be/);
  });
});
