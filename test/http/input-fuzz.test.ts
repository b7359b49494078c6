import { randomBytes } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProgramBySlug } from '../../src/adapters/db/repositories/config.repository.ts';
import { DEMO_INCENTIVES, DEMO_SLUG } from '../../src/demo/seed.ts';
import { newId, sha256 } from '../../src/lib/ids.ts';
import { type CstoreHarness, cstoreHarness } from '../support/cstore.ts';
import { ENGINES } from '../support/engines.ts';
import { FARHAN, PARTNER_KEY, posVendor, saleBody } from '../support/fixtures.ts';

/**
 * Every route of every API, taken from the OpenAPI document (a new route is fuzzed without a change
 * here), called with valid credentials and hostile input: NUL bytes and other control characters in
 * every text field, parameter and query value; integers past every column (2^31, 2^53, 1e308);
 * numeric text, wrong types, bodies nested thousands of levels deep. Nothing may answer 500; every
 * error is the documented envelope, and a ValidationError names the field. Cases are generated
 * from the schemas, in a fixed order (no randomness).
 */

type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Leaf = { path: string[]; kind: 'string' | 'number' };
interface Route {
  method: string;
  url: string;
  params: { name: string; in: string }[];
  body: Schema | null;
}
interface Case {
  route: Route;
  what: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  /** the field the 400 must name; undefined: any 4xx in the envelope will do */
  field?: string;
  /** only a ValidationError naming `field` will do (not any other 4xx) */
  mustBe400?: boolean;
  /** a number no schema allows: a 400 naming `field` whenever the unmutated body passes validation */
  beyondAnyBound?: boolean;
}

const NUL = 'a\u0000b';
const CONTROL = ['\u0000', '\u0001', '\u0007', '\u001b', '\u007f', '\u0085'];
const HUGE = [2_147_483_648, 2 ** 53, 1e308, -2_147_483_649];
const NUMERIC_TEXT = ['99999', '2147483648', '1e308', '-1', '0x10', ' 1'];

/** `['a', '0', 'b']` → `a[0].b`, the way the error envelope names fields. */
const fieldName = (path: string[]) => path.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');

/** JSON text of objects and arrays `depth` levels deep (as text: JSON.stringify would recurse). */
function nestText(depth: number): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += i % 2 ? '[' : '{"x":';
    close = (i % 2 ? ']' : '}') + close;
  }
  return `${open}1${close}`;
}

/** `body` with an extra property holding `nested` (JSON text). */
const withExtra = (body: object, nested: string) => {
  const text = JSON.stringify(body);
  return text === '{}' ? `{"extra":${nested}}` : `${text.slice(0, -1)},"extra":${nested}}`;
};

/** A value the schema accepts, as far as a simple reading can tell, and the leaves to mutate. */
class Sampler {
  constructor(private readonly components: Record<string, Schema>) {}

  resolve(s: Schema): Schema {
    let out = s;
    while (out && typeof out.$ref === 'string') out = this.components[out.$ref.split('/').pop()!]!;
    return out;
  }

  sample(schema: Schema, path: string[], leaves: Leaf[], key = ''): unknown {
    const s = this.resolve(schema);
    if (!s) return null;
    if (s.allOf) return Object.assign({}, ...s.allOf.map((x: Schema) => this.sample(x, path, leaves, key)));
    const options = s.anyOf ?? s.oneOf;
    if (options) {
      const resolved = options.map((o: Schema) => this.resolve(o));
      if (resolved.some((o: Schema) => o.type === 'integer' || o.type === 'number')) leaves.push({ path, kind: 'number' });
      if (resolved.some((o: Schema) => o.type === 'string')) leaves.push({ path, kind: 'string' });
      const first = resolved.find((o: Schema) => o.type !== 'null') ?? resolved[0];
      return this.sample(first, path, [], key);
    }
    if (s.const !== undefined) return s.const;
    if (s.enum) return s.enum[0];
    switch (s.type) {
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) out[k] = this.sample(v, [...path, k], leaves, k);
        return out;
      }
      case 'array': {
        const n = Math.min(Math.max(1, s.minItems ?? 0), s.maxItems ?? 1);
        return Array.from({ length: n }, (_, i) => this.sample(s.items ?? {}, [...path, String(i)], leaves, key));
      }
      case 'integer':
      case 'number':
        leaves.push({ path, kind: 'number' });
        return Math.max(s.minimum ?? 1, Math.min(1, s.maximum ?? 1));
      case 'boolean':
        return false;
      case 'string':
        leaves.push({ path, kind: 'string' });
        return sampleString(s, key);
      default:
        return null;
    }
  }
}

