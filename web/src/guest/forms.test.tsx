import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderUi } from '../test/render';
import { ClaimForm } from './ClaimForm';
import { SignInForm } from './SignInForm';

// Every request of the guest client goes to the answer each test sets.
const server = vi.hoisted(() => {
  const s = { answer: async (_r: Request): Promise<Response> => new Response(null, { status: 500 }) };
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => s.answer(new Request(input, init));
  return s;
});

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const PROFILE = { id: '0000000b-0000-4000-8000-000000000000', name: 'Gina', email: 'gina@example.com', birthdate: null, createdAt: '2026-11-25T12:00:00.000Z' };

afterEach(() => localStorage.clear());

describe('the guest sign-in form', () => {
  it('sends a login code to the e-mail, then signs in with it and keeps the token for the program', async () => {
    const requests: { url: string; body: unknown }[] = [];
    server.answer = async (r) => {
      requests.push({ url: new URL(r.url).pathname, body: await r.json() });
      return r.url.endsWith('/auth/start')
        ? json(202, { sent: true, expiresAt: '2026-11-25T12:10:00.000Z', ttlSeconds: 600 })
        : json(200, { token: 'tpg_secret-token', tokenType: 'Bearer', expiresAt: '2026-12-25T12:00:00.000Z', signedUp: true, guest: PROFILE });
    };
    const onSignedIn = vi.fn();
    renderUi(<SignInForm program="bk-us" onSignedIn={onSignedIn} />);

    await userEvent.type(screen.getByRole('textbox', { name: 'E-mail' }), ' gina@example.com ');
    await userEvent.click(screen.getByRole('button', { name: 'Send me a login code' }));
    await screen.findByText('gina@example.com');
    await userEvent.type(screen.getByRole('textbox', { name: 'Login code' }), '123456');
    await userEvent.type(screen.getByRole('textbox', { name: /Your name/ }), 'Gina');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    await vi.waitFor(() => expect(onSignedIn).toHaveBeenCalledWith({ token: 'tpg_secret-token', expiresAt: '2026-12-25T12:00:00.000Z', name: 'Gina' }));
    expect(requests).toEqual([
      { url: '/app/v1/bk-us/auth/start', body: { email: 'gina@example.com' } },
      { url: '/app/v1/bk-us/auth/verify', body: { email: 'gina@example.com', code: '123456', name: 'Gina' } },
    ]);
    expect(JSON.parse(localStorage.getItem('tillpoint.guest.bk-us')!)).toMatchObject({ token: 'tpg_secret-token' });
  });

  it('shows the server’s reason when the code is wrong, keeps the guest signed out, and can send a new code', async () => {
    const paths: string[] = [];
    server.answer = async (r) => {
      paths.push(new URL(r.url).pathname);
      return r.url.endsWith('/auth/start')
        ? json(202, { sent: true, expiresAt: '2026-11-25T12:10:00.000Z', ttlSeconds: 600 })
        : json(401, { code: 'LoginCodeInvalid', statusCode: 401, message: 'The login code is wrong, expired or used up.' });
    };
    const onSignedIn = vi.fn();
    renderUi(<SignInForm program="bk-us" onSignedIn={onSignedIn} />);
    await userEvent.type(screen.getByRole('textbox', { name: 'E-mail' }), 'gina@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Send me a login code' }));
    await userEvent.type(await screen.findByRole('textbox', { name: 'Login code' }), '000000');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect((await screen.findByRole('alert')).textContent).toContain('The login code is wrong, expired or used up.');
    expect(onSignedIn).not.toHaveBeenCalled();
    expect(localStorage.getItem('tillpoint.guest.bk-us')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Send a new one' }));
    await vi.waitFor(() => expect(paths.at(-1)).toBe('/app/v1/bk-us/auth/start'));
  });

  it('says what to do when the code cannot be sent', async () => {
    server.answer = async () => json(429, { code: 'RateLimited', statusCode: 429, message: 'Too many login codes for this e-mail; try again in 15 minutes.' });
    renderUi(<SignInForm program="bk-us" onSignedIn={vi.fn()} />);
    await userEvent.type(screen.getByRole('textbox', { name: 'E-mail' }), 'gina@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Send me a login code' }));
    expect((await screen.findByRole('alert')).textContent).toContain('try again in 15 minutes');
    expect(screen.getByRole('textbox', { name: 'E-mail' })).toBeDefined();
  });
});

