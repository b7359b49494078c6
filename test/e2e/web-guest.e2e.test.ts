import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SLUG, demoKey } from '../../src/demo/seed.ts';
import { browserAndServers } from '../support/browser.ts';
import { ENGINES } from '../support/engines.ts';
import { posVendor, saleBody } from '../support/fixtures.ts';
import { webhookReceiver } from '../support/receiver.ts';
import { type ServerProcess, startServerOn } from '../support/server-process.ts';

// One Chromium for both engines' servers (each page has its own context), and one receiver of the
// login-code e-mails: the login-code sender is the webhook one, pointed at it; the test reads the
// e-mails (per engine, by address). The servers run the loyalty demo only (`TILLPOINT_DEMO_CSTORE=off`):
// the guest pages use no c-store data. The second engine's server boots while the first one's test runs.
let mailer: Awaited<ReturnType<typeof webhookReceiver>>;
beforeAll(async () => {
  mailer = await webhookReceiver();
});
afterAll(async () => {
  await mailer?.close();
});
const { browser, servers } = browserAndServers((engine) =>
  startServerOn(engine, {
    TILLPOINT_SCHEDULER: 'off',
    TILLPOINT_DEMO_CSTORE: 'off',
    TILLPOINT_GUEST_LOGIN_SENDER: 'webhook',
    TILLPOINT_GUEST_LOGIN_WEBHOOK_URL: `${mailer.url}/login-codes`,
  }),
);

/**
 * The guest pages in a phone-sized Chromium against `tillpoint serve --demo` on a temporary
 * database: the receipt's QR → sign-in with the e-mailed code → claim → reward → code for the till.
 */
describe.each(ENGINES)('the guest pages in Chromium on %s', (engine) => {
  let server: ServerProcess;

  const pos = async (path: string, body: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': demoKey('partner') },
      body: JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field below
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const loginCodeFor = (email: string): string => {
    const mails = mailer.received
      .map((r) => JSON.parse(r.body) as { type: string; email: string; code: string })
      .filter((m) => m.type === 'guest.login_code' && m.email === email);
    expect(mails.length, `a login code e-mailed to ${email}`).toBeGreaterThan(0);
    return mails.at(-1)!.code;
  };

  beforeAll(async () => {
    server = await servers.get(engine);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('a guest scans a receipt, signs in with the e-mailed code, claims the points, selects a reward and shows a code the POS identifies', async () => {
    // An anonymous sale: the receipt carries the claim URL as its QR code.
    const sale = await pos('/loyalty/transaction/pos', saleBody('GUEST-WEB-1', [{ price: '30.00' }]));
    expect(sale.status).toBe(200);
    const claimUrl = new URL(sale.body.presentation.qrCode as string);
    expect(claimUrl.pathname).toBe(`/r/${sale.body.receiptCode}`);

    const page = await browser.page({ width: 390, height: 844 });
    page.setDefaultTimeout(10_000);
    // The phone opens the QR's URL (on this test's server: the receipt names the configured public URL).
    await page.goto(`${server.url}${claimUrl.pathname}`);
    const receipt = page.getByRole('region', { name: 'Your receipt' });
    await receipt.getByText('300 points').waitFor();
    await receipt.getByText(sale.body.receiptCode as string).waitFor();

    const email = `guest-${engine}@example.com`;
    await page.getByRole('textbox', { name: 'E-mail' }).fill(email);
    await page.getByRole('button', { name: 'Send me a login code' }).click();
    // The code step shows once the server has answered, i.e. after the sender delivered the e-mail.
    await page.getByText(`We sent a 6-digit code to ${email}`).waitFor();
    await page.getByRole('textbox', { name: 'Login code' }).fill(loginCodeFor(email));
    await page.getByRole('textbox', { name: 'Your name' }).fill('Gina');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('button', { name: 'Claim 300 points' }).click();
    await page.getByText('300 points added').waitFor();
    await page.getByText('Your balance: 300 points.').waitFor();
    await browser.screenshot(page, `guest-receipt-claimed-${engine}`);

    // Into the guest app: the rewards as the server judges them, with its reason when not eligible.
    await page.getByRole('link', { name: 'See your rewards' }).click();
    await page.waitForURL(`${server.url}/g/${DEMO_SLUG}/rewards`);
    const whopper = page.getByRole('article', { name: 'Free Whopper', exact: true });
    await whopper.getByText('Not available now').waitFor();
    await whopper
      .getByRole('list', { name: 'Why Free Whopper is not available' })
      .getByText(/sufficient/i)
      .waitFor();
    await browser.screenshot(page, `guest-rewards-${engine}`);
    await page.getByRole('button', { name: 'Select Free Small Fries' }).click();

    await page.waitForURL(`${server.url}/g/${DEMO_SLUG}/code`);
    await page.getByText('Selected: Free Small Fries').waitFor();
    await page.getByRole('button', { name: 'Show my code' }).click();
    const shown = page.getByRole('region', { name: 'One-time code' });
    await shown.getByText('Show this to the cashier').waitFor();
    await shown.getByRole('img', { name: /^QR code of \d{6}$/ }).waitFor();
    const code = (await page.getByTestId('one-time-code').textContent())!.trim();
    expect(code).toMatch(/^\d{6}$/);

    // The cashier's POS identifies the guest by the code, with the pre-selected reward on the order.
    const identified = await pos('/loyalty/identify', { identifier: code, posVendor: posVendor('GUEST-WEB-2') });
    expect(identified.status).toBe(200);
    expect(identified.body.loyaltyUser).toMatchObject({ name: 'Gina' });
    expect(identified.body.order).toEqual([expect.objectContaining({ incentiveId: 'rwd-small-fries', productType: 'REWARD' })]);
    expect(identified.body.balances).toEqual([{ amount: 50, currency: 'points' }]);
    // The guest's own token, where the page keeps it, to ask the guest API who signed in.
    const stored = (await page.evaluate(
      (key) => (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem(key),
      `tillpoint.guest.${DEMO_SLUG}`,
    ))!;
    const { token } = JSON.parse(stored) as { token: string };
    const me = (await (await fetch(`${server.url}/app/v1/${DEMO_SLUG}/me`, { headers: { authorization: `Bearer ${token}` } })).json()) as { id: string };
    expect(identified.body.loyaltyUser.id).toBe(me.id);

    // The page learns from the server that the code was used (it polls the code's status).
    await shown.getByText('Used at the till').waitFor({ timeout: 20_000 });
    await browser.screenshot(page, `guest-code-used-${engine}`);
  });
});
