import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/lib/ids.ts';
import { LEGACY_AGENT_TOKEN_PREFIX, TOKEN_PREFIX } from '../../src/lib/tokens.ts';
import { type CstoreHarness, cstoreHarness } from '../support/cstore.ts';
import { ENGINES } from '../support/engines.ts';

describe.each(ENGINES)('POS agent tokens have their own prefix on %s', (engine) => {
  let h: CstoreHarness;
  beforeAll(async () => {
    h = await cstoreHarness(engine);
  });
  afterAll(async () => {
    await h.close();
  });

  const batches = (token: string) => h.app.inject({ method: 'GET', url: '/agent/v1/batches', headers: { authorization: `Bearer ${token}` } });

  it('issues tpagt_ tokens, distinct from guest (tpg_), admin (tpa_) and POS key (tpk_) prefixes', async () => {
    const prefixes = Object.values(TOKEN_PREFIX);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const a of prefixes) for (const b of prefixes) if (a !== b) expect(a.startsWith(b), `${a} / ${b}`).toBe(false);

    const loc = await h.pilotLocation({ name: 'Prefixed agent' });
    const issued = await h.api('POST', `/admin/v1/cstore/locations/${loc}/agent-token`);
    expect(issued.statusCode).toBe(201);
    const { token, prefix } = issued.json() as { token: string; prefix: string };
    expect(token).toMatch(/^tpagt_[A-Za-z0-9_-]{43}$/);
    expect(prefix).toBe(token.slice(0, 10));
    expect((await batches(token)).statusCode).toBe(200);
    const stored = await h.db.kysely.selectFrom('locations').select(['agent_token_hash', 'agent_token_prefix']).where('id', '=', loc).executeTakeFirstOrThrow();
    expect(stored).toEqual({ agent_token_hash: sha256(token), agent_token_prefix: prefix });
  });

  it('keeps agent tokens issued with the old tpg_ prefix working until re-issued', async () => {
    const loc = await h.pilotLocation({ name: 'Legacy agent' });
    const legacy = `${LEGACY_AGENT_TOKEN_PREFIX}${'L'.repeat(43)}`;
    await h.db.kysely
      .updateTable('locations')
      .set({ agent_token_hash: sha256(legacy), agent_token_prefix: legacy.slice(0, 10) })
      .where('id', '=', loc)
      .execute();
    expect((await batches(legacy)).json()).toMatchObject({ locationId: loc });

    const fresh = (await h.api('POST', `/admin/v1/cstore/locations/${loc}/agent-token`)).json() as { token: string };
    expect(fresh.token.startsWith(TOKEN_PREFIX.agent)).toBe(true);
    expect((await batches(legacy)).statusCode).toBe(401);
    expect((await batches(fresh.token)).statusCode).toBe(200);
    // any other kind of token is refused before a look-up
    expect((await batches(`${TOKEN_PREFIX.admin}${'x'.repeat(43)}`)).statusCode).toBe(401);
  });
});
