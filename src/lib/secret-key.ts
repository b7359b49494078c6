import { SecretBox } from './secret-box.ts';

/** The development key when `TILLPOINT_SECRET_KEY` is unset (refused in production). */
const DEV_KEY_PASSPHRASE = 'tillpoint-development-secret-key-do-not-use-in-production';

export interface SecretKey {
  /** seals and opens every secret kept at rest: webhook signing secrets, manufacturer credentials */
  box: SecretBox;
  /** true when no key was configured and the development key is in use */
  isDevDefault: boolean;
}

/**
 * The one loader of `TILLPOINT_SECRET_KEY` (32 bytes as 64 hex characters or base64, or a
 * passphrase of 16+ characters). Every encrypted secret (webhook signing secrets, RJR client
 * secrets) is sealed with the box it answers. Without a key a development key is used and `warn`
 * says so; in production a missing key stops the start.
 *
 * @example
 * const key = loadSecretKey({ keyText: config.secretKey, production: config.production, warn: (m) => log.warn(m) });
 * key.box.seal('client-secret') // → 'v1.…'
 */
export function loadSecretKey(opts: { keyText: string | null; production: boolean; warn?: (message: string) => void }): SecretKey {
  if (!opts.keyText) {
    if (opts.production)
      throw new Error(
        'TILLPOINT_SECRET_KEY is required in production (32 bytes as 64 hex characters, or a long passphrase): it seals webhook secrets and manufacturer credentials',
      );
    opts.warn?.(
      'TILLPOINT_SECRET_KEY is not set; webhook secrets and manufacturer credentials are sealed with a development key. Set it before storing real ones.',
    );
    return { box: SecretBox.fromKeyText(DEV_KEY_PASSPHRASE), isDevDefault: true };
  }
  return { box: SecretBox.fromKeyText(opts.keyText), isDevDefault: false };
}
