import type { Kysely } from 'kysely';

/**
 * The accepted-promotion history (issue #12, discounts as the register applied them): accepted
 * `promotion_changes` rows already are the history — each says what a promotion became (`after`,
 * null for an end) at a location at `decided_at`. Pricing a week reads a set of locations'
 * accepted changes up to the week's end in acceptance order; this index serves that read
 * (location, then status, then time) without scanning the pending and rejected rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('promotion_changes_history').on('promotion_changes').columns(['location_id', 'status', 'decided_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('promotion_changes_history').execute();
}
