import type { Generated } from 'kysely';
import type { AdminRole } from '../../domain/admin-role.ts';
import type { BatchState } from '../../domain/batch-state.ts';
import type { ChangeStatus } from '../../domain/change-status.ts';
import type { DeliveryStatus } from '../../domain/delivery-status.ts';
import type { EventType } from '../../domain/event-type.ts';
import type { IntegrationStatus } from '../../domain/integration-status.ts';
import type { LedgerKind } from '../../domain/ledger-kind.ts';
import type { PosSystem } from '../../domain/pos-system.ts';
import type { RegisterIdMode } from '../../domain/register-id-mode.ts';
import type { SyncRunStatus } from '../../domain/sync-run-status.ts';
import type { TransactionStatus } from '../../domain/transaction-status.ts';

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
  /** JSON TierConfig { windowDays, tiers: [{ name, minPoints }] }; null/absent = no tiers (0004) */
  tier_config?: string | null;
  /** JSON PosSettings { [vendor]: { genericDiscountPlus?: string[] } }; null/absent = none (0008) */
  pos_settings?: string | null;
  /** JSON LoginEmailTemplate { subject?, text? }; null/absent = the default wording (0014) */
  login_email?: string | null;
}

export interface StoreTable {
  id: string;
  program_id: string;
  external_id: string;
  name: string;
  time_zone: string;
  loyalty_enabled: number;
  created_at: string;
  /** JSON string[]: the groups (regions, franchisees …) the store belongs to; null = none */
  store_groups: string | null;
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
  /** YYYY-MM-DD for birthday rules; null/absent = not given (0004) */
  birthdate?: string | null;
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
  /** JSON RuleResults (domain/rule-results.ts) of the last validate, PENDING or CLAIMED evaluation; null before */
  rule_results: string | null;
  created_at: string;
  updated_at: string;
  claimed_at: string | null;
  voided_at: string | null;
}

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
  /** JSON string[]: referenceIds of the cart lines that redeemed it (0004) */
  line_refs: string | null;
  /** how many of `quantity` partial refunds gave back (0004) */
  returned_quantity: Generated<number>;
}

/** A partial refund of a CLAIMED sale (0004); idempotent by (transaction, refund_key). */
export interface RefundTable {
  id: string;
  program_id: string;
  transaction_id: string;
  guest_id: string | null;
  /** the POS's refund id (refundId), the idempotency key */
  refund_key: string;
  /** sha256 of the canonical refunded lines: the same refundId with other lines is refused */
  request_hash: string;
  /** JSON [{ referenceId, quantity }] */
  lines: string;
  goods_cents: number;
  points_reversed: number;
  points_returned: number;
  /** JSON answer, returned again on retries */
  response: string;
  created_at: string;
}

/** One per program and UTC day the expiry job ran (0004): a finished row makes a rerun a no-op. */
export interface ExpiryRunTable {
  id: string;
  program_id: string;
  run_date: string;
  /** JSON ExpiryPolicy at the time of the run */
  policy: string;
  /** credits before this instant could expire in this run (expiryCutoff) */
  cutoff: string;
  started_at: string;
  finished_at: string | null;
  guests_expired: number;
  points_expired: number;
}

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