function sampleString(s: Schema, key: string): string {
  const k = key.toLowerCase();
  const hints = [
    k.includes('email') ? 'fuzz@example.test' : null,
    k.includes('url') ? 'https://example.test/hook' : null,
    k === 'currency' ? 'USD' : null,
    k.includes('timezone') ? 'America/New_York' : null,
    k === 'postype' || k === 'supportingpos' ? 'Partner' : null,
    k === 'eventtypes' ? 'transaction.claimed' : null,
    ['start', 'end', 'from', 'to', 'birthdate'].includes(k) ? '2026-11-25' : null,
    k === 'storeid' ? '9999' : null,
    s.format === 'date-time' ? '2026-11-25T12:00:00.000Z' : null,
    s.format === 'date' ? '2026-11-25' : null,
    s.format === 'email' ? 'fuzz@example.test' : null,
  ];
  const candidates = [...hints.filter((h): h is string => h !== null), 'a', '1', 'abc123', '123456', '2026-11-25', '10:00', 'PLU-1', 'a1b2c3d4e5f6'];
  const fits = (v: string) => v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity) && (!s.pattern || new RegExp(s.pattern, 'u').test(v));
  const found = candidates.find(fits);
  if (found) return found;
  return 'a'.repeat(Math.max(1, s.minLength ?? 1));
}

/** The string and number leaves of a value, for bodies given as examples rather than sampled. */
function leavesOf(value: unknown, path: string[] = [], out: Leaf[] = []): Leaf[] {
  if (typeof value === 'string') out.push({ path, kind: 'string' });
  else if (typeof value === 'number') out.push({ path, kind: 'number' });
  else if (Array.isArray(value)) value.forEach((v, i) => leavesOf(v, [...path, String(i)], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) leavesOf(v, [...path, k], out);
  return out;
}

function setAt(value: unknown, path: string[], leaf: unknown): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let at = copy as Record<string, unknown>;
  for (const p of path.slice(0, -1)) at = at[p] as Record<string, unknown>;
  at[path.at(-1)!] = leaf;
  return copy;
}

/** Per engine: each case's answer as `status code field`, to compare the engines afterwards. */
const answers = new Map<string, Map<string, string>>();

/** Routes that answer people with HTML pages (errors included) instead of the JSON envelope. */
const HTML_PAGES = new Set(['/r/{receiptCode}']);

