import { genericDialect } from '../generic.dialect.ts';

export const TILLSTER = 'tillster';

/**
 * Tillster kiosks (docs/pos/tillster.md): the generic shapes exactly (`generic.dialect.ts`), with
 * the PLUs of the key's `tillster` vendor config — give it the PLUs the store's POS rings.
 * `supportingPos` names that POS and changes nothing. A Tillster kiosk selling under a Winrest
 * store's key is answered by the Winrest dialect, as a kiosk (no offers).
 */
export const tillsterDialect = genericDialect(TILLSTER);
