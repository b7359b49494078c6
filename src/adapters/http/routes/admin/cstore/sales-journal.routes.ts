import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { JOURNAL_FORMATS } from '../../../../scandata/journal/formats.ts';
import { AppError } from '../../../../../errors.ts';
import { LocationParams } from '../../../schemas/cstore.ts';
import { JournalImportSummarySchema, JournalUploadQuery } from '../../../schemas/cstore-sales.ts';
import type { AdminPluginOptions } from '../shared.ts';
import { doc, E, visibleLocation } from './cstore-route.ts';

/** The largest journal an upload takes; bigger files go through `tillpoint scandata import`. */
export const JOURNAL_UPLOAD_MAX_BYTES = 32 * 1024 * 1024;
const JOURNAL_MEDIA_TYPES = ['text/csv', 'application/xml', 'text/xml', 'application/octet-stream'];

/** The request body, counted: past `limit` bytes it fails with 413 (a chunked body has no length up front). */
export async function* limited(body: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (bytes > limit) throw new AppError('PayloadTooLarge', `the journal is larger than ${limit} bytes; import it with \`tillpoint scandata import\``);
    yield chunk;
  }
}

/**
 * Sales in by file: a POS journal (CSV or NAXML POSJournal) uploaded for one location, read as it
 * arrives (the body is streamed, never held) and imported like `tillpoint scandata import`.
 */
export async function cstoreSalesJournalRoutes(root: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  // The body stays a stream for the handler; this plugin's routes only.
  app.addContentTypeParser(JOURNAL_MEDIA_TYPES, (_request, payload, done) => done(null, payload));

  app.post(
    '/cstore/locations/:locationId/sales-journal',
    {
      config: { capability: 'manage' },
      schema: {
        ...doc(
          'manage',
          'Import a POS journal (CSV or NAXML POSJournal) of the location',
          `The body is the file (content type text/csv, application/xml, text/xml or application/octet-stream), at most ${JOURNAL_UPLOAD_MAX_BYTES / 1024 / 1024} MiB, ` +
            'read as it arrives. Every basket is recorded for this location (a CSV row naming another location is rejected). ' +
            'Bad rows are rejected with their row (CSV line, XML line) and reason while the rest import; a basket with a bad line is rejected whole. ' +
            'Idempotent: uploading the same file again imports nothing and counts its baskets as replayed. ' +
            'Answers the counts and the first 100 rejects. A file that cannot be read at all (a CSV header without a required column) is 400 with nothing imported; ' +
            'a body over the limit is 413 — baskets read before the limit stay recorded, and uploading the file again in parts is safe.',
        ),
        consumes: JOURNAL_MEDIA_TYPES,
        params: LocationParams,
        querystring: JournalUploadQuery,
        response: {
          200: JournalImportSummarySchema,
          ...E({
            400: 'ValidationError: format (field `format`), an unreadable file (field `body`)',
            404: 'LocationNotFound',
            413: 'PayloadTooLarge: the journal is over the limit',
            415: 'UnsupportedMediaType: not a journal content type',
          }),
        },
      },
    },
    async (request) => {
      await visibleLocation(opts.cstore, request, request.params.locationId);
      const body = request.body as AsyncIterable<Buffer> | undefined;
      if (!body || typeof body !== 'object' || !(Symbol.asyncIterator in body)) {
        throw new AppError('UnsupportedMediaType', `send the journal as ${JOURNAL_MEDIA_TYPES.join(', ')}`);
      }
      const length = Number(request.headers['content-length'] ?? 0);
      if (length > JOURNAL_UPLOAD_MAX_BYTES)
        throw new AppError('PayloadTooLarge', `the journal is larger than ${JOURNAL_UPLOAD_MAX_BYTES} bytes; import it with \`tillpoint scandata import\``);
      const format = JOURNAL_FORMATS.get(request.query.format)!;
      return opts.cstore.journal.import(format.read(limited(body, JOURNAL_UPLOAD_MAX_BYTES)), {
        locationId: request.params.locationId,
        onlyLocation: true,
        fieldNames: format.fieldNames,
        keepRejects: 100,
      });
    },
  );
}
