import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpLoginCodeSender } from '../../src/adapters/email/smtp.sender.ts';
import { findProgramBySlug } from '../../src/adapters/db/repositories/config.repository.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { type AdminClient, demoOwner } from '../support/admin.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { testApp } from '../support/fixtures.ts';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.ts';

/** Guest login codes by e-mail through a real SMTP conversation, in the wording each program sets. */
describe.each(ENGINES)('guest login codes by e-mail on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  let sink: SmtpSink;
  let owner: AdminClient;
  let programId: string;
  const now = new Date('2031-06-02T12:00:00Z');
  const clock = () => now;

  beforeAll(async () => {
    db = await openTestDb(engine);
    sink = await startSmtpSink();
    await seedDemo(db.kysely, now);
    programId = (await findProgramBySlug(db.kysely, 'bk-us'))!.id;
    const sender = smtpLoginCodeSender({ url: sink.url, from: '"Royal Perks" <no-reply@perks.example>', clock });
    ({ app } = await testApp(db, { clock, seed: 3, guest: { sender, clock, configTtlMs: 0 } }));
    owner = await demoOwner(app);
  });
  afterAll(async () => {
    await app?.close();
    await sink?.close();
    await db?.drop();
  });

  const start = (email: string) => app.inject({ method: 'POST', url: '/app/v1/bk-us/auth/start', payload: { email } });

  it('sends the code in the default wording, and it signs the guest in', async () => {
    const mail = sink.next();
    expect((await start('new.guest@example.com')).statusCode).toBe(202);
    const received = await mail;
    expect(received.subject).toMatch(/^Welcome to Royal Perks \(demo\): your code is \d{6}$/);
    const code = /\b(\d{6})\b/.exec(received.text ?? '')![1]!;
    const verify = await app.inject({ method: 'POST', url: '/app/v1/bk-us/auth/verify', payload: { email: 'new.guest@example.com', code } });
    expect(verify.statusCode).toBe(200);
  });

  it('uses the wording the program sets in the back office, and the default again once it is removed', async () => {
    const set = await owner.call('PATCH', `/programs/${programId}`, {
      loginEmail: { subject: '{{code}} — your Royal Perks code', text: 'Hi {{email}}! Code {{code}}, good for {{minutes}} min.' },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ loginEmail: { subject: '{{code}} — your Royal Perks code' } });

    let mail = sink.next();
    await start('new.guest@example.com');
    let received = await mail;
    expect(received.subject).toMatch(/^\d{6} — your Royal Perks code$/);
    expect(received.text?.trim()).toMatch(/^Hi new\.guest@example\.com! Code \d{6}, good for 10 min\.$/);

    expect((await owner.call('PATCH', `/programs/${programId}`, { loginEmail: null })).status).toBe(200);
    mail = sink.next();
    await start('new.guest@example.com');
    received = await mail;
    expect(received.subject).toMatch(/^Your Royal Perks \(demo\) code: \d{6}$/);
  });

  it('refuses a wording with an unknown part, naming the field', async () => {
    const res = await owner.call('PATCH', `/programs/${programId}`, { loginEmail: { subject: 'x', html: '<b>no</b>' } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('loginEmail');
  });
});
