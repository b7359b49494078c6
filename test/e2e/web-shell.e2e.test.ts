import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_EMAIL, demoAdminPassword } from '../../src/demo/seed.ts';
import { launchBrowser, signIn, type TestBrowser } from '../support/browser.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';

/** The shell against the loyalty demo only (`TILLPOINT_DEMO_CSTORE=off`): its screen list does not depend on c-store data. */
describe('the back office shell in Chromium', () => {
  let server: ServerProcess;
  let browser: TestBrowser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(undefined, { TILLPOINT_SCHEDULER: 'off', TILLPOINT_DEMO_CSTORE: 'off' }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs in with the demo owner and lists every screen', async () => {
    const page = await browser.page();
    await signIn(page, server.url, DEMO_ADMIN_EMAIL, demoAdminPassword(), '/');
    const nav = page.getByRole('navigation', { name: 'Screens' });
    for (const label of [
      'Cash Register Updates',
      'Locations & licenses',
      'Scan data',
      'Rewards & offers',
      'Guests',
      'Transactions',
      'Dashboard',
      'Programs, stores, keys, users, webhooks, audit',
      'Exports',
    ]) {
      await expect(nav.getByRole('link', { name: new RegExp(label.replace(/[&,]/g, '.')) }).count()).resolves.toBe(1);
    }
    expect(new URL(page.url()).pathname).toBe('/admin/register-updates');
    await browser.screenshot(page, 'shell-signed-in');
  });

  it('signs in from the keyboard alone, and says why a wrong password fails', async () => {
    const page = await browser.page();
    await page.goto(`${server.url}/admin/`);
    await page.getByRole('textbox', { name: 'E-mail' }).focus();
    await page.keyboard.type(DEMO_ADMIN_EMAIL);
    await page.keyboard.press('Tab');
    await expect(page.getByRole('textbox', { name: 'Password' }).evaluate((el) => el.ownerDocument.activeElement === el)).resolves.toBe(true);
    await page.keyboard.type('not-the-password');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Wrong e-mail or password');
    await browser.screenshot(page, 'shell-wrong-password');
  });
});
