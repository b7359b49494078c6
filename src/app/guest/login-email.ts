import type { LoginCodeMessage } from './login-code-sender.ts';

/**
 * A program's wording of the login-code e-mail. Placeholders: `{{program}}`, `{{code}}`,
 * `{{minutes}}` (until it expires, rounded up) and `{{email}}`. Either part may be left out: the
 * default stands in for it.
 *
 * @example
 * { subject: '{{code}} is your Burger Club code', text: 'Hi! Your code is {{code}}. It works for {{minutes}} minutes.' }
 */
export interface LoginEmailTemplate {
  subject?: string;
  text?: string;
}

export const DEFAULT_LOGIN_EMAIL: Required<LoginEmailTemplate> = {
  subject: 'Your {{program}} code: {{code}}',
  text: [
    'Your {{program}} sign-in code is {{code}}.',
    '',
    'Enter it where you asked for it. It works once, for {{minutes}} minutes.',
    'If you did not ask for a code, ignore this e-mail: nobody can sign in without it.',
  ].join('\n'),
};

export const DEFAULT_SIGN_UP_EMAIL: Required<LoginEmailTemplate> = {
  subject: 'Welcome to {{program}}: your code is {{code}}',
  text: [
    'Welcome to {{program}}! Your code is {{code}}.',
    '',
    'Enter it where you asked for it to create your account. It works once, for {{minutes}} minutes.',
    'If you did not ask for a code, ignore this e-mail: no account is made without it.',
  ].join('\n'),
};

/** The e-mail a login code goes out in: the program's wording where it has one, else the default. */
export function renderLoginEmail(message: LoginCodeMessage, now: Date, template: LoginEmailTemplate | null = null): { subject: string; text: string } {
  const fallback = message.signUp ? DEFAULT_SIGN_UP_EMAIL : DEFAULT_LOGIN_EMAIL;
  const minutes = Math.max(1, Math.ceil((Date.parse(message.expiresAt) - now.getTime()) / 60_000));
  const values: Record<string, string> = { program: message.programName, code: message.code, minutes: String(minutes), email: message.email };
  const fill = (text: string) => text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
  // A subject is one line: a template's line breaks would start the body early.
  return { subject: fill(template?.subject ?? fallback.subject).replace(/[\r\n]+/g, ' '), text: fill(template?.text ?? fallback.text) };
}
