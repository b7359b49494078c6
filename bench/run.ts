/**
 * Runs every benchmark (or those named on the command line) one after another, so they do not
 * compete for the two cores. Each writes its figures to bench/results/<date>-<name>.json and .md.
 */
const BENCHES: Record<string, () => Promise<unknown>> = {
  'pos-flow': async () => (await import('./pos-flow.bench.ts')).main(),
  'pos-cpu': async () => (await import('./pos-cpu.bench.ts')).main(),
  'sale-sql': async () => (await import('./sale-sql.bench.ts')).main(),
  sync: async () => (await import('./sync.bench.ts')).main(),
  'rules-eval': async () => (await import('./rules-eval.bench.ts')).main(),
  expiry: async () => (await import('./expiry.bench.ts')).main(),
  scandata: async () => (await import('./scandata.bench.ts')).main(),
  'scandata-db': async () => (await import('./scandata-db.bench.ts')).main(),
  'scandata-import': async () => (await import('./scandata-import.bench.ts')).main(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(BENCHES);
for (const name of names) {
  const run = BENCHES[name];
  if (!run) {
    process.stderr.write(`unknown bench "${name}"; known: ${Object.keys(BENCHES).join(', ')}\n`);
    process.exit(2);
  }
  process.stdout.write(`\n=== bench ${name} ===\n`);
  await run();
}