describe('the receipt claim form', () => {
  const session = { token: 'tpg_secret-token', expiresAt: '2026-12-25T12:00:00.000Z', name: 'Gina' };
  const form = (over: Partial<Parameters<typeof ClaimForm>[0]> = {}) => (
    <ClaimForm program="bk-us" receiptCode="J25QL1WAH5KJ7P75" pointsToEarn={300} session={session} onClaimed={vi.fn()} onSignedOut={vi.fn()} {...over} />
  );

  it('claims the receipt with the guest’s token and hands on the points added and the balance', async () => {
    const seen: Request[] = [];
    server.answer = async (r) => {
      seen.push(r.clone());
      return json(200, { transactionId: 't-1', receiptCode: 'J25QL1WAH5KJ7P75', pointsEarned: 300, balance: 450, claimedAt: '2026-11-25T12:00:00.000Z' });
    };
    const onClaimed = vi.fn();
    renderUi(form({ onClaimed }));
    expect(screen.getByText('Gina')).toBeDefined();
    await userEvent.click(screen.getByRole('button', { name: 'Claim 300 points' }));
    await vi.waitFor(() => expect(onClaimed).toHaveBeenCalledWith(expect.objectContaining({ pointsEarned: 300, balance: 450 })));
    expect(new URL(seen[0]!.url).pathname).toBe('/app/v1/bk-us/receipts/claim');
    expect(seen[0]!.headers.get('authorization')).toBe('Bearer tpg_secret-token');
    expect(await seen[0]!.json()).toEqual({ receiptCode: 'J25QL1WAH5KJ7P75' });
  });

  it('shows the server’s reason when the receipt cannot be claimed', async () => {
    server.answer = async () => json(409, { code: 'ReceiptAlreadyClaimed', statusCode: 409, message: 'This receipt was already claimed.' });
    const onClaimed = vi.fn();
    renderUi(form({ onClaimed }));
    await userEvent.click(screen.getByRole('button', { name: 'Claim 300 points' }));
    expect((await screen.findByRole('alert')).textContent).toContain('This receipt was already claimed.');
    expect(onClaimed).not.toHaveBeenCalled();
  });

  it('signs the guest out when the server refuses the token, and on request', async () => {
    localStorage.setItem('tillpoint.guest.bk-us', JSON.stringify(session));
    server.answer = async () => json(401, { code: 'Unauthorized', statusCode: 401, message: 'The token expired.' });
    const onSignedOut = vi.fn();
    renderUi(form({ onSignedOut }));
    await userEvent.click(screen.getByRole('button', { name: 'Claim 300 points' }));
    await vi.waitFor(() => expect(onSignedOut).toHaveBeenCalledTimes(1));
    expect(localStorage.getItem('tillpoint.guest.bk-us')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Not you? Sign out' }));
    expect(onSignedOut).toHaveBeenCalledTimes(2);
  });

  it('is reachable by keyboard: Tab to the claim button, Enter claims', async () => {
    const onClaimed = vi.fn();
    server.answer = async () =>
      json(200, { transactionId: 't-1', receiptCode: 'J25QL1WAH5KJ7P75', pointsEarned: 300, balance: 300, claimedAt: '2026-11-25T12:00:00.000Z' });
    renderUi(form({ onClaimed }));
    await userEvent.tab();
    await userEvent.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Claim 300 points' }));
    await userEvent.keyboard('{Enter}');
    await vi.waitFor(() => expect(onClaimed).toHaveBeenCalled());
  });
});
