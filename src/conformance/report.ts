import type { FieldResult } from './check.ts';

/** Plain-text tables of the kit's results, for a terminal; the JSON report is the results themselves. */

export interface CallLike {
  step: string;
  title: string;
  method: string;
  path: string;
  example: string;
  note?: string;
  /** the code and message of an error answer */
  said?: string;
  status: { expected: number | null; actual: number | null };
  fields: FieldResult[];
  error?: string;
  ok: boolean;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export function formatCall(call: CallLike, options: { failuresOnly?: boolean } = {}): string {
  const lines: string[] = [];
  const status = call.status.actual === null ? '---' : String(call.status.actual);
  lines.push(`${call.ok ? 'PASS' : 'FAIL'}  ${call.step}: ${call.title}  ${call.method} ${call.path}  → ${status}`);
  lines.push(`      example: ${call.example}${call.note ? `; ${call.note}` : ''}`);
  if (call.status.expected !== null && call.status.actual !== null && call.status.actual !== call.status.expected)
    lines.push(`      FAIL  HTTP status  expected ${call.status.expected}, got ${status}`);
  if (call.error) lines.push(`      FAIL  ${call.error}`);
  if (call.said && !(options.failuresOnly && call.ok)) lines.push(`      the server said: ${call.said}`);
  const width = Math.min(56, Math.max(12, ...call.fields.map((f) => f.path.length)));
  const exWidth = Math.min(40, Math.max(8, ...call.fields.map((f) => f.expected.length)));
  for (const f of call.fields) {
    if (options.failuresOnly && f.ok) continue;
    lines.push(`      ${f.ok ? 'ok  ' : 'FAIL'}  ${pad(f.path, width)}  ${pad(f.expected, exWidth)}  ${f.actual}`);
  }
  return lines.join('\n') + '\n';
}

export function formatSummary(calls: CallLike[], heading: string): string {
  const failed = calls.filter((c) => !c.ok);
  const fields = calls.flatMap((c) => c.fields);
  const lines = [
    '',
    `${heading}: ${calls.length - failed.length} of ${calls.length} calls pass, ${fields.filter((f) => f.ok).length} of ${fields.length} fields pass`,
  ];
  for (const c of failed) {
    const bad = c.fields.filter((f) => !f.ok).map((f) => f.path);
    const status =
      c.status.expected !== null && c.status.actual !== null && c.status.actual !== c.status.expected
        ? `status ${c.status.actual ?? '---'} (expected ${c.status.expected})`
        : '';
    const why = [status, c.error ?? '', status && c.said ? `"${c.said}"` : '', bad.length ? bad.join(', ') : ''].filter(Boolean).join('; ');
    lines.push(`  FAIL ${c.step}: ${why}`);
  }
  return lines.join('\n') + '\n';
}
