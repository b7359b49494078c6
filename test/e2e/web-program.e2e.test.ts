import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_EMAIL, DEMO_GUESTS, DEMO_SLUG, demoAdminPassword, demoKey } from '../../src/demo/seed.ts';
import { chooseProgram, browserAndServers, signIn } from '../support/browser.ts';
import { ENGINES } from '../support/engines.ts';
import { posVendor, saleBody } from '../support/fixtures.ts';
import { type ServerProcess, startServerOn } from '../support/server-process.ts';

// One Chromium for both engines' servers (each page has its own context). The servers run the
// loyalty demo only (`TILLPOINT_DEMO_CSTORE=off`): these screens use no c-store data. The second
// engine's server boots while the first one's tests run.
const { browser, servers } = browserAndServers((engine) => startServerOn(engine, { TILLPOINT_SCHEDULER: 'off', TILLPOINT_DEMO_CSTORE: 'off' }));

/** The loyalty team's screens in Chromium against `tillpoint serve --demo` on a temporary database. */
describe.each(ENGINES)('the program screens in Chromium on %s', (engine) => {
  let server: ServerProcess;
  let token: string;
  /** the demo owner's page, signed in through the form once and the demo program chosen: the tests go on from where the last one left it */
  let owner: Page;
  let programId: string;
  let programName: string;

  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = { authorization: `Bearer ${token}` }) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    // PostgreSQL: a throwaway schema (dropped again by stop) that the server process opens by URL.
    server = await servers.get(engine);
    token = (await api('POST', '/admin/v1/auth/login', { email: DEMO_ADMIN_EMAIL, password: demoAdminPassword() }, {})).body.token;
    const program = (await api('GET', '/admin/v1/programs')).body.find((p: { slug: string }) => p.slug === DEMO_SLUG);
    programId = program.id;
    programName = program.name;
    owner = await signedIn(DEMO_ADMIN_EMAIL, demoAdminPassword());
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  /** a new page signed in through the form, the demo program chosen */
  async function signedIn(email: string, password: string): Promise<Page> {
    const page = await browser.page();
    page.setDefaultTimeout(8_000);
    await signIn(page, server.url, email, password, '/admin/');
    await chooseProgram(page, programName);
    return page;
  }
  /** the owner's page, opened at `path` of the back office (the session and the chosen program stay: same tab) */
  async function ownerAt(path: string): Promise<Page> {
    await owner.goto(`${server.url}/admin${path}`);
    return owner;
  }

  it('creates a reward with two rules through the forms generated from the rule registry', async () => {
    const page = await ownerAt('/rewards/new');
    await page.getByRole('textbox', { name: 'Name' }).fill('Free Shake');
    await page.getByRole('textbox', { name: 'Point cost' }).fill('300');
    const addRule = async (id: string) => {
      await page.getByRole('combobox', { name: 'Add a rule' }).fill(id);
      await page.getByRole('option', { name: new RegExp(`^${id} —`) }).click();
      await page.getByRole('button', { name: 'Add rule' }).click();
    };
    await addRule('subtotal-spend');
    await page
      .getByRole('region', { name: 'Rule 1: subtotal-spend' })
      .getByLabel(/minimumCents/)
      .fill('500');
    await addRule('time-span');
    const span = page.getByRole('region', { name: 'Rule 2: time-span' });
    await span.getByLabel(/^start/).fill('06:00');
    await span.getByLabel(/^end/).fill('22:00');
    await page.getByRole('textbox', { name: 'partner PLU' }).fill('7001');
    // The preview is the server's own partner dialect: the identify line carries the PLU.
    const preview = page.getByRole('region', { name: 'POS preview' });
    await preview.getByText('"productId": "7001"').waitFor();
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/admin\/rewards\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    const saved = await api('GET', `/admin/v1/programs/${programId}/incentives/${id}`);
    expect(saved.body).toMatchObject({
      name: 'Free Shake',
      kind: 'REWARD',
      pointCost: 300,
      rules: [
        { ruleId: 'subtotal-spend', args: { minimumCents: 500 } },
        { ruleId: 'time-span', args: { start: '06:00', end: '22:00' } },
      ],
      vendorConfigs: { partner: { pluType: 'constantPlu', constantPlu: '7001' } },
    });
    await browser.screenshot(page, `rewards-created-with-two-rules-${engine}`);
  });

  it('lets a support user adjust a guest’s points with a reason and find it in the audit log', async () => {
    const created = await api('POST', '/admin/v1/users', {
      email: 'sam@support.test',
      name: 'Sam',
      password: 'support-pass-123',
      role: 'support',
      programIds: [programId],
    });
    expect(created.status).toBe(201);
    const page = await signedIn('sam@support.test', 'support-pass-123');
    await page.goto(`${server.url}/admin/guests`);
    await page.getByRole('textbox', { name: 'Search for' }).fill('ana@');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('table', { name: 'Guests' }).getByRole('link', { name: 'Ana' }).click();
    const form = page.getByRole('form', { name: 'Adjust points' });
    await form.getByRole('textbox', { name: /Points/ }).fill('25');
    await form.getByRole('textbox', { name: /Reason/ }).fill('missing points, ticket 4411');
    await form.getByRole('button', { name: 'Adjust' }).click();
    await page.getByRole('table', { name: 'Ledger entries' }).getByText('missing points, ticket 4411').waitFor();
    await page.getByRole('link', { name: 'Audit log of this guest' }).click();
    const entries = page.getByRole('table', { name: 'Audit entries' });
    await entries.getByText('points.adjust').waitFor();
    const row = entries.getByRole('row').filter({ hasText: 'missing points, ticket 4411' });
    await expect(row.textContent()).resolves.toContain('you (sam@support.test)');
    // A support user sees no configuration controls it may not use.
    await page.goto(`${server.url}/admin/rewards`);
    await page.getByRole('table', { name: 'Rewards and offers' }).waitFor();
    await expect(page.getByRole('link', { name: 'New reward or offer' }).count()).resolves.toBe(0);
    await page.goto(`${server.url}/admin/settings/audit?action=points.adjust`);
    await page.getByRole('table', { name: 'Audit entries' }).getByText('missing points, ticket 4411').waitFor();
    await browser.screenshot(page, `guests-adjusted-in-audit-log-${engine}`);
  });

  it('shows a sale’s rule results in the transaction view: which incentive did not apply and why', async () => {
    const partner = { 'x-api-key': demoKey('partner') };
    const identified = await api('POST', '/loyalty/identify', { identifier: DEMO_GUESTS[2]!.id, posVendor: posVendor('E2E-RULES') }, partner);
    expect(identified.status).toBe(200);
    const txn = identified.body.transactionId as string;
    // $4 does not reach the offer's $10 minimum: the POS is refused, the sale keeps the verdict.
    const refused = await api(
      'POST',
      `/loyalty/transaction/pos/validate/${txn}`,
      saleBody('E2E-RULES', [{ price: '4.00' }, { price: '2.00', productType: 'offer', productId: '900201' }]),
      partner,
    );
    expect(refused.status).toBe(400);
    const page = await ownerAt(`/transactions/${txn}`);
    const results = page.getByRole('region', { name: 'Rule results' });
    await results.getByText('not applied').waitFor();
    const row = results.getByRole('table', { name: 'Rules of ofr-2-off-10' }).getByRole('row').filter({ hasText: 'subtotal-spend' });
    await expect(row.textContent()).resolves.toMatch(/insufficient-subtotal-spend.*was 400, needs 1000/);
    await browser.screenshot(page, `transaction-rule-results-${engine}`);
  });

  it('shows the sale just made on the dashboard', async () => {
    const before = (await api('GET', `/admin/v1/programs/${programId}/dashboard`)).body.totals;
    const sale = await api('POST', '/loyalty/transaction/pos', saleBody('E2E-1', [{ price: '12.34' }]), { 'x-api-key': demoKey('partner') });
    expect(sale.status).toBe(200);
    const page = await ownerAt('/dashboard');
    const kpi = page.getByText('Unclaimed sales', { exact: true }).locator('xpath=..');
    await expect.poll(() => kpi.textContent()).toContain(String(before.unclaimedSales + 1));
    const sales = page.getByRole('region', { name: 'Claimed and unclaimed sales per day' });
    await sales.getByText('Numbers').click();
    await sales.getByRole('table').getByRole('cell', { name: '1234', exact: true }).waitFor();
    await browser.screenshot(page, `dashboard-shows-the-sale-${engine}`);
  });
});