/** Written in the same database transaction as the change it announces; delivery reads it. */
export interface OutboxEventTable {
  id: string;
  program_id: string;
  type: EventType;
  /** JSON */
  payload: string;
  created_at: string;
  /** when the delivery worker fanned it out to the subscribed webhooks; null = not yet */
  dispatched_at: string | null;
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

// ---- convenience stores: manufacturer promotions (issue 5) ----

/** A c-store location (a "station") of a program (the chain). */
export interface LocationTable {
  id: string;
  program_id: string;
  name: string;
  address: string;
  time_zone: string;
  pos_system: PosSystem;
  /** JSON: { [manufacturer]: outletId } */
  outlet_ids: string;
  auto_accept: number;
  integration_status: IntegrationStatus;
  /** HH:MM store-local daily sync time; null = the deployment default */
  sync_time: string | null;
  /** folder the location's batches are also written to, or null */
  outbox_dir: string | null;
  /** why the manufacturer refused this outlet (403); null when fine */
  enrollment_error: string | null;
  enrollment_error_at: string | null;
  /** sha256 of the POS agent's token; the token is shown once */
  agent_token_hash: string | null;
  agent_token_prefix: string | null;
  /** last update-batch sequence number issued for this location */
  batch_seq: number;
  created_at: string;
  updated_at: string;
  /** the store number the register knows itself by (NAXML StoreLocationID); null = the location id */
  register_store_id: string | null;
  /** `manufacturer`: promotions filed under the manufacturer's id; `numeric`: numbers from location_register_ids */
  register_ids: RegisterIdMode;
  /** first number handed out in numeric mode */
  register_id_start: number;
}

/** The number a register files one promotion (its mix-match and its item list) under, per location. */
export interface LocationRegisterIdTable {
  location_id: string;
  manufacturer: string;
  external_id: string;
  register_no: number;
  created_at: string;
}

/** A c-store POS transaction as reported (migration 0012); unique per location + register + POS transaction id. */
export interface CstoreSaleTable {
  id: string;
  location_id: string;
  register_id: string;
  pos_transaction_id: string;
  /** sha256 of the canonical transaction: a retry with another body is a conflict */
  body_hash: string;
  sold_at: string;
  local_date: string;
  local_time: string;
  tender: string;
  loyalty_id: string | null;
  age_verification: string;
  line_count: number;
  total_cents: number;
  received_at: string;
}

/** One line of a c-store sale; voids and refunds have a negative quantity. */
export interface CstoreSaleLineTable {
  sale_id: string;
  line_number: number;
  kind: string;
  upc: string;
  description: string;
  unit_of_measure: string;
  quantity: number;
  unit_price_cents: number;
  category: string | null;
  manufacturer_name: string | null;
  sku: string | null;
  consumer_units: Generated<number>;
}

/** A Scan Data subscription: bought unassigned, then bound to one location for its term. */
/** A program's scan-data account at a manufacturer; the number sealed (AES-256-GCM), found by its sha256. */
export interface ScanDataAccountTable {
  id: string;
  program_id: string;
  manufacturer: string;
  /** the scan-data format id (rjr, altria) */
  format: string;
  account_number_enc: string;
  account_number_hash: string;
  account_number_mask: string;
  retailer_name: string;
  submitter_name: string;
  /** JSON: the format's options */
  options: string;
  /** JSON: the account's outlets ({ locationId, outletNumber, address… }[]); null = the licensed locations */
  outlets: string | null;
  created_at: string;
  updated_at: string;
}

/** One generated scan-data file; the newest generation of an account and week is its submission. */
export interface ScanDataSubmissionTable {
  id: string;
  account_id: string;
  program_id: string;
  manufacturer: string;
  week_start: string;
  week_end: string;
  generation: number;
  /** generated | invalid | held | submitted | rejected */
  state: string;
  file_name: string;
  file_path: string;
  size_bytes: number;
  sha256: string;
  row_count: number;
  quantity: number;
  final_sales_cents: number;
  transactions: number;
  outlets: number;
  /** JSON: { ok, violationCount, byCode } */
  validation: string;
  hold_reason: string | null;
  generated_at: string;
  generated_by: string;
  released_at: string | null;
  released_by: string | null;
  submitted_at: string | null;
  submitted_by: string | null;
  rejected_at: string | null;
  rejection_code: string | null;
  rejection_message: string | null;
}

export interface ScanDataLicenseTable {
  id: string;
  program_id: string;
  term: '1m' | '1y';
  bought_at: string;
  location_id: string | null;
  assigned_at: string | null;
  assigned_by: string | null;
  starts_at: string | null;
  expires_at: string | null;
}

/** A program's enrollment with a manufacturer. Credentials are AES-256-GCM sealed; `masks` is what may be shown. */
export interface ManufacturerEnrollmentTable {
  id: string;
  program_id: string;
  manufacturer: string;
  mode: 'single' | 'chain';
  outlet_id: string | null;
  outlet_name: string | null;
  email: string | null;
  account_number_enc: string | null;
  client_id_enc: string | null;
  client_secret_enc: string | null;
  /** JSON: { accountNumber?, clientId?, clientSecret? } masked like ••••1234 */
  masks: string;
  /** overrides the deployment's manufacturer API base URL (simulator, staging) */
  base_url: string | null;
  status: 'ok' | 'broken';
  status_reason: string | null;
  status_at: string | null;
  created_at: string;
  updated_at: string;
}

/** What a location's register has now: accepted promotions. */
export interface LocationPromotionTable {
  location_id: string;
  manufacturer: string;
  external_id: string;
  /** JSON Promotion */
  promotion: string;
  batch_id: string;
  accepted_at: string;
}

/** The review queue: add / modify / end of one promotion at one location. */
export interface PromotionChangeTable {
  id: string;
  program_id: string;
  location_id: string;
  manufacturer: string;
  external_id: string;
  kind: 'add' | 'modify' | 'end';
  /** JSON Promotion or null */
  before: string | null;
  after: string | null;
  status: ChangeStatus;
  reason: string | null;
  sync_run_id: string;
  batch_id: string | null;
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
}

export interface SyncRunTable {
  id: string;
  program_id: string;
  location_id: string;
  manufacturer: string;
  trigger: 'schedule' | 'api' | 'cli';
  as_of: string;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  status: SyncRunStatus;
  pages: number;
  added: number;
  modified: number;
  ended: number;
  rejected: number;
  /** pending changes the feed overtook and withdrew */
  superseded: number;
  error_code: string | null;
  error: string | null;
  /** JSON RejectedRecord[] (capped) */
  rejected_records: string;
  /** the batch an auto-accepting location produced, if any */
  batch_id: string | null;
}

/** The accepted changes of one Accept, rendered for the location's POS. */
export interface UpdateBatchTable {
  id: string;
  program_id: string;
  location_id: string;
  seq: number;
  /** admin user id, or 'auto-accept' */
  accepted_by: string;
  accepted_by_name: string;
  accepted_at: string;
  idempotency_key: string | null;
  state: BatchState;
  format: 'naxml' | 'json';
  filename: string;
  content: string;
  change_count: number;
  /** JSON: { add, modify, end } */
  summary: string;
  delivered_at: string | null;
  delivery_count: number;
  acknowledged_at: string | null;
  ack_message: string | null;
  outbox_path: string | null;
  updated_at: string;
}

/** One row per (location, store-local day) the scheduler has taken: the once-per-day guarantee. */
export interface SyncClaimTable {
  location_id: string;
  day: string;
  claimed_by: string;
  claimed_at: string;
  finished_at: string | null;
  run_id: string | null;
}

/** Guest app: one-time e-mail login codes (scrypt-hashed, few attempts, short-lived). */
export interface GuestLoginCodeTable {
  id: string;
  program_id: string;
  /** lower-case */
  email: string;
  code_hash: string;
  attempts: number;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

/** Guest app bearer sessions: only the sha256 of the token is stored. */
export interface GuestSessionTable {
  id: string;
  program_id: string;
  guest_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

/** A guest as known to an external identity provider (`iss` + `sub`). */
export interface GuestExternalIdentityTable {
  id: string;
  program_id: string;
  issuer: string;
  subject: string;
  guest_id: string;
  created_at: string;
}

/** What the guest pre-selected in the app for the next code: JSON incentive ids. */
export interface GuestSelectionTable {
  guest_id: string;
  program_id: string;
  incentive_ids: string;
  updated_at: string;
}

export interface PromoCodeTable {
  id: string;
  program_id: string;
  /** upper-case */
  code: string;
  incentive_id: string;
  /** null: unlimited */
  max_uses: number | null;
  uses: number;
  once_per_guest: number;
  valid_from: string | null;
  valid_until: string | null;
  created_at: string;
  disabled_at: string | null;
}

export interface PromoRedemptionTable {
  id: string;
  program_id: string;
  promo_code_id: string;
  incentive_id: string;
  guest_id: string | null;
  /** the guest id when the code is once per guest (unique with promo_code_id), else null */
  guest_once_key: string | null;
  channel: 'app' | 'pos';
  created_at: string;
}

/** A program's webhook: where events go. The signing secret is AES-256-GCM sealed (TILLPOINT_SECRET_KEY). */
export interface WebhookSubscriptionTable {
  id: string;
  program_id: string;
  url: string;
  description: string;
  /** JSON EventType[], or ["*"] for every type */
  event_types: string;
  /** SecretBox-sealed signing secret; shown once in clear when created or rotated */
  secret_enc: string;
  /** the first characters of the secret, to tell secrets apart */
  secret_prefix: string;
  /** fingerprint of the key that sealed the secret (detects a changed TILLPOINT_SECRET_KEY) */
  key_fingerprint: string;
  active: number;
  created_at: string;
  updated_at: string;
}

/** One event to one webhook; retried with backoff until delivered or dead. */
export interface WebhookDeliveryTable {
  id: string;
  program_id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  /** pending: when to try next; delivering: when the worker's lease runs out */
  next_attempt_at: string;
  /** the claim that leases the delivery: only its holder may record the outcome */
  claim_token: string | null;
  last_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  dead_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface Database {
  webhook_subscriptions: WebhookSubscriptionTable;
  webhook_deliveries: WebhookDeliveryTable;
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
  refunds: RefundTable;
  expiry_runs: ExpiryRunTable;
  guest_login_codes: GuestLoginCodeTable;
  guest_sessions: GuestSessionTable;
  guest_external_identities: GuestExternalIdentityTable;
  guest_selections: GuestSelectionTable;
  promo_codes: PromoCodeTable;
  promo_redemptions: PromoRedemptionTable;
  locations: LocationTable;
  scan_data_licenses: ScanDataLicenseTable;
  manufacturer_enrollments: ManufacturerEnrollmentTable;
  location_promotions: LocationPromotionTable;
  location_register_ids: LocationRegisterIdTable;
  promotion_changes: PromotionChangeTable;
  sync_runs: SyncRunTable;
  update_batches: UpdateBatchTable;
  sync_claims: SyncClaimTable;
  cstore_sales: CstoreSaleTable;
  cstore_sale_lines: CstoreSaleLineTable;
  scan_data_accounts: ScanDataAccountTable;
  scan_data_submissions: ScanDataSubmissionTable;
}
