import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCAN_DATA_FORMATS } from '../../src/adapters/scandata/formats.ts';
import { VIOLATION_CODES } from '../../src/adapters/scandata/validation.ts';

const DOC = readFileSync(new URL('../../docs/scan-data.md', import.meta.url), 'utf8');

describe('docs/scan-data.md', () => {
  it('explains every violation code the validators report', () => {
    expect(VIOLATION_CODES.filter((c) => !DOC.includes(`\`${c}\``))).toEqual([]);
  });
  it('describes every format', () => {
    expect([...SCAN_DATA_FORMATS.keys()].filter((id) => !DOC.includes(`id \`${id}\``))).toEqual([]);
  });
});
