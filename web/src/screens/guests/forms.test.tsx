import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderUi } from '../../test/render';
import { AdjustForm, ClaimForm } from './GuestsScreen';

// The typed client takes `fetch` when it is created (at import): route it to each test's server.
const server = vi.hoisted(() => {
  const s = { answer: async (_r: Request): Promise<Response> => new Response(null, { status: 500 }) };
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => s.answer(new Request(input, init));
  return s;
});

const PROGRAM = '0000000a-0000-4000-8000-000000000000';
const GUEST = '0000000b-0000-4000-8000-000000000000';

function answer(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('adjusting a guest’s points', () => {
  it('needs points and a reason before it sends, then posts both', async () => {
    const fetch = vi.fn(async (_req: Request) => answer(201, { guest: { balance: 125 }, entry: { points: 25 } }));
    server.answer = fetch;
    renderUi(<AdjustForm programId={PROGRAM} guestId={GUEST} />);
    const button = screen.getByRole('button', { name: 'Adjust' });
    expect(button.hasAttribute('disabled')).toBe(true);
    await userEvent.type(screen.getByRole('textbox', { name: /Points/ }), '25');
    expect(button.hasAttribute('disabled')).toBe(true);
    await userEvent.type(screen.getByRole('textbox', { name: /Reason/ }), 'ticket 4411');
    expect(button.hasAttribute('disabled')).toBe(false);
    await userEvent.click(button);
    await vi.waitFor(() => expect(fetch).toHaveBeenCalled());
    const request = fetch.mock.calls[0]![0];
    expect(request.url).toContain(`/admin/v1/programs/${PROGRAM}/guests/${GUEST}/adjustments`);
    expect(await request.json()).toEqual({ points: 25, reason: 'ticket 4411' });
  });

  it('shows the server’s complaint at the field it names', async () => {
    server.answer = async () =>
      answer(400, {
        code: 'TransactionInsufficientPoints',
        statusCode: 400,
        message: 'The guest has 10 points; a debit of 50 would overdraw',
        details: { field: 'points' },
      });
    renderUi(<AdjustForm programId={PROGRAM} guestId={GUEST} />);
    await userEvent.type(screen.getByRole('textbox', { name: /Points/ }), '-50');
    await userEvent.type(screen.getByRole('textbox', { name: /Reason/ }), 'wrong credit');
    await userEvent.click(screen.getByRole('button', { name: 'Adjust' }));
    await screen.findByText('The guest has 10 points; a debit of 50 would overdraw');
  });
});

describe('claiming a missed sale', () => {
  it('sends the receipt code and explains a refusal', async () => {
    const fetch = vi.fn(async (_req: Request) =>
      answer(409, { code: 'ReceiptAlreadyClaimed', statusCode: 409, message: 'This receipt has already been claimed' }),
    );
    server.answer = fetch;
    renderUi(<ClaimForm programId={PROGRAM} guestId={GUEST} />);
    await userEvent.type(screen.getByRole('textbox', { name: /Receipt code/ }), 'J25QL1WAH5KJ7P75');
    await userEvent.click(screen.getByRole('button', { name: 'Claim' }));
    expect((await screen.findByRole('alert')).textContent).toContain('already been claimed');
    expect(await fetch.mock.calls[0]![0].json()).toEqual({ receiptCode: 'J25QL1WAH5KJ7P75' });
  });
});
