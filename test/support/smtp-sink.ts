import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  url: string;
  /** every message accepted, parsed, in order */
  messages: ParsedMail[];
  /** resolves the next message accepted (or one already waiting that no call took yet) */
  next(): Promise<ParsedMail>;
  /** answer the next RCPT TO with this SMTP error (e.g. 550) */
  refuseNext(code: number): void;
  close(): Promise<void>;
}

/** A local SMTP server on a free port that keeps what it receives: where a test's e-mail goes. */
export async function startSmtpSink(auth?: { user: string; pass: string }): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const waiting: ((m: ParsedMail) => void)[] = [];
  let taken = 0;
  let refuse: number | null = null;
  const server = new SMTPServer({
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !auth,
    logger: false,
    onAuth(a, _session, cb) {
      if (auth && a.username === auth.user && a.password === auth.pass) cb(null, { user: a.username });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, cb) {
      if (refuse === null) return cb();
      const code = refuse;
      refuse = null;
      cb(Object.assign(new Error('Mailbox unavailable'), { responseCode: code }));
    },
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          const w = waiting.shift();
          if (w) {
            taken++;
            w(mail);
          }
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const credentials = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : '';
  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    messages,
    next: () =>
      new Promise((resolve) => {
        if (taken < messages.length) resolve(messages[taken++]!);
        else waiting.push(resolve);
      }),
    refuseNext: (code) => {
      refuse = code;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
