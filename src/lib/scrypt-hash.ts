import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (
  secret: string,
  salt: Buffer,
  keylen: number,
  opts: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** scrypt cost parameters; stored with every hash, so they can rise without invalidating old hashes. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  keylen: number;
}

const MAXMEM = 64 * 1024 * 1024;

/**
 * The one writer of secret hashes (admin passwords, guest login codes):
 * `scrypt$N$r$p$salt$hash`, salt and hash in base64.
 *
 * @example
 * const stored = await scryptHash('correct horse battery', { N: 2 ** 15, r: 8, p: 3, keylen: 32 });
 * await scryptVerify('correct horse battery', stored); // → true
 */
export async function scryptHash(secret: string, params: ScryptParams): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(secret, salt, params.keylen, { N: params.N, r: params.r, p: params.p, maxmem: MAXMEM });
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/**
 * Whether `secret` matches `stored`, in constant time. Reads `scrypt$N$r$p$salt$hash` and the older
 * short form `scrypt$salt$hash` (guest login codes written before one writer), whose parameters
 * were not stored: `legacy` gives them.
 */
export async function scryptVerify(secret: string, stored: string, legacy?: Omit<ScryptParams, 'keylen'>): Promise<boolean> {
  const parts = stored.split('$');
  let params: Omit<ScryptParams, 'keylen'>;
  let salt: string | undefined;
  let hash: string | undefined;
  if (parts[0] !== 'scrypt') return false;
  if (parts.length === 6) {
    params = { N: Number(parts[1]), r: Number(parts[2]), p: Number(parts[3]) };
    [salt, hash] = [parts[4], parts[5]];
  } else if (parts.length === 3 && legacy) {
    params = legacy;
    [salt, hash] = [parts[1], parts[2]];
  } else {
    return false;
  }
  if (!salt || !hash || !Number.isInteger(params.N) || !Number.isInteger(params.r) || !Number.isInteger(params.p)) return false;
  const expected = Buffer.from(hash, 'base64');
  if (expected.length === 0) return false;
  const actual = await scrypt(secret, Buffer.from(salt, 'base64'), expected.length, { ...params, maxmem: MAXMEM });
  return timingSafeEqual(actual, expected);
}
