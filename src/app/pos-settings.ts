import { invalidField } from '../errors.ts';
import type { PosSettings } from './model.ts';

const PLU = /^\S{1,64}$/;

/**
 * Checks a program's per vendor POS settings: vendor names as keys, each with an optional list of
 * generic discount PLUs (non-blank, no spaces, at most 64 characters, none twice). Throws a
 * ValidationError naming the first bad field.
 *
 * @example validatePosSettings({ winrest: { genericDiscountPlus: ['990001'] } })
 */
export function validatePosSettings(settings: PosSettings, at = 'posSettings'): void {
  for (const [vendor, s] of Object.entries(settings)) {
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,39}$/.test(vendor)) throw invalidField(`${at}.${vendor}`, 'must be named by a POS vendor (letters, digits, - or _)');
    const plus = s.genericDiscountPlus ?? [];
    const seen = new Set<string>();
    plus.forEach((plu, i) => {
      if (!PLU.test(plu)) throw invalidField(`${at}.${vendor}.genericDiscountPlus[${i}]`, 'must be a PLU: 1 to 64 characters without spaces');
      if (seen.has(plu)) throw invalidField(`${at}.${vendor}.genericDiscountPlus[${i}]`, `"${plu}" is listed twice`);
      seen.add(plu);
    });
  }
}

/** As stored: vendors in lower case (as vendor configs are keyed), vendors without settings left out. */
export function normalizePosSettings(settings: PosSettings): PosSettings {
  const out: PosSettings = {};
  for (const [vendor, s] of Object.entries(settings)) {
    const plus = s.genericDiscountPlus ?? [];
    if (plus.length > 0) out[vendor.trim().toLowerCase()] = { genericDiscountPlus: [...plus] };
  }
  return out;
}
