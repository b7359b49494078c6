import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_CHAIN_CLIENT } from '../../src/simulators/rjr/simulator.ts';
import { CSTORE_DEMO_LOCATIONS, demoAgentToken } from '../../src/demo/cstore-seed.ts';
import { DEMO_ADMIN_EMAIL, demoAdminPassword } from '../../src/demo/seed.ts';
import { chooseProgram, browserAndServers, signIn } from '../support/browser.ts';
import { ENGINES } from '../support/engines.ts';
import { type ServerProcess, startServerOn } from '../support/server-process.ts';

const PILOT = CSTORE_DEMO_LOCATIONS[0]!; // QuickStop #101 Main St, Passport: NAXML
const QUICKSTOP = 'QuickStop (demo c-store chain)';

// One Chromium for both engines' servers. The servers run the c-store chain and its simulator
// without the demo week of sales at #102/#103 (`TILLPOINT_DEMO_CSTORE=chain`; web-scandata uses it):
// this workflow starts at #101. The second engine's server boots while the first one's tests run.
const { browser, servers } = browserAndServers((engine) =>
  startServerOn(engine, { TILLPOINT_SCHEDULER: 'off', TILLPOINT_RJR_SIMULATOR_PORT: '0', TILLPOINT_DEMO_CSTORE: 'chain' }),
);

/**
 * The c-store workflow in Chromium against a real server (the demo, with its in-process RJR
 * simulator): license, enroll, pilot and sync a location; review, accept part, reject one with a
 * reason; download the batch's NAXML; a read-only user cannot accept.
 */
