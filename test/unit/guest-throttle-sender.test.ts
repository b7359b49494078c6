import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { logLoginCodeSender, webhookLoginCodeSender } from '../../src/app/guest/login-code-sender.ts';
import { parseReceiptCode } from '../../src/app/guest/receipt-claim.ts';
import { expirationBuckets } from '../../src/domain/expiry.ts';
import { Throttle } from '../../src/app/throttle.ts';
import { AppError } from '../../src/errors.ts';

const limits = { limit: 3, windowMs: 60_000, maxMisses: 2, missWindowMs: 60_000, lockoutMs: 300_000 };
const silent = { info: () => {}, warn: () => {} };
const message = { programSlug: 'bk-us', programName: 'Demo', email: 'a@example.com', code: '123456', expiresAt: '2026-11-25T17:10:00.000Z', signUp: false };

describe('throttle (in this process, on an injected clock)', () => {
  it('allows `limit` attempts per sliding window, then answers 429 with a retry-after', async () => {
    let t = 0;
    const th = new Throttle(limits, () => t);
    for (let i = 0; i < 3; i++) await th.attempt('k');
    const err = await th.attempt('k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('RateLimited');
    expect((err as AppError).details?.retryAfterSeconds).toBeGreaterThan(0);
    await th.attempt('other');
    // Half of the previous window still counts halfway into the next: 3 × 0.5 = 1.5, so two more fit.
    t = 90_000;
    await th.attempt('k');
    await th.attempt('k');
    await expect(th.attempt('k')).rejects.toThrow(AppError);
    t = 200_000;
    await th.attempt('k');
  });

  it('locks a key out after repeated misses, for the lockout period', async () => {
    let t = 0;
    const th = new Throttle(limits, () => t);
    await th.miss('k');
    await th.assertNotLocked('k');
    await th.miss('k');
    await expect(th.assertNotLocked('k')).rejects.toThrow(/locked out/);
    await expect(th.attempt('k')).rejects.toThrow(AppError);
    t = 299_000;
    await expect(th.attempt('k')).rejects.toThrow(AppError);
    t = 300_001;
    await th.attempt('k');
  });
});

describe('login code senders', () => {
  it('webhook: POSTs the message as signed JSON; a refusal is a 503', async () => {
    const received: { headers: Record<string, unknown>; body: string }[] = [];
    let status = 204;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mail`;
    try {
      const sender = webhookLoginCodeSender({ url, secret: 's3cret' });
      await sender.send(message, { log: silent });
      const [got] = received;
      expect(JSON.parse(got!.body)).toMatchObject({ type: 'guest.login_code', email: 'a@example.com', code: '123456' });
      // Signed as every Tillpoint webhook: Standard Webhooks; a secret that is not `whsec_…` is the raw key.
      expect(got!.headers['webhook-id']).toMatch(/^msg_/);
      expect(new Webhook('s3cret', { format: 'raw' }).verify(got!.body, got!.headers as Record<string, string>)).toMatchObject({ code: '123456' });
      expect(() => new Webhook('other', { format: 'raw' }).verify(got!.body, got!.headers as Record<string, string>)).toThrow(/No matching signature/);
      status = 500;
      await expect(sender.send(message, { log: silent })).rejects.toMatchObject({ code: 'ServiceUnavailable' });
    } finally {
      await new Promise((r) => server.close(r));
    }
    await expect(webhookLoginCodeSender({ url: 'http://127.0.0.1:1/nothing', timeoutMs: 500 }).send(message, { log: silent })).rejects.toMatchObject({
      code: 'ServiceUnavailable',
    });
  });

  it('log: writes the code to the request log at info', async () => {
    const lines: object[] = [];
    await logLoginCodeSender().send(message, { log: { info: (o) => lines.push(o), warn: () => {} } });
    expect(lines).toEqual([expect.objectContaining({ email: 'a@example.com', loginCode: '123456' })]);
  });
});

describe('guest helpers', () => {
  it('reads a receipt code typed with spaces and dashes, or the claim URL', () => {
    expect(parseReceiptCode(' j25q-l1wa h5kj-7p75 ')).toBe('J25QL1WAH5KJ7P75');
    expect(parseReceiptCode('https://x.example/r/J25QL1WAH5KJ7P75?utm=1')).toBe('J25QL1WAH5KJ7P75');
    expect(() => parseReceiptCode('J25QL1WAH5KJ7P7O')).toThrow(AppError);
  });

  it("splits a monthly-buckets balance by month, debits taking the oldest points first (the guest balance uses the expiry job's computation)", () => {
    const ledger = [
      { kind: 'EARN', points: 100, createdAt: '2026-01-10T00:00:00.000Z' },
      { kind: 'EARN', points: 50, createdAt: '2026-02-03T00:00:00.000Z' },
      { kind: 'REDEEM', points: -120, createdAt: '2026-02-04T00:00:00.000Z' },
    ];
    const now = new Date('2026-03-01T00:00:00.000Z');
    expect(expirationBuckets(ledger, { kind: 'monthly-buckets', months: 6 }, now)).toEqual([
      { points: 30, expiresAt: '2026-09-01T00:00:00.000Z', earnedMonth: '2026-02', due: false },
    ]);
    expect(expirationBuckets(ledger, { kind: 'none' }, now)).toEqual([{ points: 30, expiresAt: null, due: false }]);
  });
});
