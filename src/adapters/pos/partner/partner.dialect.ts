import { genericDialect } from '../generic.dialect.ts';

export const PARTNER = 'partner';

/**
 * Partner integrations (the reference integration of Loyalty API v1): the generic shapes exactly
 * (`generic.dialect.ts`), with the PLUs of the key's `partner` vendor config.
 */
export const partnerDialect = genericDialect(PARTNER);
