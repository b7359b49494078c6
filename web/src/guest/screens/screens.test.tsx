import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderUi } from '../../test/render';
import { Guest } from '../session';
import { Code } from './Code';
import { Rewards } from './Rewards';

// Every request of the guest client goes to the answer each test sets.
const server = vi.hoisted(() => {
  const s = { answer: async (_r: Request): Promise<Response> => new Response(null, { status: 500 }) };
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => s.answer(new Request(input, init));
  return s;
});
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const route = (r: Request) => `${r.method} ${new URL(r.url).pathname}`;

const session = { token: 'tpg_secret-token', expiresAt: '2026-12-25T12:00:00.000Z', name: 'Gina' };
const asGuest = (ui: React.ReactElement) => renderUi(<Guest.Provider value={{ program: 'bk-us', session, signOut: vi.fn() }}>{ui}</Guest.Provider>);
const NOTHING_SELECTED = { rewardIds: [], offerId: null, incentives: [], pointsReserved: 0, updatedAt: null };
const FRIES = { id: 'rwd-small-fries', kind: 'REWARD', name: 'Free Small Fries', pointCost: 250 };

describe('the rewards screen', () => {
  it('shows each reward as the server judged it, with its reasons, and selects an available one', async () => {
    const puts: unknown[] = [];
    server.answer = async (r) => {
      switch (route(r)) {
        case 'GET /app/v1/bk-us/incentives':
          expect(new URL(r.url).searchParams.get('channel')).toBe('Restaurant');
          return json(200, {
            rewards: [
              { ...FRIES, eligible: true, failures: [], checkedAtOrder: [] },
              {
                id: 'rwd-whopper',
                kind: 'REWARD',
                name: 'Free Whopper',
                pointCost: 700,
                eligible: false,
                failures: [
                  {
                    code: 'insufficient-point-balance',
                    ruleId: 'point-balance',
                    incentiveId: 'rwd-whopper',
                    message: 'User does not have sufficient funds to redeem reward',
                  },
                ],
                checkedAtOrder: [],
              },
            ],
            offers: [],
          });
        case 'GET /app/v1/bk-us/selection':
          return json(200, NOTHING_SELECTED);
        case 'PUT /app/v1/bk-us/selection':
          puts.push(await r.json());
          return json(200, { ...NOTHING_SELECTED, rewardIds: ['rwd-small-fries'], incentives: [FRIES], pointsReserved: 250 });
        default:
          return json(404, { code: 'NotFound', statusCode: 404, message: route(r) });
      }
    };
    asGuest(<Rewards />);
    const whopper = await screen.findByRole('article', { name: 'Free Whopper' });
    expect(within(whopper).getByText('Not available now')).toBeDefined();
    expect(within(whopper).getByRole('list', { name: 'Why Free Whopper is not available' }).textContent).toContain('sufficient funds');
    expect(within(whopper).queryByRole('button')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Select Free Small Fries' }));
    await vi.waitFor(() => expect(puts).toEqual([{ rewardIds: ['rwd-small-fries'], offerId: null }]));
  });

  it('says what to do when the rewards cannot be loaded', async () => {
    server.answer = async () => json(503, { code: 'ServiceUnavailable', statusCode: 503, message: 'The database is not reachable.' });
    asGuest(<Rewards />);
    const alert = await screen.findByRole('alert', {}, { timeout: 5_000 });
    expect(alert.textContent).toContain('The database is not reachable.');
    expect(within(alert).getByRole('button', { name: 'Reload' })).toBeDefined();
  });
});

describe('the code screen', () => {
  it('creates a one-time code carrying the selection, shows it with its QR, and the status the server reports', async () => {
    const posted: unknown[] = [];
    server.answer = async (r) => {
      switch (route(r)) {
        case 'GET /app/v1/bk-us/selection':
          return json(200, { ...NOTHING_SELECTED, rewardIds: ['rwd-small-fries'], incentives: [FRIES], pointsReserved: 250 });
        case 'POST /app/v1/bk-us/codes':
          posted.push(await r.json());
          return json(201, {
            code: '381920',
            status: 'active',
            expiresAt: '2026-11-25T12:05:00.000Z',
            ttlSeconds: 300,
            selection: { ...NOTHING_SELECTED, rewardIds: ['rwd-small-fries'], incentives: [FRIES], pointsReserved: 250 },
            qr: { svg: '/app/v1/bk-us/codes/381920/qr.svg', png: '/app/v1/bk-us/codes/381920/qr.png' },
          });
        case 'GET /app/v1/bk-us/codes/381920':
          return json(200, {
            code: '381920',
            status: 'used',
            createdAt: '2026-11-25T12:00:00.000Z',
            expiresAt: '2026-11-25T12:05:00.000Z',
            usedAt: '2026-11-25T12:01:00.000Z',
            transactionId: 't-1',
            selection: ['rwd-small-fries'],
          });
        default:
          return json(404, { code: 'NotFound', statusCode: 404, message: route(r) });
      }
    };
    asGuest(<Code />);
    expect((await screen.findByText(/Selected:/)).textContent).toContain('Free Small Fries');
    await userEvent.click(screen.getByRole('button', { name: 'Show my code' }));
    const shown = await screen.findByRole('region', { name: 'One-time code' });
    expect(within(shown).getByText('381920')).toBeDefined();
    expect(posted).toEqual([{}]);
    expect(await within(shown).findByRole('img', { name: 'QR code of 381920' })).toBeDefined();
    // "used" is what the server said, not something the page worked out
    expect(await within(shown).findByText('Used at the till')).toBeDefined();
  });
});
