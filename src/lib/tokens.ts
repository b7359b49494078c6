/**
 * Prefixes of the secrets Tillpoint issues, one per kind, so that secret scanners (and people
 * reading a log line or a leaked file) can tell which kind of credential they found and where to
 * revoke it. The part after the prefix is random (base64url); Tillpoint stores only its SHA-256.
 *
 * | prefix   | what                     | revoke with                                           |
 * |----------|--------------------------|-------------------------------------------------------|
 * | `tpk_`   | POS API key (`tpk_<environment>_<vendor>_…`) | `POST /admin/v1/programs/{p}/keys/{id}/revoke` |
 * | `tpa_`   | admin session token      | `POST /admin/v1/auth/logout`                          |
 * | `tpg_`   | guest session token      | `POST /app/v1/{program}/auth/logout`                  |
 * | `tpagt_` | c-store POS agent token  | issue a new one: `POST /admin/v1/cstore/locations/{id}/agent-token` |
 * | `whsec_` | webhook signing secret   | `POST /admin/v1/programs/{p}/webhooks/{id}/rotate-secret` |
 */
export const TOKEN_PREFIX = {
  posKey: 'tpk_',
  admin: 'tpa_',
  guest: 'tpg_',
  agent: 'tpagt_',
  webhookSecret: 'whsec_',
} as const;

/**
 * Agent tokens issued before agents had their own prefix carried the guest prefix. They keep
 * working (they are looked up by hash) until the location's token is re-issued.
 */
export const LEGACY_AGENT_TOKEN_PREFIX = 'tpg_';
