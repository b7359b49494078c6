import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RJR_FIELDS } from '../../src/adapters/scandata/rjr.format.ts';
import { DEMO_ADMIN_EMAIL, demoAdminPassword } from '../../src/demo/seed.ts';
import { chooseProgram, browserAndServers, signIn } from '../support/browser.ts';
import { ENGINES } from '../support/engines.ts';
import { type ServerProcess, startServerOn } from '../support/server-process.ts';

// One Chromium for both engines' servers; the second engine's server boots while the first one's test runs.
const { browser, servers } = browserAndServers((engine) => startServerOn(engine, { TILLPOINT_SCHEDULER: 'off', TILLPOINT_RJR_SIMULATOR_PORT: '0' }));

/**
 * The week's RJR file from the Scan data screen, in Chromium against `serve --demo` (which seeds
 * a week of c-store sales at #102 and #103 and the RJR account 700100): generate, see it valid,
 * download it, mark it submitted.
 */
describe.each(ENGINES)('the Scan data screen in Chromium on %s', (engine) => {
  let server: ServerProcess;
  let week: string;

  beforeAll(async () => {
    server = await servers.get(engine);
    week = (await server.waitForOutput(/RJR week (\d{4}-\d{2}-\d{2})…/))[1]!;
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('generates the demo week’s RJR file, shows it valid, downloads it and marks it submitted', async () => {
    const page = await browser.page();
    page.setDefaultTimeout(15_000);
    await signIn(page, server.url, DEMO_ADMIN_EMAIL, demoAdminPassword());
    await chooseProgram(page, 'QuickStop (demo c-store chain)');
    await page.getByRole('link', { name: /Scan data/ }).click();

    // Both demo accounts, numbers masked.
    const accounts = page.getByRole('table', { name: 'Scan-data accounts' });
    await accounts.getByRole('row', { name: /RJR/ }).getByText(/^••••/).waitFor();
    expect(await page.content()).not.toContain('700100');

    // The demo week, RJR only: one row, nothing generated yet.
    const form = page.getByRole('form', { name: 'Filter submissions' });
    await form.getByRole('combobox', { name: 'Manufacturer' }).click();
    await page.getByRole('option', { name: /^RJR/ }).click();
    await form.getByLabel('Week of').fill(week);
    await form.getByRole('button', { name: 'Show' }).click();
    const table = page.getByRole('table', { name: 'Scan-data submissions' });
    const row = table.locator(`tr[data-week="${week}"]`);
    await row.getByText('not generated').waitFor();
    // the filtered answer replaces the unfiltered list (which holds this week too): wait for it
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 10_000 }).toBe(1);

    // Generate, confirmed.
    await row.getByRole('button', { name: /^Actions for rjr/ }).click();
    await page.getByRole('menuitem', { name: 'Generate' }).click();
    const confirm = page.getByRole('dialog', { name: 'Generate the week’s file' });
    await confirm.getByRole('button', { name: 'Generate' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await row.getByText('generation 1').waitFor();
    await expect(row.getByText('generated', { exact: true }).count()).resolves.toBe(1);
    await expect(row.getByText('valid', { exact: true }).count()).resolves.toBe(1);

    // Download: the RJR header first.
    await row.getByRole('button', { name: /^Actions for rjr/ }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^700100_\d{8}_\d{4}_QuickStop\.txt$/);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text.startsWith(`${RJR_FIELDS.join('|')}\n`)).toBe(true);
    expect(text.split('\n').filter(Boolean).length).toBeGreaterThan(10);

    // Mark submitted, confirmed; Generate is no longer offered.
    await row.getByRole('button', { name: /^Actions for rjr/ }).click();
    await page.getByRole('menuitem', { name: 'Mark submitted' }).click();
    const submit = page.getByRole('dialog', { name: 'Mark submitted' });
    await submit.getByRole('button', { name: 'Mark submitted' }).click();
    await submit.waitFor({ state: 'hidden' });
    await row.getByText('submitted', { exact: true }).waitFor();
    await row.getByRole('button', { name: /^Actions for rjr/ }).click();
    await page.getByRole('menuitem', { name: 'Record rejection' }).waitFor();
    await expect(page.getByRole('menuitem', { name: /generate/i }).count()).resolves.toBe(0);
    await browser.screenshot(page, `web-scandata-${engine}`);
  }, 30_000);
});
