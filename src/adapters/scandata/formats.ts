import { altriaFormat } from './altria.format.ts';
import { rjrFormat } from './rjr.format.ts';
import type { ScanDataFormat } from './writer.ts';

/** Every scan-data format, by id. ITG would be one more entry. */
export const SCAN_DATA_FORMATS: ReadonlyMap<string, ScanDataFormat> = new Map<string, ScanDataFormat>(
  [rjrFormat, altriaFormat].map((f) => [f.id, f as unknown as ScanDataFormat]),
);
