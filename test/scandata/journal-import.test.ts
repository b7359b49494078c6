import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saleLinesOfWeek } from '../../src/adapters/db/repositories/cstore-sales.repository.ts';
import { limited } from '../../src/adapters/http/routes/admin/cstore/sales-journal.routes.ts';
import { JOURNAL_FORMATS } from '../../src/adapters/scandata/journal/formats.ts';
import type { JournalImportOptions } from '../../src/app/cstore/journal-import.service.ts';
import type { JournalSource } from '../../src/app/ports/journal-reader.ts';
import type { SaleLine } from '../../src/domain/scandata/sale-line.ts';
import { ENGINES } from '../support/engines.ts';
import { type CstoreHarness, cstoreHarness } from '../support/cstore.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const CSV = readFileSync(`${FIXTURES}journal.csv`, 'utf8');
const XML = readFileSync(`${FIXTURES}pos-journal.xml`, 'utf8');
const HEADER = CSV.split('\n')[0]!;

/** A file's text in small chunks, as a stream would deliver it. */
async function* chunks(text: string, size = 97): JournalSource {
  for (let i = 0; i < text.length; i += size) yield Buffer.from(text.slice(i, i + size));
}

describe('an uploaded journal over the limit', () => {
  it('fails with 413 PayloadTooLarge while streaming, for CSV and NAXML alike (not a reject of the file)', async () => {
    for (const [format, text] of [
      ['csv', CSV],
      ['naxml', XML],
    ] as const) {
      const items = JOURNAL_FORMATS.get(format)!.read(limited(chunks(text) as AsyncIterable<Buffer>, 1_000));
      const read = async () => {
        let n = 0;
        for await (const item of items) n += item.kind === 'basket' ? 1 : 0;
        return n;
      };
      await expect(read()).rejects.toMatchObject({ code: 'PayloadTooLarge' });
    }
  });
});

