import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { normalizer, parseGuide, runGuide } from './guide-runner.ts';

/**
 * The POS integration guides cannot go stale: every titled bash block of `docs/pos/<vendor>.md`
 * runs, in order, in one bash session against a real `tillpoint serve --demo` process on a fresh
 * SQLite database and a free port, and each answer it prints must equal the JSON the guide shows
 * (ids, receipt codes and time stamps compared by position, see `normalizer`).
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const GUIDES = [
  {
    file: 'docs/pos/ncr.md',
    calls: ['/loyalty/identify', 'PUT "$TILLPOINT/loyalty/transaction/pos/$TXN"', '/void', '"$TILLPOINT/loyalty/transaction/pos"'],
    statuses: ['PENDING', 'CLAIMED'],
  },
  {
    file: 'docs/pos/winrest.md',
    calls: [
      '/loyalty/identify',
      '/loyalty/transaction/pos/validate/',
      'PUT "$TILLPOINT/loyalty/transaction/pos/$TXN"',
      '/void',
      '"$TILLPOINT/loyalty/transaction/pos"',
    ],
    statuses: ['CLAIMED'],
  },
  {
    file: 'docs/pos/tillster.md',
    calls: [
      '/loyalty/identify',
      '/loyalty/transaction/pos/validate/',
      'PUT "$TILLPOINT/loyalty/transaction/pos/$TXN"',
      '/void',
      '"$TILLPOINT/loyalty/transaction/pos"',
    ],
    statuses: ['PENDING', 'CLAIMED'],
  },
];

describe.each(GUIDES)('$file', ({ file, calls, statuses }) => {
  const markdown = readFileSync(`${ROOT}${file}`, 'utf8');
  const blocks = parseGuide(markdown);
  let server: ServerProcess;

  beforeAll(async () => {
    // Claim URLs on receipts read as they do under `npm start`.
    // the POS guides use the restaurant demo only: no c-store chain, simulator or week of sales
    server = await startServer(undefined, { TILLPOINT_PUBLIC_URL: 'http://127.0.0.1:3000', TILLPOINT_DEMO_CSTORE: 'off' });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('draws the call sequence as a Mermaid sequence diagram', () => {
    expect(markdown).toMatch(/```mermaid\nsequenceDiagram\n/);
  });

  it('shows every call a POS makes, each curl example followed by its answer', () => {
    const code = blocks.map((b) => b.code).join('\n');
    for (const call of calls) expect(code, `the guide calls ${call}`).toContain(call);
    for (const status of statuses) expect(code, `the guide sends status ${status}`).toContain(`"status": "${status}"`);
    for (const b of blocks.filter((x) => x.code.includes('curl -s'))) {
      expect(b.answer, `"${b.title}" (line ${b.line}) shows its answer`).not.toBeNull();
    }
  });

  it('runs every example against the demo server and gets the answers the guide shows', async () => {
    const outputs = await runGuide(blocks, { cwd: ROOT, env: { TILLPOINT: server.url, TILLPOINT_DATABASE_URL: server.databaseUrl } });
    const documented = normalizer();
    const actual = normalizer();
    blocks.forEach((b, i) => {
      if (b.answer === null) return;
      const expected = documented(JSON.parse(b.answer));
      let got: unknown;
      try {
        got = JSON.parse(outputs[i]!);
      } catch {
        throw new Error(`"${b.title}" (line ${b.line}) printed no JSON:\n${outputs[i]}`);
      }
      expect(actual(got), `answer of "${b.title}" (${file} line ${b.line})`).toEqual(expected);
    });
  }, 180_000);
});
