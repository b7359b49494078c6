import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { session } from '../../api/client';
import { AuthProvider } from '../../auth/auth';
import { renderUi } from '../../test/render';
import { AgentTokenCard } from './LocationDetail';
import { NewLocationModal } from './LocationsOverview';

// Every request of the admin client goes to the answer each test sets.
const server = vi.hoisted(() => {
  const s = { answer: async (_r: Request): Promise<Response> => new Response(null, { status: 500 }) };
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => s.answer(new Request(input, init));
  return s;
});
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const route = (r: Request) => `${r.method} ${new URL(r.url).pathname}`;

describe('Add location', () => {
  it('sends the name, address, register, time zone and RJR outlet id, and shows the server’s field error in place', async () => {
    const sent: unknown[] = [];
    server.answer = async (r) => {
      expect(route(r)).toBe('POST /admin/v1/cstore/programs/p1/locations');
      const body = (await r.json()) as { outletIds?: { rjr: string } };
      sent.push(body);
      return body.outletIds?.rjr === 'bad'
        ? json(400, { code: 'ValidationError', statusCode: 400, message: 'outletIds.rjr must be digits', details: { field: 'outletIds.rjr' } })
        : json(201, { id: 'l1', name: 'QuickStop #9' });
    };
    renderUi(<NewLocationModal programId="p1" opened onClose={() => {}} />);
    fireEvent.change(screen.getByRole('textbox', { name: 'Name' }), { target: { value: 'QuickStop #9' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Address' }), { target: { value: '9 Elm St' } });
    fireEvent.change(screen.getByRole('textbox', { name: /^Time zone/ }), { target: { value: 'America/Chicago' } });
    fireEvent.change(screen.getByRole('textbox', { name: /^RJR outlet id/ }), { target: { value: 'bad' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add location' }));
    await screen.findByText('outletIds.rjr must be digits');
    expect(sent).toEqual([{ name: 'QuickStop #9', address: '9 Elm St', posSystem: 'passport', timeZone: 'America/Chicago', outletIds: { rjr: 'bad' } }]);
  });
});

describe('the store agent token', () => {
  it('lets an owner issue it and shows it once', async () => {
    session.set('tpa_owner');
    server.answer = async (r) => {
      switch (route(r)) {
        case 'GET /admin/v1/auth/me':
          return json(200, {
            userId: 'u1',
            email: 'o@example.test',
            name: 'O',
            role: 'owner',
            programIds: '*',
            capabilities: ['read', 'support', 'manage', 'own'],
          });
        case 'POST /admin/v1/cstore/locations/l1/agent-token':
          return json(201, { prefix: 'tpagt_ab12', token: 'tpagt_ab12-the-whole-secret' });
        default:
          return json(404, { code: 'NotFound', statusCode: 404, message: route(r) });
      }
    };
    renderUi(
      <AuthProvider>
        <AgentTokenCard locationId="l1" prefix={null} />
      </AuthProvider>,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Issue agent token' }));
    await waitFor(() => expect(screen.getByTestId('shown-once').textContent).toBe('tpagt_ab12-the-whole-secret'));
    expect(document.body.textContent).toContain('This is the only time it is shown');
    session.clear();
  });

  it('hides the control from a role that may not issue it', async () => {
    session.set('tpa_reader');
    server.answer = async () => json(200, { userId: 'u2', email: 'r@example.test', name: 'R', role: 'read_only', programIds: '*', capabilities: ['read'] });
    renderUi(
      <AuthProvider>
        <AgentTokenCard locationId="l1" prefix="tpagt_ab12" />
      </AuthProvider>,
    );
    await screen.findByText(/starts with/);
    expect(screen.queryByRole('button', { name: /agent token/ })).toBeNull();
    session.clear();
  });
});
