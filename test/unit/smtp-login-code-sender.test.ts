import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpLoginCodeSender } from '../../src/adapters/email/smtp.sender.ts';
import type { LoginCodeMessage } from '../../src/app/guest/login-code-sender.ts';
import { renderLoginEmail } from '../../src/app/guest/login-email.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';

const NOW = new Date('2031-03-04T10:00:00Z');
const message = (over: Partial<LoginCodeMessage> = {}): LoginCodeMessage => ({
  programSlug: 'burger-club',
  programName: 'Burger Club',
  email: 'ana@example.com',
  code: '482913',
  expiresAt: '2031-03-04T10:05:00Z',
  signUp: false,
  ...over,
});

describe('the login-code e-mail', () => {
  it('says the program, the code and how long it works', () => {
    const mail = renderLoginEmail(message(), NOW);
    expect(mail.subject).toBe('Your Burger Club code: 482913');
    expect(mail.text).toContain('Your Burger Club sign-in code is 482913.');
    expect(mail.text).toContain('for 5 minutes');
  });

  it('welcomes a new guest when the code signs them up', () => {
    expect(renderLoginEmail(message({ signUp: true }), NOW).subject).toBe('Welcome to Burger Club: your code is 482913');
  });

  it('uses the program’s wording, keeps unknown placeholders and never breaks the subject line', () => {
    const mail = renderLoginEmail(message(), NOW, { subject: '{{code}}\r\nBcc: x@evil.test', text: 'Hola {{email}}: {{code}} ({{minutes}} min) {{unknown}}' });
    expect(mail.subject).toBe('482913 Bcc: x@evil.test');
    expect(mail.text).toBe('Hola ana@example.com: 482913 (5 min) {{unknown}}');
  });
});

describe('the SMTP sender, against a local SMTP server', () => {
  let sink: SmtpSink;
  const logged: object[] = [];
  const log = { info: (o: object) => logged.push(o), warn: (o: object) => logged.push(o) };
  beforeAll(async () => {
    sink = await startSmtpSink({ user: 'mailer', pass: 's3cret-pass' });
  });
  afterAll(async () => {
    await sink?.close();
  });

  it('delivers the code to the guest, in the program’s wording', async () => {
    const sender = smtpLoginCodeSender({
      url: sink.url,
      from: '"Burger Club" <no-reply@burger.example>',
      clock: () => NOW,
      templateFor: (slug) => (slug === 'burger-club' ? { subject: 'Burger Club: {{code}}' } : null),
    });
    const received = sink.next();
    await sender.send(message(), { log });
    const mail = await received;
    expect(mail.subject).toBe('Burger Club: 482913');
    expect(mail.text).toContain('Your Burger Club sign-in code is 482913.');
    expect(mail.from?.text).toBe('"Burger Club" <no-reply@burger.example>');
    expect(Array.isArray(mail.to) ? mail.to[0]?.text : mail.to?.text).toBe('ana@example.com');
    sender.close();
  });

  it('answers 503 when the server refuses, and logs its answer but not the code nor the password', async () => {
    const sender = smtpLoginCodeSender({ url: sink.url, from: 'no-reply@burger.example', clock: () => NOW });
    sink.refuseNext(550);
    await expect(sender.send(message(), { log })).rejects.toMatchObject({ code: 'ServiceUnavailable' });
    const text = JSON.stringify(logged);
    expect(text).toContain('550');
    expect(text).not.toContain('482913');
    expect(text).not.toContain('s3cret-pass');
    sender.close();
  });

  it('answers 503 when the credentials are wrong', async () => {
    const sender = smtpLoginCodeSender({ url: sink.url.replace('s3cret-pass', 'wrong'), from: 'no-reply@burger.example', clock: () => NOW });
    await expect(sender.send(message(), { log })).rejects.toMatchObject({ code: 'ServiceUnavailable' });
    sender.close();
  });
});
