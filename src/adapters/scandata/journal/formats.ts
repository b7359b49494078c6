import type { JournalFormat } from '../../../app/ports/journal-reader.ts';
import { csvJournal } from './csv.journal.ts';
import { naxmlJournal } from './naxml.journal.ts';

/** The POS journal formats `tillpoint scandata import` and the upload route read, by id. */
export const JOURNAL_FORMATS: ReadonlyMap<string, JournalFormat> = new Map([csvJournal, naxmlJournal].map((f) => [f.id, f]));