describe.each(ENGINES)('the Cash Register Updates Manager in Chromium on %s', (engine) => {
  let server: ServerProcess;
  let simUrl: string;
  let page: Page;

  beforeAll(async () => {
    server = await servers.get(engine);
    simUrl = (await server.waitForOutput(/RJR simulator on (http:\/\/[\d.:]+)/))[1]!;
    page = await browser.page();
    page.setDefaultTimeout(15_000);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  const api = async (token: string, method: string, path: string, body?: unknown) =>
    fetch(`${server.url}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  const login = async (email: string, password: string) =>
    (
      (await (
        await fetch(`${server.url}/admin/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password }),
        })
      ).json()) as { token: string }
    ).token;
  /** the demo owner's API token, signed in once (each sign-in is a deliberately slow password check) */
  let ownerLogin: Promise<string> | undefined;
  const ownerToken = () => (ownerLogin ??= login(DEMO_ADMIN_EMAIL, demoAdminPassword()));

  it('licenses, enrolls, pilots and syncs a location against the simulator', async () => {
    await signIn(page, server.url, DEMO_ADMIN_EMAIL, demoAdminPassword());
    await chooseProgram(page, QUICKSTOP);
    await page.getByRole('link', { name: /Locations & licenses/ }).click();

    // Buy two monthly licenses: they start unassigned.
    const licenses = page.getByRole('table', { name: 'Scan Data licenses' });
    await licenses.getByRole('row').nth(3).waitFor();
    await expect(licenses.getByRole('row').count()).resolves.toBe(4); // header + the demo's three
    await page.getByRole('button', { name: 'Buy licenses' }).click();
    const buy = page.getByRole('dialog', { name: 'Buy Scan Data licenses' });
    await buy.getByText('1 month', { exact: true }).click();
    await buy.getByRole('textbox', { name: 'How many' }).fill('2');
    await buy.getByRole('button', { name: 'Buy' }).click();
    await buy.waitFor({ state: 'hidden' });
    await licenses.getByRole('row').filter({ hasText: '1 month' }).nth(1).waitFor();
    await expect(licenses.getByRole('row').filter({ hasText: '1 month' }).count()).resolves.toBe(2);

    // Assign License: the demo's free license to the pilot.
    await licenses
      .getByRole('row')
      .filter({ hasText: '1 year' })
      .getByRole('button', { name: /^Assign License/ })
      .click();
    const assign = page.getByRole('dialog', { name: 'Assign License' });
    await assign.getByRole('combobox', { name: 'Location' }).click();
    await page.getByRole('option', { name: PILOT.name }).click();
    await assign.getByRole('button', { name: 'Done' }).click();
    await assign.waitFor({ state: 'hidden' });
    await expect(
      page
        .getByRole('table', { name: 'Scan Data licenses' })
        .getByRole('row', { name: new RegExp(PILOT.name) })
        .getByText('active')
        .count(),
    ).resolves.toBe(1);

    // Enroll as a chain, against the simulator; the secret is masked and never comes back.
    await page.getByRole('button', { name: 'Change enrollment' }).click();
    const enroll = page.getByRole('dialog', { name: 'RJR Discount API enrollment' });
    await enroll.getByRole('textbox', { name: 'Retailer account number' }).fill(SIM_CHAIN_CLIENT.accountNumber);
    await enroll.getByRole('textbox', { name: 'Client ID' }).fill(SIM_CHAIN_CLIENT.clientId);
    await enroll.getByRole('textbox', { name: 'Client secret' }).fill(SIM_CHAIN_CLIENT.clientSecret);
    await expect(enroll.getByRole('textbox', { name: 'Client secret' }).getAttribute('type')).resolves.toBe('password');
    await enroll.getByRole('textbox', { name: 'API base URL' }).fill(simUrl);
    await enroll.getByRole('button', { name: 'Save enrollment' }).click();
    await enroll.waitFor({ state: 'hidden' });
    await page.getByText(/secret ••••/).waitFor();
    expect(await page.content()).not.toContain(SIM_CHAIN_CLIENT.clientSecret);

    // Pilot, then Sync now.
    await page.getByRole('table', { name: 'Locations' }).getByRole('link', { name: PILOT.name }).click();
    await page.getByRole('button', { name: 'Start pilot' }).click();
    await page.getByRole('button', { name: 'Turn off' }).waitFor();

    // A malformed page fails the sync, saying why; the next sync succeeds and lists the records RJR sent bad.
    const fault = (body: unknown) =>
      fetch(`${simUrl}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await fault({ malformedPage: { page: 1, outletId: PILOT.outlet, times: 1 } })).status).toBeLessThan(300);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByText('Sync failed').waitFor({ timeout: 30_000 });
    await expect(page.getByRole('status').filter({ hasText: 'Sync failed' }).textContent()).resolves.toMatch(/malformed/i);

    // RJR refuses the outlet (403): the location says so and offers Retry outlet; once RJR allows
    // it again, the retry syncs at once — and lists the records RJR sent bad.
    expect((await fault({ invalidRecords: { count: 2, outletId: PILOT.outlet }, forbidOutlets: [{ outletId: PILOT.outlet }] })).status).toBeLessThan(300);
    await page.getByRole('button', { name: 'Sync now' }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'RJR refused this outlet' });
    await refused.waitFor({ timeout: 30_000 });
    await browser.screenshot(page, `cstore-outlet-refused-${engine}`);
    expect((await fault({ allowOutlets: [PILOT.outlet] })).status).toBeLessThan(300);
    await refused.getByRole('button', { name: 'Retry outlet' }).click();
    await page.getByText('Sync succeeded', { exact: true }).waitFor({ timeout: 30_000 });
    await refused.waitFor({ state: 'hidden' });
    await expect(page.getByRole('status').filter({ hasText: 'Sync succeeded' }).textContent()).resolves.toContain('2 records rejected');
    const rows = page.getByRole('table', { name: 'Sync runs' }).getByRole('row');
    await expect(rows.count()).resolves.toBe(4); // header + three runs
    await page.getByRole('status').filter({ hasText: 'Sync succeeded' }).getByRole('button', { name: 'Details' }).click();
    const run = page.getByRole('dialog', { name: 'Sync run' });
    await run.getByText('Rejected records (2)').waitFor();
    await expect(run.getByRole('table', { name: 'Rejected records' }).getByRole('row').count()).resolves.toBe(3);
    await browser.screenshot(page, `cstore-sync-run-${engine}`);
    await page.keyboard.press('Escape');
    await run.waitFor({ state: 'hidden' });

    // The location's panel: each rejected record with what it meant (nothing is on the register yet).
    const panel = page.getByRole('table', { name: 'Rejected feed records' });
    await panel.getByRole('row').nth(2).waitFor();
    await expect(panel.getByRole('row').count()).resolves.toBe(3);
    await expect(panel.getByText('not added', { exact: true }).count()).resolves.toBe(2);
    await expect(panel.textContent()).resolves.toMatch(/it is not on the register and was not added/);
    await page.getByText('No update sent yet').first().waitFor(); // the register, in the server's words

    // The register's own ids, before the first batch: its store number, and numbered promotions.
    const settings = page.getByRole('form', { name: 'Register settings' });
    await settings.getByRole('textbox', { name: /^Store number at the register/ }).fill('QS-101');
    await settings.getByText('Numbers', { exact: true }).click();
    await settings.getByRole('textbox', { name: 'First number' }).fill('500');
    await settings.getByRole('button', { name: 'Save register settings' }).click();
    await page.getByText('Register settings saved').waitFor();
    const owner = await ownerToken();
    expect(await (await api(owner, 'GET', `/cstore/locations/${PILOT.id}`)).json()).toMatchObject({
      registerStoreId: 'QS-101',
      registerIds: 'numeric',
      registerIdStart: 500,
    });
    await browser.screenshot(page, `cstore-synced-${engine}`);
  });

  it('reviews the pending changes, accepts two, rejects one with a reason and downloads the NAXML', async () => {
    await page.getByRole('link', { name: /Review changes/ }).click();
    const table = page.getByRole('table', { name: 'Pending changes' });
    await table.waitFor();
    const pendingBefore = await table.getByRole('checkbox').count();
    expect(pendingBefore).toBeGreaterThan(3);

    // Search narrows the list to one brand.
    const firstBrand = (await page.locator('tr[data-change-id]').first().locator('td').nth(1).textContent())!;
    const rowBrandHeader = (await table.getByRole('row').first().textContent())!;
    const brand = /· (.+?)\d+ changes?$/.exec(rowBrandHeader)?.[1]?.trim() ?? '';
    expect(firstBrand.length).toBeGreaterThan(0);
    await page.getByRole('textbox', { name: /^Search/ }).fill(brand);
    await expect(table.getByRole('checkbox').count()).resolves.toBeLessThanOrEqual(pendingBefore);
    await page.getByRole('textbox', { name: /^Search/ }).fill('');

    // Accept two.
    const boxes = table.getByRole('checkbox');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.getByRole('button', { name: 'Accept selected (2)' }).click();
    await page.getByRole('dialog', { name: 'Accept Changes' }).getByRole('button', { name: 'Accept' }).click();
    const batches = page.getByRole('table', { name: 'Update batches' });
    await batches.waitFor();
    await expect(batches.getByRole('row').nth(1).textContent()).resolves.toMatch(/#1Demo owner.*2 add/);

    // Reject one, with a reason.
    await page.getByRole('tab', { name: /Pending changes/ }).click();
    await table.getByRole('checkbox').first().check();
    const rejected = (await page.locator('tr[data-change-id]').first().locator('td').nth(1).textContent())!;
    await page.getByRole('button', { name: 'Reject selected…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reject 1 change' });
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await dialog.getByText('Say why').waitFor(); // a reason is required
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('Brand not sold at this store');
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect(table.getByRole('checkbox').count()).resolves.toBe(pendingBefore - 3);

    await page.getByRole('tab', { name: /Batches/ }).click();
    const rejectedTable = page.getByRole('table', { name: 'Rejected changes' });
    await expect(rejectedTable.getByRole('row').nth(1).textContent()).resolves.toMatch(/Brand not sold at this store.*Demo owner \(you\)/);
    expect(rejected).toContain((await rejectedTable.getByRole('row').nth(1).locator('td').first().locator('p').first().textContent())!.slice(0, 10));

    // The batch's file as the register gets it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download NAXML of batch 1' }).click()]);
    const xml = readFileSync((await download.path())!, 'utf8');
    expect(xml).toContain('<NAXML-MaintenanceRequest');
    expect(xml).toContain('<StoreLocationID>QS-101</StoreLocationID>');
    expect(xml).toMatch(/<PromotionID>50[01]<\/PromotionID>/);
    expect(download.suggestedFilename()).toMatch(/\.xml$/);

    // The store's agent fetches and acknowledges it; the history says so.
    const agent = { authorization: `Bearer ${demoAgentToken(PILOT.id)}` };
    const { batches: ready } = (await (await fetch(`${server.url}/agent/v1/batches`, { headers: agent })).json()) as { batches: { id: string }[] };
    expect((await fetch(`${server.url}/agent/v1/batches/${ready[0]!.id}`, { headers: agent })).status).toBe(200);
    const ack = await fetch(`${server.url}/agent/v1/batches/${ready[0]!.id}/ack`, {
      method: 'POST',
      headers: { ...agent, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'success' }),
    });
    expect(ack.status).toBe(200);
    await page.reload();
    await page.getByRole('tab', { name: /Batches/ }).click();
    await expect(batches.getByRole('row').nth(1).textContent()).resolves.toMatch(/acknowledged/);
    await page.getByText(/^Register up to date \(batch #1 applied/).waitFor();
    await browser.screenshot(page, `cstore-accepted-${engine}`);
  });

  it('shows a read-only user the changes without Accept, and the API refuses them', async () => {
    const owner = await ownerToken();
    const email = `reader-${engine}@example.test`;
    expect(
      (await api(owner, 'POST', '/users', { email, name: 'Rita Reader', password: 'read-only-password', role: 'read_only', programIds: '*' })).status,
    ).toBe(201);

    const reader = await browser.page({ width: 820, height: 1180 }); // a tablet
    reader.setDefaultTimeout(15_000);
    await signIn(reader, server.url, email, 'read-only-password', `/admin/register-updates/${PILOT.id}`);
    await chooseProgram(reader, QUICKSTOP);
    await reader.getByRole('table', { name: 'Pending changes' }).waitFor();
    await reader.getByText('Your role can review but not accept').waitFor();
    await expect(reader.getByRole('button', { name: /Accept/ }).count()).resolves.toBe(0);
    await expect(reader.getByRole('button', { name: /Reject/ }).count()).resolves.toBe(0);
    await expect(reader.getByRole('table', { name: 'Pending changes' }).getByRole('checkbox').count()).resolves.toBe(0);
    await expect(reader.getByRole('switch', { name: /Auto-accept/ }).isDisabled()).resolves.toBe(true);

    const token = await login(email, 'read-only-password');
    const refused = await api(token, 'POST', `/cstore/locations/${PILOT.id}/changes/accept`, { all: true });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'Forbidden' });
    await browser.screenshot(reader, `cstore-read-only-tablet-${engine}`);
  });

  it('refuses roll-out while the pilot has changes to review, names what is missing, and rolls out once reviewed and applied', async () => {
    await page.getByRole('link', { name: /Locations & licenses/ }).click();
    const readiness = page.getByRole('list', { name: 'What the pilot still misses' });
    await readiness.filter({ hasText: /waiting for review; accept or reject them first/ }).waitFor();

    // Refused: the dialog names the pilot location, the server's reason, and where to go.
    await page.getByRole('button', { name: 'Roll out to all locations' }).click();
    const dialog = page.getByRole('dialog', { name: 'Roll-out' });
    await dialog.getByText('Roll-out refused: the pilot is not ready').waitFor();
    await expect(dialog.textContent()).resolves.toMatch(new RegExp(`${PILOT.name}.*promotion change\\(s\\) waiting for review`));
    await browser.screenshot(page, `cstore-rollout-refused-${engine}`);
    await dialog.getByRole('link', { name: `Review the pending changes at ${PILOT.name}` }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Finish the review: reject one more, accept the rest.
    const table = page.getByRole('table', { name: 'Pending changes' });
    await table.getByRole('checkbox').first().check();
    await page.getByRole('button', { name: 'Reject selected…' }).click();
    const reject = page.getByRole('dialog', { name: 'Reject 1 change' });
    await reject.getByRole('textbox', { name: 'Reason' }).fill('Not carried');
    await reject.getByRole('button', { name: 'Reject' }).click();
    await reject.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: /^Accept all changes/ }).click();
    await page.getByRole('dialog', { name: 'Accept Changes' }).getByRole('button', { name: 'Accept' }).click();
    const batches = page.getByRole('table', { name: 'Update batches' });
    await batches.locator('tr[data-batch-seq="2"]').waitFor();
    await page.getByText(/1 update batch\(es\) waiting for the register to apply/).waitFor();

    // Still refused until the store's agent reports batch #2 applied.
    await page.getByRole('link', { name: /Locations & licenses/ }).click();
    await readiness.filter({ hasText: /has not reported 1 update batch\(es\) as applied yet/ }).waitFor();
    const pilotRow = page.getByRole('table', { name: 'Locations' }).locator(`tr[data-location-id="${PILOT.id}"]`);
    await pilotRow.filter({ hasText: /update batch\(es\) waiting for the register to apply/ }).waitFor();
    const agent = { authorization: `Bearer ${demoAgentToken(PILOT.id)}` };
    const { batches: ready } = (await (await fetch(`${server.url}/agent/v1/batches`, { headers: agent })).json()) as { batches: { id: string; seq: number }[] };
    expect(ready.map((b) => b.seq)).toEqual([2]);
    const ack = await fetch(`${server.url}/agent/v1/batches/${ready[0]!.id}/ack`, {
      method: 'POST',
      headers: { ...agent, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'success' }),
    });
    expect(ack.status).toBe(200);
    await page.reload();
    await page.getByText('The pilot’s promotions were reviewed and confirmed').waitFor();
    await pilotRow.filter({ hasText: /Register up to date \(batch #2 applied/ }).waitFor();

    await page.getByRole('button', { name: 'Roll out to all locations' }).click();
    await expect(dialog.textContent()).resolves.toMatch(/3 locations turned live/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect(page.getByRole('table', { name: 'Locations' }).getByText('live', { exact: true }).count()).resolves.toBe(3);
    await browser.screenshot(page, `cstore-rolled-out-${engine}`);

    // Auto-accept is a per-location setting in the Cash Register Updates Manager.
    const second = CSTORE_DEMO_LOCATIONS[1]!;
    await page.getByRole('link', { name: /Cash Register Updates/ }).click();
    // The new screen loads lazily while the old one stays: wait for it, not to click the Locations table's link of the same name.
    await page.getByRole('heading', { name: 'Cash Register Updates', level: 2 }).waitFor();
    await page.getByRole('link', { name: second.name }).click();
    await page.getByRole('switch', { name: /Auto-accept/ }).click(); // controlled: it flips when the server has saved it
    await page.getByText('Synced changes now go straight to the register.').waitFor();
    await expect(page.getByRole('switch', { name: /Auto-accept/ }).isChecked()).resolves.toBe(true);
    const owner = await ownerToken();
    expect(((await (await api(owner, 'GET', `/cstore/locations/${second.id}`)).json()) as { autoAccept: boolean }).autoAccept).toBe(true);
    await browser.screenshot(page, `cstore-auto-accept-${engine}`);
  });
});
