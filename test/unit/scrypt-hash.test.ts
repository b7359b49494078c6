import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/app/admin-auth.service.ts';
import { scryptHash, scryptVerify } from '../../src/lib/scrypt-hash.ts';

const FAST = { N: 2 ** 10, r: 8, p: 1, keylen: 32 };

describe('scrypt hashes: one writer, both stored forms still verify', () => {
  it('writes scrypt$N$r$p$salt$hash and verifies it', async () => {
    const stored = await scryptHash('123456', FAST);
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await scryptVerify('123456', stored)).toBe(true);
    expect(await scryptVerify('123457', stored)).toBe(false);
  });

  it('still verifies a short-form scrypt$salt$hash written before (guest login codes), with the parameters it was written with', async () => {
    const salt = randomBytes(16);
    const hash = scryptSync('654321', salt, 32, { N: 2 ** 14, r: 8, p: 1 });
    const old = `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
    expect(await scryptVerify('654321', old, { N: 2 ** 14, r: 8, p: 1 })).toBe(true);
    expect(await scryptVerify('654320', old, { N: 2 ** 14, r: 8, p: 1 })).toBe(false);
    // without the legacy parameters the short form is not accepted
    expect(await scryptVerify('654321', old)).toBe(false);
  });

  it('refuses what is not a scrypt hash', async () => {
    expect(await scryptVerify('x', 'bcrypt$abc')).toBe(false);
    expect(await scryptVerify('x', 'scrypt$1$2')).toBe(false);
    expect(await scryptVerify('x', '')).toBe(false);
  });

  it('admin passwords use the same writer, and a stored admin hash keeps verifying', async () => {
    const stored = await hashPassword('a long enough password');
    expect(stored.split('$')).toHaveLength(6);
    expect(await verifyPassword('a long enough password', stored)).toBe(true);
    expect(await verifyPassword('another password', stored)).toBe(false);
  });
});
