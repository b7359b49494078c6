import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { Engine } from '../../src/adapters/db/database.ts';
import { ENGINES } from './engines.ts';
import { type ServerProcess, type ServersInTurn, serversInTurn } from './server-process.ts';

/** Debian's Chromium; CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = new URL('../../test-results/', import.meta.url).pathname;

export interface TestBrowser {
  browser: Browser;
  /** a fresh context (own sessionStorage and downloads) with one page, laptop-sized unless told */
  page(viewport?: { width: number; height: number }): Promise<Page>;
  /** saves test-results/<name>.png of the page as it is now */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

/** One headless Chromium per test file, reused by its tests; each page gets its own context. */
export async function launchBrowser(): Promise<TestBrowser> {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-quic',
    '--no-first-run',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
  ];
  // Playwright gives every launch a fresh temporary user-data-dir and removes it on close.
  // Chromium hangs under libfaketime (npm run test:next-year): it runs on the real clock. Time in
  // the page is only shown, never decided on; the server keeps the clock the test gave it.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'LD_PRELOAD' && !k.startsWith('FAKETIME')) env[k] = v;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args, env });
  const contexts: BrowserContext[] = [];
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    browser,
    async page(viewport = { width: 1280, height: 800 }) {
      const ctx = await browser.newContext({ viewport, acceptDownloads: true, reducedMotion: 'reduce' });
      contexts.push(ctx);
      return ctx.newPage();
    },
    async screenshot(page, name) {
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
    },
  };
}

/** Signs in through the sign-in form and waits for the navigation. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string, path = '/admin/'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByRole('textbox', { name: 'E-mail' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Screens' }).waitFor();
}

/** Picks a program in the header's program selector by its name. */
export async function chooseProgram(page: Page, name: string): Promise<void> {
  await page.getByRole('combobox', { name: 'Program' }).click();
  await page.getByRole('option', { name }).click();
}

/**
 * A browser test file's fixtures: one Chromium for every engine (each page has its own context) and
 * one `serve --demo` per engine, started in turn (`serversInTurn`: the first boots while Chromium
 * launches, the next while the previous engine's tests run). Registers the file's beforeAll and
 * afterAll; call it at the top level, after any hook whose result `start` needs.
 */
export function browserAndServers(start: (engine: Engine) => Promise<ServerProcess>): { browser: TestBrowser; servers: ServersInTurn } {
  let launched: TestBrowser | null = null;
  const servers = serversInTurn(ENGINES, start);
  beforeAll(async () => {
    void servers.get(ENGINES[0]!).catch(() => undefined);
    launched = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await launched?.close();
    await servers.stopAll();
  });
  const ready = (): TestBrowser => {
    if (!launched) throw new Error('Chromium is not launched yet: use the browser inside a test or hook');
    return launched;
  };
  const browser: TestBrowser = {
    get browser() {
      return ready().browser;
    },
    page: (viewport) => ready().page(viewport),
    screenshot: (page, name) => ready().screenshot(page, name),
    close: () => ready().close(),
  };
  return { browser, servers };
}
