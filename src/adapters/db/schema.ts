/**
 * Table types for Kysely. Both engines store the same shapes: ids are UUID text, timestamps are
 * ISO-8601 UTC text (sortable, identical on SQLite and PostgreSQL), money and points are integers,
 * flags are 0/1 integers and structured values are JSON text.
 */
export interface ProgramTable {
  id: string;
  slug: string;
  name: string;
  currency: string;
  earn_rate_milli: number;
  min_spend_cents: number;
  /** JSON: { kind: 'inactivity', days } | { kind: 'monthly-buckets', months } */
  expiry_policy: string;
  claim_window_days: number;
  /** JSON: { [vendor | 'default']: { claimed?: template, unclaimed?: template } } */
  receipt_templates: string;
  public_url: string | null;
  created_at: string;
}

export interface StoreTable {
  id: string;
  program_id: string;
  external_id: string;
  name: string;
  time_zone: string;
  loyalty_enabled: number;
  created_at: string;
}

export interface ApiKeyTable {
  id: string;
  program_id: string;
  vendor: string;
  environment: string;
  /** sha256 of the key; the key itself is shown once and never stored. */
  key_hash: string;
  key_prefix: string;
  created_at: string;
  revoked_at: string | null;
}

export interface GuestTable {
  id: string;
  program_id: string;
  name: string;
  email: string | null;
  /** Kept in step with points_ledger inside the same database transaction. */
  balance: number;
  last_activity_at: string | null;
  created_at: string;
}

export interface IncentiveTable {
  id: string;
  program_id: string;
  kind: 'REWARD' | 'OFFER';
  name: string;
  point_cost: number;
  /** JSON RuleRef[] */
  rules: string;
  /** JSON { [vendor]: PluConfig } */
  vendor_configs: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface OtpCodeTable {
  id: string;
  program_id: string;
  guest_id: string;
  code: string;
  /** JSON incentive ids pre-selected in the app */
  selections: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  /** storeId|terminal|transactionId of the POS sale that used it */
  used_pos_key: string | null;
  used_transaction_id: string | null;
}

export type TransactionStatus = 'OPEN' | 'PENDING' | 'CLAIMED' | 'VOIDED' | 'UNCLAIMED';

export interface LoyaltyTransactionTable {
  id: string;
  program_id: string;
  store_id: string;
  guest_id: string | null;
  status: TransactionStatus;
  /** vendor whose dialect and PLUs this sale speaks */
  pos_vendor: string;
  pos_type: string;
  pos_key: string;
  /** 'U|' + pos_key for unclaimed sales (unique: a repeated POST returns the same sale); else null */
  dedupe_key: string | null;
  terminal: string;
  pos_transaction_id: string;
  operator: string | null;
  matching_id: string | null;
  /** JSON incentive ids pre-selected with the code */
  selections: string;
  service_mode: string | null;
  channel: string | null;
  /** JSON of the last canonical cart received */
  cart: string | null;
  subtotal_cents: number;
  points_earned: number;
  points_redeemed: number;
  /** points a PENDING update holds for the rewards in the basket */
  reserved_points: number;
  /** what an unclaimed sale would earn when claimed by receipt code */
  earnable_points: number;
  receipt_code: string;
  /** sha256 of the CLAIMED request body, for idempotent retries */
  claim_hash: string | null;
  /** JSON answer to the CLAIMED update, returned again on retries */
  claim_response: string | null;
  created_at: string;
  updated_at: string;
  claimed_at: string | null;
  voided_at: string | null;
}

export type LedgerKind = 'EARN' | 'REDEEM' | 'VOID_EARN' | 'VOID_REDEEM' | 'ADJUST' | 'EXPIRE';

/** Append-only. Never updated, never deleted. */
export interface PointsLedgerTable {
  id: string;
  program_id: string;
  guest_id: string;
  transaction_id: string | null;
  kind: LedgerKind;
  points: number;
  balance_after: number;
  reason: string | null;
  created_at: string;
}

export interface RedemptionTable {
  id: string;
  program_id: string;
  guest_id: string;
  transaction_id: string;
  incentive_id: string;
  kind: 'REWARD' | 'OFFER';
  quantity: number;
  points: number;
  created_at: string;
  voided_at: string | null;
}

export type AdminRole = 'owner' | 'program_manager' | 'support' | 'read_only';

export interface AdminUserTable {
  id: string;
  email: string;
  name: string;
  /** scrypt$N$r$p$salt$hash (memory-hard) */
  password_hash: string;
  role: AdminRole;
  /** JSON: program ids this user may see, or ["*"] for every program */
  program_ids: string;
  created_at: string;
  disabled_at: string | null;
}

export interface AdminSessionTable {
  id: string;
  user_id: string;
  /** sha256 of the bearer token */
  token_hash: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export type EventType = 'transaction.claimed' | 'transaction.voided' | 'points.adjusted' | 'points.expired' | 'receipt.claimed';

/** Written in the same database transaction as the change it announces; delivery reads it. */
export interface OutboxEventTable {
  id: string;
  program_id: string;
  type: EventType;
  /** JSON */
  payload: string;
  created_at: string;
}

/** Append-only record of every admin write and manual points adjustment. */
export interface AuditLogTable {
  id: string;
  program_id: string | null;
  actor_type: 'admin' | 'system' | 'guest' | 'cli';
  actor_id: string;
  action: string;
  entity_type: string;
  entity_id: string;
  /** JSON or null */
  before: string | null;
  after: string | null;
  reason: string | null;
  created_at: string;
}

export interface Database {
  outbox_events: OutboxEventTable;
  audit_log: AuditLogTable;
  admin_users: AdminUserTable;
  admin_sessions: AdminSessionTable;
  programs: ProgramTable;
  stores: StoreTable;
  api_keys: ApiKeyTable;
  guests: GuestTable;
  incentives: IncentiveTable;
  otp_codes: OtpCodeTable;
  loyalty_transactions: LoyaltyTransactionTable;
  points_ledger: PointsLedgerTable;
  redemptions: RedemptionTable;
}
