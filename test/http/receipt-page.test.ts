import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/adapters/http/app.ts';
import { Metrics } from '../../src/adapters/http/metrics.ts';
import { AdminAuthService } from '../../src/app/admin-auth.service.ts';
import { LoyaltyService } from '../../src/app/loyalty.service.ts';
import { createApiKey, createProgram, createStore } from '../../src/app/provisioning.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { capturingSender, PARTNER_KEY, saleBody, seededRandom } from '../support/fixtures.ts';
import { appServices } from '../support/services.ts';

describe.each(ENGINES)('Receipt claim page /r/{code} on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  // The guest pages' bundle: absent for `app` (the server-rendered fallback), present for `built`.
  let noBundle: string;
  let withBundle: string;
  let built: FastifyInstance;
  let now = new Date('2026-11-25T17:00:00Z');
  const clock = () => now;
  const { sent, sender } = capturingSender();
  let oddKey: string;

  beforeAll(async () => {
    db = await openTestDb(engine);
    await seedDemo(db.kysely, now);
    const loyalty = new LoyaltyService({ db, randomIndex: seededRandom(11), publicUrl: 'http://tillpoint.test', clock, configTtlMs: 0 });
    noBundle = mkdtempSync(join(tmpdir(), 'tillpoint-web-'));
    withBundle = mkdtempSync(join(tmpdir(), 'tillpoint-web-'));
    mkdirSync(join(withBundle, 'guest', 'assets'), { recursive: true });
    writeFileSync(
      join(withBundle, 'guest', 'guest.html'),
      '<!doctype html><div id="root"></div><script type="module" src="/guest/assets/guest-abc123.js"></script>',
    );
    writeFileSync(join(withBundle, 'guest', 'assets', 'guest-abc123.js'), 'console.log(1)');
    const common = {
      ...appServices(db),
      db,
      loyalty,
      adminAuth: new AdminAuthService(db.kysely, clock),
      metrics: new Metrics(),
      version: 'test',
      logger: false,
      guest: { sender, clock, configTtlMs: 0 },
    };
    app = await buildApp({ ...common, webRoot: noBundle });
    built = await buildApp({ ...common, webRoot: withBundle });
    // names an admin typed, to prove the page escapes them
    const odd = await createProgram(
      db.kysely,
      { slug: 'odd-names', name: '<script>alert(1)</script> & "Co"', currency: 'USD', earnRateMilli: 10_000, expiry: { kind: 'none' } },
      now,
    );
    await createStore(db.kysely, odd, { externalId: '9999', name: "<img src=x onerror=alert('x')>", timeZone: 'America/New_York' }, now);
    oddKey = (await createApiKey(db.kysely, odd, 'partner', 'test', now)).key;
  });
  afterAll(async () => {
    await app.close();
    await built.close();
    await db.drop();
    rmSync(noBundle, { recursive: true, force: true });
    rmSync(withBundle, { recursive: true, force: true });
  });

  const unclaimedSale = async (posTxn: string, key = PARTNER_KEY) => {
    const res = await app.inject({
      method: 'POST',
      url: '/loyalty/transaction/pos',
      headers: { 'x-api-key': key },
      payload: saleBody(posTxn, [{ price: '10.00' }]),
    });
    expect(res.statusCode).toBe(200);
    return res.json() as { transactionId: string; receiptCode: string };
  };
  const page = (path: string) => app.inject({ method: 'GET', url: path });
  const attribute = (html: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(html)?.[1];

  it('shows an unclaimed receipt (program, store, date, points) on a small page with a claim form', async () => {
    const sale = await unclaimedSale('RP-1');
    const res = await page(`/r/${sale.receiptCode}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'nonce-[^']+'.*connect-src 'self'/);
    expect(res.body).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">');
    expect(res.body).toContain('Royal Perks (demo)');
    expect(res.body).toContain('Times Square');
    expect(res.body).toMatch(/This receipt earns<\/div><div class="points">100 points/);
    expect(res.body).toContain('Nov 25, 2026'); // the sale's date on the store's clock
    expect(res.body).toContain(sale.receiptCode);
    expect(attribute(res.body, 'data-program')).toBe('bk-us');
    expect(attribute(res.body, 'data-receipt')).toBe(sale.receiptCode);
    // the inline script at least parses
    const script = /<script nonce="[^"]+">([\s\S]*)<\/script>/.exec(res.body)?.[1];
    expect(script).toBeDefined();
    expect(() => new Script(script!)).not.toThrow();
    // the code as printed may carry dashes or lower case
    expect((await page(`/r/${sale.receiptCode.slice(0, 8)}-${sale.receiptCode.slice(8).toLowerCase()}`)).statusCode).toBe(200);
  });

  it('claims through the guest API the page calls, then answers the "already claimed" page with 404', async () => {
    const sale = await unclaimedSale('RP-2');
    const html = (await page(`/r/${sale.receiptCode}`)).body;
    const base = `/app/v1/${attribute(html, 'data-program')}`;
    const email = 'receipt.page@example.com';
    expect((await app.inject({ method: 'POST', url: `${base}/auth/start`, payload: { email } })).statusCode).toBe(202);
    const code = sent.filter((m) => m.email === email).at(-1)!.code;
    const verified = await app.inject({ method: 'POST', url: `${base}/auth/verify`, payload: { email, code, name: 'Paula' } });
    expect(verified.statusCode).toBe(200);
    const claimed = await app.inject({
      method: 'POST',
      url: `${base}/receipts/claim`,
      headers: { authorization: `Bearer ${verified.json().token}` },
      payload: { receiptCode: attribute(html, 'data-receipt') },
    });
    expect(claimed.statusCode).toBe(200);
    expect(claimed.json()).toMatchObject({ pointsEarned: 100, balance: 100 });

    const after = await page(`/r/${sale.receiptCode}`);
    expect(after.statusCode).toBe(404);
    expect(after.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(after.body).toContain('This receipt cannot be claimed');
    expect(after.body).not.toContain('100 points');
  });

  it('answers the same 404 page for unknown, malformed, voided and too-late receipts, never a 500', async () => {
    const paths = ['/r/AAAAAAAAAAAAAAAA', '/r/not-a-code', '/r/%00', '/r/%3Cscript%3E', `/r/${'A'.repeat(90)}`, '/r/%E0%A4%A'];
    for (const path of paths) {
      const res = await page(path);
      expect(res.statusCode, path).toBeLessThan(500);
      if (res.statusCode === 404 && String(res.headers['content-type']).startsWith('text/html'))
        expect(res.body, path).toContain('This receipt cannot be claimed');
    }
    expect((await page('/r/AAAAAAAAAAAAAAAA')).statusCode).toBe(404);
    expect((await page('/r/not-a-code')).body).toContain('This receipt cannot be claimed');

    const voided = await unclaimedSale('RP-3');
    const v = await app.inject({ method: 'POST', url: `/loyalty/transaction/pos/${voided.transactionId}/void`, headers: { 'x-api-key': PARTNER_KEY } });
    expect(v.statusCode).toBe(200);
    expect((await page(`/r/${voided.receiptCode}`)).statusCode).toBe(404);

    const late = await unclaimedSale('RP-4');
    const saved = now;
    now = new Date(now.getTime() + 31 * 86_400_000);
    expect((await page(`/r/${late.receiptCode}`)).statusCode).toBe(404);
    now = saved;
    expect((await page(`/r/${late.receiptCode}`)).statusCode).toBe(200);
  });

  it('escapes names an admin typed', async () => {
    const sale = await unclaimedSale('RP-5', oddKey);
    const res = await page(`/r/${sale.receiptCode}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<script>alert');
    expect(res.body).not.toContain('<img');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
    expect(attribute(res.body, 'data-program')).toBe('odd-names');
  });

  it('is in the OpenAPI document as an HTML page', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { produces?: string[]; responses: Record<string, unknown> }>>;
    };
    expect(doc.paths['/r/{receiptCode}']?.get?.responses).toHaveProperty('404');
  });

  describe('with the guest pages built', () => {
    const get = (url: string) => built.inject({ method: 'GET', url });

    it('serves the browser app at /r/{code}: 200 for a claimable receipt, 404 otherwise, private and locked down', async () => {
      const sale = await unclaimedSale('RP-6');
      const res = await get(`/r/${sale.receiptCode}`);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<div id="root"></div>');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'; script-src 'self';.*connect-src 'self'.*frame-ancestors 'none'/);
      const unknown = await get('/r/AAAAAAAAAAAAAAAA');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.body).toContain('<div id="root"></div>');
    });

    it('answers the receipt look-up the page makes through the guest API, with no sign-in and one answer for anything unclaimable', async () => {
      const sale = await unclaimedSale('RP-7');
      const found = await get(`/app/v1/receipts/${sale.receiptCode.toLowerCase()}`);
      expect(found.statusCode).toBe(200);
      expect(found.json()).toEqual({
        claimable: true,
        receiptCode: sale.receiptCode,
        program: { slug: 'bk-us', name: 'Royal Perks (demo)' },
        store: { name: expect.stringContaining('Times Square'), timeZone: expect.any(String) },
        saleAt: expect.any(String),
        pointsToEarn: 100,
        claimableUntil: expect.any(String),
      });
      for (const code of ['AAAAAAAAAAAAAAAA', 'not-a-code', '%3Cscript%3E']) {
        const res = await get(`/app/v1/receipts/${code}`);
        expect(res.statusCode, code).toBe(200);
        expect(res.json(), code).toEqual({ claimable: false });
      }
      expect((await get(`/app/v1/receipts/${'A'.repeat(90)}`)).json()).toMatchObject({ code: 'ValidationError', details: { field: 'receiptCode' } });
    });

    it("serves the guest app at /g/{program}/… and the bundle's files at /guest/assets/", async () => {
      expect((await get('/g/bk-us/rewards')).body).toContain('<div id="root"></div>');
      expect((await get('/g/bk-us/')).statusCode).toBe(200);
      const bare = await get('/g/bk-us');
      expect(bare.statusCode).toBe(302);
      expect(bare.headers.location).toBe('/g/bk-us/');
      const asset = await get('/guest/assets/guest-abc123.js');
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toContain('immutable');
      for (const path of ['/guest/guest.html', '/guest/assets/nope.js', '/guest/assets/..%2f..%2fguest.html', '/guest/%2e%2e/%2e%2e/package.json']) {
        expect((await get(path)).statusCode, path).toBe(404);
      }
      // the program's name for the sign-in screen, without a token
      expect((await get('/app/v1/bk-us')).json()).toEqual({ slug: 'bk-us', name: 'Royal Perks (demo)' });
      expect((await get('/app/v1/no-such-program')).statusCode).toBe(404);
    });

    it('says the guest pages are not built (503) when the bundle is missing', async () => {
      const res = await page('/g/bk-us/');
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('not built');
    });

    it('keeps the slug "receipts" free for the look-up', async () => {
      await expect(
        createProgram(db.kysely, { slug: 'receipts', name: 'Receipts', currency: 'USD', earnRateMilli: 10_000, expiry: { kind: 'none' } }, now),
      ).rejects.toMatchObject({ code: 'ValidationError', details: { field: 'slug' } });
    });
  });
});