describe.each(ENGINES)('no 500 from input on %s', (engine) => {
  let h: CstoreHarness;
  let routes: Route[];
  let sampler: Sampler;
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    h = await cstoreHarness(engine, { outlets: 2, promotionsPerOutlet: 3 });
    const demoProgram = (await findProgramBySlug(h.db.kysely, DEMO_SLUG))!;
    ids.locationId = await h.pilotLocation();
    ids.demoProgramId = demoProgram.id;
    // A guest session written straight to the table: the guest API's sender is not the test's.
    tokens.guest = `tpg_${randomBytes(24).toString('base64url')}`;
    await h.db.kysely
      .insertInto('guest_sessions')
      .values({
        id: newId(),
        program_id: demoProgram.id,
        guest_id: FARHAN,
        token_hash: sha256(tokens.guest),
        created_at: '2026-01-01T00:00:00.000Z',
        expires_at: '9999-12-31T00:00:00.000Z',
        revoked_at: null,
      })
      .execute();
    const identified = await h.app.inject({
      method: 'POST',
      url: '/loyalty/identify',
      headers: { 'x-api-key': PARTNER_KEY },
      payload: { identifier: FARHAN, posVendor: posVendor('FZ-0') },
    });
    ids.loyaltyTransactionId = (identified.json() as { transactionId: string }).transactionId;
    const doc = h.app.swagger() as unknown as { paths: Record<string, Record<string, Schema>>; components: { schemas: Record<string, Schema> } };
    sampler = new Sampler(doc.components.schemas);
    routes = [];
    for (const [url, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        routes.push({
          method: method.toUpperCase(),
          url,
          params: ((op.parameters ?? []) as { name: string; in: string }[]).filter((p) => p.in === 'path' || p.in === 'query'),
          body: op.requestBody?.content?.['application/json']?.schema ?? null,
        });
      }
    }
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  /** Bodies that pass validation and reach the handler (a sampled sale is refused early). */
  function knownBody(route: Route): unknown {
    const sale = saleBody(
      'FZ-2',
      [
        { price: '99999999.99', quantity: 9 },
        { price: '1.00', quantity: 2 },
      ],
      { loyaltyId: FARHAN, status: 'PENDING' },
    );
    switch (`${route.method} ${route.url}`) {
      case 'POST /loyalty/identify':
        return { identifier: FARHAN, posVendor: posVendor('FZ-1') };
      case 'POST /loyalty/transaction/pos':
      case 'PUT /loyalty/transaction/pos/{loyaltyTransactionId}':
      case 'POST /loyalty/transaction/pos/validate/{loyaltyTransactionId}':
        return sale;
      case 'PATCH /admin/v1/programs/{programId}/incentives/{incentiveId}':
        return { name: 'Fuzzed', pointCost: 100 };
      case 'POST /admin/v1/programs/{programId}/guests/{guestId}/adjustments':
        return { points: 5, reason: 'fuzz test' };
      default:
        return undefined;
    }
  }

  /** Real ids where the route needs one to reach its handler; an unknown id elsewhere. */
  function paramValue(route: Route, name: string): string {
    if (name === 'program') return DEMO_SLUG;
    if (name === 'programId') return route.url.includes('/cstore/') ? h.programId : ids.demoProgramId!;
    if (name === 'locationId') return ids.locationId!;
    if (name === 'guestId') return FARHAN;
    if (name === 'incentiveId') return DEMO_INCENTIVES[0]!.id;
    if (name === 'loyaltyTransactionId') return ids.loyaltyTransactionId!;
    return '01a24787-0000-7000-8000-000000000000';
  }

  async function headersFor(route: Route): Promise<Record<string, string>> {
    if (route.url.startsWith('/loyalty/')) return { 'x-api-key': PARTNER_KEY };
    if (route.url.startsWith('/app/v1/')) return { authorization: `Bearer ${tokens.guest}` };
    if (route.url.startsWith('/admin/v1/')) return { authorization: `Bearer ${h.token}` };
    if (route.url.startsWith('/agent/v1/')) {
      // Issued afresh: a fuzzed admin call may have rotated it.
      const issued = await h.api('POST', `/admin/v1/cstore/locations/${ids.locationId}/agent-token`);
      return { authorization: `Bearer ${(issued.json() as { token: string }).token}` };
    }
    return {};
  }

  function cases(route: Route): Case[] {
    const out: Case[] = [];
    const pathParams = route.params.filter((p) => p.in === 'path').map((p) => p.name);
    const queryParams = route.params.filter((p) => p.in === 'query').map((p) => p.name);
    for (const name of pathParams) {
      out.push({ route, what: `NUL in path ${name}`, params: { [name]: NUL }, field: name, mustBe400: true });
      for (const v of ['2147483648', '1e308', '-1', 'x'.repeat(300)]) out.push({ route, what: `path ${name}=${v.slice(0, 12)}`, params: { [name]: v } });
    }
    queryParams.forEach((name, i) => {
      out.push({ route, what: `control char in query ${name}`, query: { [name]: `a${CONTROL[i % CONTROL.length]}` }, field: name, mustBe400: true });
      for (const v of NUMERIC_TEXT) out.push({ route, what: `query ${name}=${v}`, query: { [name]: v } });
    });
    if (route.body && route.method !== 'GET') {
      let leaves: Leaf[] = [];
      let base = sampler.sample(route.body, [], leaves);
      const known = knownBody(route);
      if (known !== undefined) {
        base = known;
        leaves = leavesOf(known);
      }
      out.push({ route, what: 'sampled body', body: base });
      leaves.forEach((leaf, i) => {
        const field = fieldName(leaf.path);
        if (leaf.kind === 'string') {
          out.push({ route, what: `NUL in ${field}`, body: setAt(base, leaf.path, NUL), field, mustBe400: true });
          out.push({ route, what: `control char in ${field}`, body: setAt(base, leaf.path, `x${CONTROL[(i + 1) % CONTROL.length]}`), field, mustBe400: true });
        } else {
          for (const n of HUGE) out.push({ route, what: `${field}=${n}`, body: setAt(base, leaf.path, n), field, beyondAnyBound: n === 1e308 });
          out.push({ route, what: `${field} as numeric text`, body: setAt(base, leaf.path, '99999'), field });
          out.push({ route, what: `${field} as an object`, body: setAt(base, leaf.path, { n: 1 }), field });
        }
      });
      if (base && typeof base === 'object' && !Array.isArray(base)) {
        out.push({ route, what: 'NUL in a property name', body: { ...base, 'x\u0000': 1 }, field: 'x?', mustBe400: true });
        out.push({ route, what: 'an extra property 5,000 levels deep', rawBody: withExtra(base, nestText(5_000)), field: 'body', mustBe400: true });
        out.push({ route, what: 'an extra property 33 levels deep', rawBody: withExtra(base, nestText(33)), field: 'body', mustBe400: true });
      }
      out.push({ route, what: 'brackets 100,000 deep', rawBody: '['.repeat(100_000) + ']'.repeat(100_000), field: 'body', mustBe400: true });
      for (const wrong of [[], 'text', 12, null]) out.push({ route, what: `body ${JSON.stringify(wrong)}`, body: wrong });
    }
    return out;
  }

  async function send(c: Case): Promise<LightMyRequestResponse> {
    const params: Record<string, string> = {};
    for (const p of c.route.params.filter((x) => x.in === 'path')) params[p.name] = c.params?.[p.name] ?? paramValue(c.route, p.name);
    const url = c.route.url.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(params[name]!));
    const query = c.query ? `?${new URLSearchParams(c.query).toString()}` : '';
    const options: InjectOptions = { method: c.route.method as InjectOptions['method'], url: url + query, headers: await headersFor(c.route) };
    if (c.rawBody !== undefined) {
      options.payload = c.rawBody;
      options.headers = { ...options.headers, 'content-type': 'application/json' };
    } else if (c.body !== undefined) {
      options.payload = JSON.stringify(c.body);
      options.headers = { ...options.headers, 'content-type': 'application/json' };
    }
    return h.app.inject(options);
  }

  it('answers every route of every API without a 500, in the error envelope naming the field', async () => {
    const problems: string[] = [];
    let sent = 0;
    const perApi = new Map<string, number>();
    const answered = new Map<string, string>();
    answers.set(engine, answered);
    for (const route of routes) {
      let baseValid = false;
      // Hostile input never signs anyone out; the sampled bodies might, so these routes go last.
      for (const c of cases(route)) {
        const res = await send(c);
        sent++;
        const api = route.url.split('/')[1]!;
        perApi.set(api, (perApi.get(api) ?? 0) + 1);
        const where = `${route.method} ${route.url} — ${c.what}: ${res.statusCode} ${res.body.slice(0, 200)}`;
        let answer: { code?: string; details?: { field?: string } } = {};
        try {
          if (res.statusCode >= 400) answer = JSON.parse(res.body);
        } catch {
          // not JSON: reported below
        }
        answered.set(`${route.method} ${route.url} — ${c.what}`, `${res.statusCode} ${answer.code ?? ''} ${answer.details?.field ?? ''}`);
        if (res.statusCode >= 500) {
          problems.push(where);
          continue;
        }
        // A page for people (the receipt's claim URL) may answer its own HTML page; input refused
        // before the page is reached (control characters, an over-long code) gets the envelope.
        if (res.statusCode >= 400 && HTML_PAGES.has(route.url) && String(res.headers['content-type']).startsWith('text/html')) continue;
        if (res.statusCode >= 400) {
          let body: { code?: unknown; statusCode?: unknown; message?: unknown; details?: { field?: unknown } } = {};
          try {
            body = JSON.parse(res.body);
          } catch {
            problems.push(`${where} (not JSON)`);
            continue;
          }
          if (typeof body.code !== 'string' || body.statusCode !== res.statusCode || typeof body.message !== 'string')
            problems.push(`${where} (not the envelope)`);
          else if (body.code === 'ValidationError' && (typeof body.details?.field !== 'string' || body.details.field === ''))
            problems.push(`${where} (names no field)`);
        }
        if (c.what === 'sampled body') baseValid = !res.body.includes('"ValidationError"');
        if (c.beyondAnyBound && baseValid) {
          const body = res.json() as { code?: string; details?: { field?: string } };
          if (res.statusCode !== 400 || body.details?.field !== c.field) problems.push(`${where} (expected a 400 naming ${c.field})`);
        }
        if (c.mustBe400) {
          const body = res.json() as { code?: string; details?: { field?: string } };
          if (res.statusCode !== 400 || body.code !== 'ValidationError' || body.details?.field !== c.field)
            problems.push(`${where} (expected a 400 naming ${c.field})`);
        }
      }
    }
    expect(problems).toEqual([]);
    // Every API was reached, with a good number of cases each.
    for (const api of ['loyalty', 'app', 'admin', 'agent']) expect(perApi.get(api) ?? 0, api).toBeGreaterThan(20);
    expect(sent).toBeGreaterThan(1_000);
  }, 300_000);
});

describe('the engines agree', () => {
  it.runIf(ENGINES.length > 1)('answers every fuzzed case with the same status, code and field on SQLite and PostgreSQL', () => {
    const [a, b] = ENGINES.map((e) => answers.get(e));
    expect(a && b, 'both engines ran').toBeTruthy();
    const differ = [...a!].filter(([k, v]) => b!.get(k) !== v).map(([k, v]) => `${k}: ${ENGINES[0]} ${v} / ${ENGINES[1]} ${b!.get(k)}`);
    expect(differ).toEqual([]);
    expect(a!.size).toBe(b!.size);
  });
});
