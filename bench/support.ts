import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export const RESULTS_DIR = new URL('./results/', import.meta.url).pathname;

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Writes `<date>-<name>.json` (figures + machine) and `<date>-<name>.md` (the table). */
export function writeResults(name: string, figures: unknown, markdown: string): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const base = `${RESULTS_DIR}${today()}-${name}`;
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  writeFileSync(`${base}.json`, JSON.stringify({ name, date: new Date().toISOString(), machine, figures }, null, 2) + '\n');
  writeFileSync(`${base}.md`, `# ${name} — ${today()}\n\nMachine: ${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}\n\n${markdown}\n`);
  return base;
}

export function table(header: string[], rows: (string | number)[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** Deterministic randomness (xorshift32): the same data every run for the same seed. */
export function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}
