import { Placeholder } from '../../shell/Placeholder';

/** Programs, stores, POS keys, users and roles, webhooks, audit log. */
export default function SettingsScreen() {
  return <Placeholder title="Programs, stores, keys, users, webhooks, audit">Create and edit programs and stores, issue and revoke POS keys, manage users and roles and webhooks, and read the audit log.</Placeholder>;
}