/** One harness (database, simulator, app) per engine for the import and the upload route: each works on its own locations. */
describe.each(ENGINES)('POS journal import on %s', (engine) => {
  let h: CstoreHarness;
  let loc: string;
  let other: string;
  let uploadLoc: string;
  const importText = (format: 'csv' | 'naxml', text: string | JournalSource, opts: JournalImportOptions = {}) => {
    const f = JOURNAL_FORMATS.get(format)!;
    return h.cstore.journal.import(f.read(typeof text === 'string' ? chunks(text) : text), { fieldNames: f.fieldNames, ...opts });
  };
  const linesOf = async (locationId: string) => {
    const out: SaleLine[] = [];
    for await (const l of saleLinesOfWeek(h.db.kysely, { locationIds: [locationId], from: '2026-11-30', to: '2026-12-06' })) out.push(l);
    return out;
  };

  beforeAll(async () => {
    h = await cstoreHarness(engine);
    loc = await h.pilotLocation({ name: 'Journal A' });
    other = await h.pilotLocation({ name: 'Journal B' });
    uploadLoc = await h.pilotLocation({ name: 'Upload A' });
  });
  afterAll(() => h.close());

  it('imports the CSV fixture: good baskets stored, bad rows rejected with their row and reason, voids and refunds negative', async () => {
    const s = await importText('csv', CSV, { locationId: loc });
    expect(s.baskets).toEqual({ imported: 4, replayed: 0, rejected: 2 });
    expect(s.lines).toEqual({ imported: 7, replayed: 0, rejected: 3 });
    expect(s.rejects).toEqual([
      { row: 7, transactionId: 'T-102', reason: expect.stringMatching(/^upc .*check digit.*; basket T-102 rejected whole \(2 lines\)$/) },
      { row: 8, transactionId: 'T-103', reason: 'quantity "two" must be a whole number of units, at least 1 (the sign comes from kind)' },
    ]);
    const lines = await linesOf(loc);
    const t100 = lines.filter((l) => l.transactionId === 'T-100' && l.registerId === '1');
    expect(t100.map((l) => [l.upc, l.quantity, l.unitPriceCents])).toEqual([
      ['028200003843', 2, 899],
      ['012300000123', 1, 859],
      ['012300000123', -1, 859],
    ]);
    // store-local 10:04:05 in New York, and an instant with an offset read as such
    expect(t100[0]).toMatchObject({ soldAt: '2026-12-02T15:04:05.000Z', localDate: '2026-12-02', localTime: '10:04:05', loyaltyId: 'L-1001', tender: 'cash' });
    expect(lines.find((l) => l.transactionId === 'T-101')).toMatchObject({
      quantity: -1,
      soldAt: '2026-12-02T21:30:00.000Z',
      localTime: '16:30:00',
      tender: 'credit',
    });
    expect(lines.filter((l) => l.transactionId === 'T-104').map((l) => l.category)).toEqual(['smokeless', null]);
    // the same transaction id on another register is another basket
    expect(lines.find((l) => l.transactionId === 'T-100' && l.registerId === '2')).toMatchObject({ quantity: 1, localDate: '2026-12-03' });
  });

  it('a re-import of the same file changes nothing and says "already recorded"; the bad rows are rejected again', async () => {
    const before = await linesOf(loc);
    const s = await importText('csv', CSV, { locationId: loc });
    expect(s.baskets).toEqual({ imported: 0, replayed: 4, rejected: 2 });
    expect(s.lines).toEqual({ imported: 0, replayed: 7, rejected: 3 });
    expect(await linesOf(loc)).toEqual(before);
  });

  it('rejects another basket under a recorded transaction id, and imports the rest of the file', async () => {
    const text = `${HEADER}\n1,T-100,2026-12-02 10:04:05,sale,028200003843,Marlboro Red Box,PACK,3,8.99,cigarettes,cash,L-1001,scanned-id\n1,T-900,2026-12-04 10:00:00,sale,028200003843,Marlboro Red Box,PACK,1,8.99,cigarettes,cash,,scanned-id\n`;
    const s = await importText('csv', text, { locationId: loc });
    expect(s.baskets).toEqual({ imported: 1, replayed: 0, rejected: 1 });
    expect(s.rejects).toEqual([{ row: 2, transactionId: 'T-100', reason: 'transaction T-100 of register 1 was already recorded with other contents' }]);
    expect((await linesOf(loc)).filter((l) => l.transactionId === 'T-100' && l.registerId === '1')[0]!.quantity).toBe(2);
  });

  it('reads a location column; a CSV without one needs the import’s location; an unknown location is a reject', async () => {
    const text = `location,${HEADER}\n${other},1,L-1,2026-12-02 09:00:00,sale,028200003843,Marlboro,PACK,1,8.99,cigarettes,cash,,scanned-id\nnowhere,1,L-2,2026-12-02 09:00:00,sale,028200003843,Marlboro,PACK,1,8.99,cigarettes,cash,,scanned-id\n`;
    const s = await importText('csv', text);
    expect(s.baskets).toEqual({ imported: 1, replayed: 0, rejected: 1 });
    expect(s.rejects).toEqual([{ row: 3, transactionId: 'L-2', reason: 'no location nowhere' }]);
    expect((await linesOf(other)).map((l) => l.transactionId)).toEqual(['L-1']);
    const none = await importText('csv', `${HEADER}\n1,L-3,2026-12-02 09:00:00,sale,028200003843,Marlboro,PACK,1,8.99,cigarettes,cash,,scanned-id\n`);
    expect(none.rejects[0]!.reason).toMatch(/names no location/);
  });

  it('refuses a CSV whose header lacks a required column, before importing anything', async () => {
    await expect(importText('csv', 'register,transaction,upc\n1,T,028200003843\n', { locationId: loc })).rejects.toThrow(
      /lacks the columns sold_at, quantity, unit_price/,
    );
  });

  it('imports the NAXML POSJournal fixture: a cancelled line is its sale and its void, a refund negative, training and void events skipped', async () => {
    const s = await importText('naxml', XML, { locationId: loc });
    expect(s.baskets).toEqual({ imported: 2, replayed: 0, rejected: 1 });
    expect(s.lines).toEqual({ imported: 4, replayed: 0, rejected: 2 });
    expect(s.skipped).toBe(3);
    expect(s.rejects).toEqual([
      { row: 156, transactionId: 'T-204', reason: expect.stringMatching(/^POSCode .*check digit.*; basket T-204 rejected whole \(2 lines\)$/) },
    ]);
    const lines = await linesOf(loc);
    expect(lines.filter((l) => l.transactionId === 'T-200').map((l) => [l.upc, l.quantity, l.unitPriceCents, l.category])).toEqual([
      ['028200003843', 2, 899, 'cigarettes'],
      ['012300000123', 1, 859, 'cigarettes'],
      ['012300000123', -1, 859, 'cigarettes'],
    ]);
    expect(lines.find((l) => l.transactionId === 'T-200')).toMatchObject({ localTime: '10:04:35', loyaltyId: 'L-1001', tender: 'cash' });
    expect(lines.find((l) => l.transactionId === 'T-201')).toMatchObject({ quantity: -1, tender: 'credit' });
    const again = await importText('naxml', XML, { locationId: loc });
    expect(again.baskets).toEqual({ imported: 0, replayed: 2, rejected: 1 });
  });

  it('stops at XML that is not well-formed, keeping what came before, and says where', async () => {
    const broken = XML.replace('<TransactionID>T-204</TransactionID>', '<TransactionID>T-204</TransactionIDX>');
    const s = await importText('naxml', broken, { locationId: other });
    expect(s.baskets.imported).toBe(2);
    expect(s.rejects.at(-1)).toMatchObject({ row: 142, reason: expect.stringMatching(/^XML is not well-formed/) });
  });

  it('streams a 5,000-line journal: baskets are stored while the file is still being read', async () => {
    // four batches of the default 500 baskets: the first is stored before the second half is read
    const baskets = 2_000;
    let produced = 0;
    let storedWhileReading = 0;
    async function* journal(): JournalSource {
      yield `${HEADER}\n`;
      for (let b = 0; b < baskets; b++) {
        const n = b % 2 === 0 ? 3 : 2; // 1,000 × 3 + 1,000 × 2 = 5,000 lines
        let text = '';
        for (let i = 0; i < n; i++) {
          const kind = i === 2 ? 'void' : 'sale';
          text += `${b % 4},B-${b},2026-12-03T${String(8 + (b % 12)).padStart(2, '0')}:00:00-05:00,${kind},028200003843,Marlboro,PACK,1,8.99,cigarettes,cash,,scanned-id\n`;
        }
        produced++;
        if (produced === baskets / 2) {
          storedWhileReading = Number(
            (
              await h.db.kysely
                .selectFrom('cstore_sales')
                .select((eb) => eb.fn.countAll().as('n'))
                .where('location_id', '=', other)
                .executeTakeFirstOrThrow()
            ).n,
          );
        }
        yield text;
      }
    }
    const s = await importText('csv', journal(), { locationId: other });
    expect(s.baskets).toEqual({ imported: baskets, replayed: 0, rejected: 0 });
    expect(s.lines.imported).toBe(5_000);
    expect(storedWhileReading).toBeGreaterThanOrEqual(500);
  });

  describe('POST /admin/v1/cstore/locations/:id/sales-journal', () => {
    const upload = (body: string, format = 'csv', headers: Record<string, string> = { 'content-type': 'text/csv' }, locationId = uploadLoc) =>
      h.app.inject({
        method: 'POST',
        url: `/admin/v1/cstore/locations/${locationId}/sales-journal?format=${format}`,
        headers: { authorization: `Bearer ${h.token}`, ...headers },
        payload: body,
      });

    it('imports an uploaded CSV journal and answers the counts and the rejects with their rows', async () => {
      const r = await upload(CSV);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ baskets: { imported: 4, replayed: 0, rejected: 2 }, rejectCount: 2, rejects: [{ row: 7 }, { row: 8 }] });
      const again = await upload(CSV);
      expect(again.json()).toMatchObject({ baskets: { imported: 0, replayed: 4, rejected: 2 } });
    });

    it('imports an uploaded NAXML journal', async () => {
      const r = await upload(XML, 'naxml', { 'content-type': 'application/xml' });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ baskets: { imported: 2, rejected: 1 }, skipped: 3 });
    });

    it('rejects a row naming another location', async () => {
      const r = await upload(`location,${HEADER}\nelsewhere,1,X-1,2026-12-02 09:00:00,sale,028200003843,Marlboro,PACK,1,8.99,cigarettes,cash,,scanned-id\n`);
      expect(r.json()).toMatchObject({
        baskets: { imported: 0, rejected: 1 },
        rejects: [{ row: 2, reason: expect.stringContaining('is not the location of this import') }],
      });
    });

    it('400 on an unknown format, naming the field; 400 on an unreadable header; 415 on JSON; 401 without a login; 404 for an unknown location', async () => {
      const bad = await upload(CSV, 'xlsx');
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'ValidationError', details: { field: 'format' } });
      const header = await upload('register,transaction\n1,T\n');
      expect(header.statusCode).toBe(400);
      expect(header.json()).toMatchObject({ code: 'ValidationError', details: { field: 'body' } });
      const json = await upload('{"lines":[]}', 'csv', { 'content-type': 'application/json' });
      expect(json.statusCode).toBe(415);
      const anon = await h.app.inject({
        method: 'POST',
        url: `/admin/v1/cstore/locations/${uploadLoc}/sales-journal?format=csv`,
        headers: { 'content-type': 'text/csv' },
        payload: CSV,
      });
      expect(anon.statusCode).toBe(401);
      const missing = await upload(CSV, 'csv', { 'content-type': 'text/csv' }, '00000000-0000-4000-8000-000000000000');
      expect(missing.statusCode).toBe(404);
    });

    it('is in the OpenAPI document', async () => {
      const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
      expect(doc.paths['/admin/v1/cstore/locations/{locationId}/sales-journal']?.post).toBeDefined();
    });
  });
});
