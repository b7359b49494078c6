import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { configMarkdownTable, describeConfig, ENV_SCHEMA, loadConfig } from '../../src/config.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/tillpoint.mjs');
const SECRET_KEY = 'c0ffee'.repeat(10) + 'c0de';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the configuration', () => {
  it('is documented by one README table, the one generated from the schema', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const m = /<!-- config-table:start -->\n([\s\S]*?)<!-- config-table:end -->/.exec(readme);
    expect(m, 'README.md has the config-table markers').not.toBeNull();
    expect(m![1], 'regenerate with `npx tillpoint config --markdown`').toBe(configMarkdownTable());
  });

  it('is read from the environment in src/config.ts only, and every variable in it has a description', () => {
    const readers = sourceFiles(join(ROOT, 'src')).filter((f) => /process\.env\b/.test(readFileSync(f, 'utf8')));
    expect(readers.map((f) => f.slice(ROOT.length))).toEqual(['src/config.ts']);
    for (const [name, schema] of Object.entries(ENV_SCHEMA.properties)) expect((schema as { description?: string }).description, name).toBeTruthy();
  });

  it('has a default for everything, so an empty environment starts', () => {
    expect(loadConfig({}, {})).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: 'sqlite:./data/tillpoint.db',
      secretKey: null,
      sync: { defaultTime: '03:00', concurrency: 4 },
      rjr: { baseUrl: 'http://127.0.0.1:4010', provider: null, timeoutMs: 10_000, maxRetries: 3 },
      scheduler: { enabled: true, pgBossSchema: null },
      guest: { loginSender: 'log', sessionTtlSeconds: 30 * 86_400, idp: null },
    });
  });

  it('refuses a bad value with a message naming the variable, the value and what it must be', () => {
    expect(() => loadConfig({}, { PORT: 'abc' })).toThrow(/^PORT "abc" is not valid: must be a whole number from 0 to 65535$/);
    expect(() => loadConfig({ port: '99999' }, {})).toThrow(/PORT \(--port\) "99999"/);
    expect(() => loadConfig({}, { TILLPOINT_SYNC_CONCURRENCY: '0' })).toThrow(/TILLPOINT_SYNC_CONCURRENCY "0"/);
    expect(() => loadConfig({}, { TILLPOINT_RJR_TIMEOUT_MS: '1.5' })).toThrow(/TILLPOINT_RJR_TIMEOUT_MS "1.5"/);
    expect(() => loadConfig({}, { TILLPOINT_OTP_TTL_SECONDS: '1e3' })).toThrow(/TILLPOINT_OTP_TTL_SECONDS/);
    expect(() => loadConfig({}, { TILLPOINT_SCHEDULER: 'maybe' })).toThrow(/TILLPOINT_SCHEDULER "maybe" is not valid: must be one of on, off/);
    expect(() => loadConfig({}, { TILLPOINT_SECRET_KEY: 'short' })).toThrow(/TILLPOINT_SECRET_KEY "short"/);
    expect(() => loadConfig({}, { TILLPOINT_RJR_BASE_URL: 'ftp://x' })).toThrow(/TILLPOINT_RJR_BASE_URL "ftp:\/\/x" is not valid: must be an http\(s\) URL/);
    expect(() => loadConfig({}, { TILLPOINT_GUEST_JWT_ISSUER: 'https://id.example.test/' })).toThrow(/go together/);
    // every bad variable at once, not one per start
    expect(() => loadConfig({}, { PORT: 'x', LOG_LEVEL: 'loud' })).toThrow(/PORT "x".*; LOG_LEVEL "loud"/);
  });

  it('reads values as typed: whole numbers, booleans and choices in any case', () => {
    const config = loadConfig(
      {},
      {
        TILLPOINT_SYNC_CONCURRENCY: ' 8 ',
        TILLPOINT_ALLOW_LOG_SENDER_IN_PRODUCTION: 'TRUE',
        NODE_ENV: 'production',
        TILLPOINT_SCHEDULER: 'OFF',
        TILLPOINT_RJR_BASE_URL: 'https://rjr.example.test/',
      },
    );
    expect(config).toMatchObject({ production: true, sync: { concurrency: 8 }, scheduler: { enabled: false }, rjr: { baseUrl: 'https://rjr.example.test' } });
  });

  it('describes the effective values with secrets masked and where each came from', () => {
    const entries = describeConfig(
      { port: 8080 },
      { TILLPOINT_SECRET_KEY: SECRET_KEY, TILLPOINT_RJR_CLIENT_SECRET: 'provider-secret-value', TILLPOINT_SYNC_TIME: '04:30' },
    );
    const byName = Object.fromEntries(entries.map((e) => [e.name, e]));
    expect(Object.keys(byName)).toEqual(Object.keys(ENV_SCHEMA.properties));
    expect(byName.TILLPOINT_SECRET_KEY).toMatchObject({ value: '••••c0de', source: 'env', secret: true });
    expect(byName.TILLPOINT_RJR_CLIENT_SECRET).toMatchObject({ value: '••••alue', secret: true });
    expect(byName.TILLPOINT_SYNC_TIME).toMatchObject({ value: '04:30', source: 'env' });
    expect(byName.PORT).toMatchObject({ value: '8080', source: 'flag' });
    expect(byName.HOST).toMatchObject({ value: '127.0.0.1', source: 'default' });
    expect(JSON.stringify(entries)).not.toContain(SECRET_KEY.slice(0, 16));
  });

  it('is printed by `tillpoint config`, secrets masked', async () => {
    const env = {
      PATH: process.env.PATH ?? '',
      TILLPOINT_SECRET_KEY: SECRET_KEY,
      TILLPOINT_METRICS_TOKEN: 'metrics-token-0123456789abcdef',
      TILLPOINT_SYNC_CONCURRENCY: '2',
    };
    const run = promisify(execFile);
    const json = JSON.parse((await run(process.execPath, [BIN, 'config', '--json'], { env })).stdout) as Record<string, string | null>;
    expect(json).toMatchObject({
      TILLPOINT_SECRET_KEY: '••••c0de',
      TILLPOINT_METRICS_TOKEN: '••••cdef',
      TILLPOINT_SYNC_CONCURRENCY: '2',
      PORT: '3000',
      TILLPOINT_PUBLIC_URL: null,
    });
    const text = (await run(process.execPath, [BIN, 'config', '--port', '4000'], { env })).stdout;
    expect(text).toMatch(/^PORT\s+4000\s+\(flag\)$/m);
    expect(text).not.toContain(SECRET_KEY.slice(0, 16));
    await expect(run(process.execPath, [BIN, 'config'], { env: { ...env, TILLPOINT_SYNC_TIME: '3am' } })).rejects.toMatchObject({
      stderr: expect.stringMatching(/TILLPOINT_SYNC_TIME "3am" is not valid: must be HH:MM/),
    });
  }, 120_000);
});
