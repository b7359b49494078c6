import { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { stringify } from 'csv-stringify';
import type { FastifyInstance } from 'fastify';
import { type Cell, EXPORT_COLUMNS, type Export, type ExportKind, exportRows } from '../../../../app/admin/exports.ts';
import { errors } from '../../schemas/common.ts';
import { ProgramParams } from '../../schemas/admin.ts';
import { CsvAnswer, ExportQuery } from '../../schemas/reports.ts';
import { SECURITY } from '../../headers.ts';
import { type AdminPluginOptions, contextOf, requires } from './shared.ts';

/**
 * A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading
 * apostrophe: guest names and reasons are typed by people outside finance (OWASP CSV injection).
 */
export function safeCell(value: Cell): Cell {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The export as a CSV byte stream: header row, then rows as they are read. */
export function csvStream(exp: Export): Readable {
  const csv = stringify({ header: true, columns: [...exp.columns], record_delimiter: 'windows' });
  const source = Readable.from(
    (async function* () {
      for await (const row of exp.rows) yield row.map(safeCell);
    })(),
  );
  source.on('error', (e) => csv.destroy(e));
  return source.pipe(csv);
}

const DESCRIPTIONS: Record<ExportKind, string> = {
  transactions: 'Every sale created in the range, in the order they were written (by id).',
  ledger:
    'Every points ledger entry written in the range, in the order written (by id): the ledger is append-only, so this is the whole story of every balance.',
  balances: 'Every guest with the balance at the time of the export (as_of), by guest id; from / to do not apply.',
};

/** Finance exports: CSV streamed from keyset-paged reads. */
export async function exportsRoutes(fastify: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  for (const kind of Object.keys(EXPORT_COLUMNS) as ExportKind[]) {
    app.get(
      `/programs/:programId/exports/${kind}.csv`,
      {
        config: { capability: 'read' },
        schema: {
          tags: ['Admin: reports'],
          summary: `CSV of the program’s ${kind}`,
          description: requires(
            'read',
            `${DESCRIPTIONS[kind]} Columns: \`${EXPORT_COLUMNS[kind].join(', ')}\` (docs/admin-api.md#exports). from / to: YYYY-MM-DD (UTC day, inclusive) or ISO date-times.`,
          ),
          security: SECURITY.bearer,
          params: ProgramParams,
          querystring: ExportQuery,
          produces: ['text/csv'],
          response: { 200: CsvAnswer, ...errors({ 400: 'ValidationError naming the field', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
        },
      },
      async (request, reply) => {
        const exp = await exportRows(contextOf(request, opts.db), request.params.programId, kind, request.query);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${exp.filename}"`)
          .header('cache-control', 'no-store')
          .send(csvStream(exp));
      },
    );
  }
}
