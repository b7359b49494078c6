import { describe, expect, it } from 'vitest';
import { addTerm } from '../../src/app/cstore/locations.service.ts';
import { loadConfig } from '../../src/config.ts';
import { loadSecretKey } from '../../src/lib/secret-key.ts';
import { SecretBox, maskSecret } from '../../src/lib/secret-box.ts';

describe('sealed credentials', () => {
  const box = SecretBox.fromKeyText('0123456789abcdef'.repeat(4));

  it('open what they sealed, with a fresh IV each time', () => {
    const a = box.seal('sim-chain-secret');
    const b = box.seal('sim-chain-secret');
    expect(a).not.toBe(b);
    expect(a).not.toContain('sim-chain-secret');
    expect(box.open(a)).toBe('sim-chain-secret');
  });

  it('refuse a tampered value or another key', () => {
    const sealed = box.seal('secret-value');
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0]! ^= 1;
    expect(() => box.open([parts[0], parts[1], parts[2], ct.toString('base64url')].join('.'))).toThrow();
    expect(() => SecretBox.fromKeyText('another passphrase, long enough').open(sealed)).toThrow();
  });

  it('take 64 hex, 32 base64 bytes or a long passphrase, and nothing shorter', () => {
    expect(() => SecretBox.fromKeyText(Buffer.alloc(32, 7).toString('base64'))).not.toThrow();
    expect(() => SecretBox.fromKeyText('short')).toThrow(/at least 16/);
  });

  it('mask to the last four characters, or none of a short value', () => {
    expect(maskSecret('sim-chain-secret')).toBe('••••cret');
    expect(maskSecret('700100')).toBe('••••');
  });

  it('need a key in production, and warn in development', () => {
    expect(() => loadSecretKey({ keyText: null, production: true })).toThrow(/TILLPOINT_SECRET_KEY is required/);
    expect(loadSecretKey({ keyText: 'x'.repeat(20), production: false }).isDevDefault).toBe(false);
    const warnings: string[] = [];
    expect(loadSecretKey({ keyText: null, production: false, warn: (m) => warnings.push(m) }).isDevDefault).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/TILLPOINT_SECRET_KEY is not set/)]);
    expect(() => loadConfig({}, { TILLPOINT_SYNC_TIME: '25:00' })).toThrow(/TILLPOINT_SYNC_TIME "25:00".*HH:MM/);
  });
});

describe('license terms', () => {
  it('run a calendar month or year from the start, clamped to the month’s last day', () => {
    expect(addTerm('2026-01-31T10:00:00.000Z', '1m')).toBe('2026-02-28T10:00:00.000Z');
    expect(addTerm('2026-12-15T00:00:00.000Z', '1m')).toBe('2027-01-15T00:00:00.000Z');
    expect(addTerm('2028-02-29T00:00:00.000Z', '1y')).toBe('2029-02-28T00:00:00.000Z');
  });
});
