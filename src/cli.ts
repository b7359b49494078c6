import { Command, CommanderError, Option } from 'commander';
import { DEMO_SLUG, type DemoInfo } from './demo/seed.ts';
import { AppError } from './errors.ts';
import { registerAdminCommands } from './cli/admin.commands.ts';
import { KitUsageError, registerConformanceCommands } from './cli/conformance.commands.ts';
import { registerCstoreCommands, startCstoreDemo } from './cli/cstore.commands.ts';
import { registerScandataCommands } from './cli/scandata.commands.ts';
import { assertWorkersFit, parseWorkers, reportListening, superviseWorkers, workerSlot, WorkersUsageError } from './cli/serve-cluster.ts';
import { VERSION } from './version.ts';

/*
 * Start-up cost: every process pays for what it imports before the first line runs, so the
 * commands import their implementation when they run (`--version` and `--help` load none of it)
 * and the composition root loads what only some configurations use (server.ts).
 */
const dbModules = () => Promise.all([import('./adapters/db/database.ts'), import('./adapters/db/migrator.ts'), import('./config.ts')]);

const databaseOption = () => new Option('--database <url>', 'sqlite:PATH or postgres://… (default: TILLPOINT_DATABASE_URL or sqlite:./data/tillpoint.db)');

/** Fails the command with a message for people, not a stack trace. */
class UsageError extends Error {}

function printDemo(info: DemoInfo, baseUrl: string | null, metricsUrl: string | null = baseUrl ? `${baseUrl}/metrics` : null): void {
  const lines: string[] = [];
  if (baseUrl) {
    lines.push(
      '',
      `Tillpoint ${VERSION} is serving on ${baseUrl}`,
      `  Back office (browser)  ${baseUrl}/admin/`,
      `  API docs (Swagger UI)  ${baseUrl}/docs`,
      `  OpenAPI document       ${baseUrl}/openapi.json`,
      `  health / readiness     ${baseUrl}/healthz  ${baseUrl}/readyz`,
      `  Prometheus metrics     ${metricsUrl}`,
    );
  }
  lines.push(
    '',
    `Demo program ${info.program.slug} (${info.program.name}): ${info.program.earning}, expiry ${info.program.expiry}`,
    '',
    'POS API keys (x-api-key):',
  );
  for (const [vendor, key] of Object.entries(info.keys)) lines.push(`  ${vendor.padEnd(9)} ${key}`);
  lines.push('', `Back-office login (POST /admin/v1/auth/login): ${info.admin.email} / ${info.admin.password} (${info.admin.role})`);
  lines.push('', 'Stores (posVendor.storeId):');
  for (const s of info.stores) lines.push(`  ${s.externalId.padEnd(6)} ${s.name.padEnd(14)} ${s.timeZone}`);
  lines.push('', 'Guests (loyalty id, balance):');
  for (const g of info.guests) lines.push(`  ${g.id}  ${g.name.padEnd(8)} ${String(g.balance).padStart(6)} points`);
  lines.push('', 'Rewards and offers (id, cost, PLU for partner/ncr/tillster, winrest):');
  for (const i of info.incentives)
    lines.push(`  ${i.id.padEnd(24)} ${i.kind.padEnd(6)} ${String(i.pointCost).padStart(5)} pts  PLU ${i.plu.partner}  winrest ${i.plu.winrest}  ${i.name}`);
  const guest = info.guests[0];
  lines.push(
    '',
    'Get a one-time code for a guest (valid 300 s), with a reward pre-selected:',
    `  npx tillpoint guest code ${guest?.id ?? '<loyaltyId>'} --select rwd-whopper`,
  );
  if (baseUrl) {
    lines.push(
      'then identify at the till:',
      `  curl -s ${baseUrl}/loyalty/identify -H 'content-type: application/json' -H 'x-api-key: ${info.keys.partner}' \\`,
      `    -d '{"identifier":"<code>","posVendor":{"posType":"Partner","storeId":"9999","terminal":"1","transactionId":"T-1","operator":"7"}}'`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n\n');
}

/** How `tillpoint config` shows an unset variable: what that means, when its schema says. */
function unsetText(defaultText: string | null): string {
  const text = defaultText?.replaceAll('`', '') ?? null;
  if (!text) return '(unset)';
  return text.startsWith('unset') ? `(${text})` : `(unset: ${text})`;
}

export function buildCli(): Command {
  const program = new Command('tillpoint')
    .description('Tillpoint: loyalty and promotions hub between POS systems and reward programs')
    .version(VERSION)
    .showHelpAfterError()
    // a subcommand's options belong to it (`conformance pos --key` is the listener's key)
    .enablePositionalOptions()
    .exitOverride();

  program
    .command('serve')
    .description('serve HTTP (migrates first)')
    .option('--port <port>', 'TCP port (default PORT or 3000)')
    .option('--host <host>', 'interface (default HOST or 127.0.0.1)')
    .addOption(databaseOption())
    .option('--demo', 'seed the demo program when missing and print URLs and keys')
    .option('--workers <n>', 'server processes sharing the port (node:cluster; PostgreSQL only when > 1): a number or auto (one per core)', '1')
    .action(async (opts: { port?: string; host?: string; database?: string; demo?: boolean; workers?: string }) => {
      const [[{ createDb }, { migrateToLatest }, { loadConfig }], { seedDemo }] = await Promise.all([dbModules(), import('./demo/seed.ts')]);
      const config = loadConfig(opts);
      const workers = parseWorkers(opts.workers);
      assertWorkersFit(workers, config.databaseUrl);
      const slot = await workerSlot();
      const banner = (baseUrl: string, metricsUrl: string | null, describe: string, demo: DemoInfo | null) => {
        const metricsLine = `${metricsUrl ?? `${baseUrl}/metrics`}${config.metricsToken ? ' (bearer token)' : ''}`;
        if (demo) printDemo(demo, baseUrl, metricsLine);
        else
          process.stdout.write(
            `Tillpoint ${VERSION} serving on ${baseUrl} (${describe}${workers > 1 ? `, ${workers} workers` : ''}); back office at ${baseUrl}/admin/; metrics on ${metricsLine}\n`,
          );
      };
      if (workers > 1 && slot === null) {
        // the primary: migrate and seed once, then fork the workers (each runs this action as a worker)
        const primaryDb = createDb(config.databaseUrl);
        const demo = await migrateToLatest(primaryDb)
          .then(() => (opts.demo ? seedDemo(primaryDb.kysely) : null))
          .finally(() => primaryDb.close());
        await superviseWorkers({ workers, announce: (address, metricsUrl) => banner(address, metricsUrl, primaryDb.describe, demo?.info ?? null) });
        return;
      }
      const { createRuntime } = await import('./server.ts');
      const runtime = await createRuntime(config);
      const demo = opts.demo && slot === null ? await seedDemo(runtime.db.kysely) : null;
      const address = await runtime.app.listen({ port: config.port, host: config.host });
      const metricsUrl = (await runtime.listenMetrics())?.replace('[::1]', 'localhost') ?? null;
      await runtime.startWorkers();
      const baseUrl = address.replace('[::1]', 'localhost');
      if (config.production && config.metricsToken === null && config.metricsPort === null && !slot) {
        runtime.app.log.warn('/metrics is open on the API port (per-program sales figures); set TILLPOINT_METRICS_TOKEN and/or TILLPOINT_METRICS_PORT');
      }
      if (slot === null) banner(baseUrl, metricsUrl, runtime.db.describe, demo?.info ?? null);
      // with --workers, the c-store demo (its RJR simulator) lives in the first worker only
      const cstoreDemo = opts.demo && !slot ? await startCstoreDemo(runtime, { baseUrl }) : null;
      if (slot !== null) reportListening(baseUrl, metricsUrl);
      const stop = async (signal: string) => {
        runtime.app.log.info({ signal }, 'shutting down');
        await cstoreDemo?.close();
        await runtime.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
      // a worker whose primary is gone stops too
      if (slot !== null) process.once('disconnect', () => void stop('disconnect'));
    });

  program
    .command('config')
    .description('print the effective configuration (every environment variable, its value and where it came from; secrets masked)')
    .option('--port <port>', 'as serve would take it')
    .option('--host <host>', 'as serve would take it')
    .addOption(databaseOption())
    .option('--json', 'print one JSON object: variable → value')
    .option('--markdown', "print the README's table of every variable, default and meaning")
    .action(async (opts: { port?: string; host?: string; database?: string; json?: boolean; markdown?: boolean }) => {
      const { configMarkdownTable, describeConfig } = await import('./config.ts');
      if (opts.markdown) return void process.stdout.write(configMarkdownTable());
      const entries = describeConfig(opts);
      if (opts.json) return void process.stdout.write(JSON.stringify(Object.fromEntries(entries.map((e) => [e.name, e.value])), null, 2) + '\n');
      const width = Math.max(...entries.map((e) => e.name.length));
      for (const e of entries)
        process.stdout.write(`${e.name.padEnd(width)}  ${e.value ?? unsetText(e.defaultText)}${e.source === 'default' ? '' : `  (${e.source})`}\n`);
    });

  program
    .command('migrate')
    .description('apply database migrations')
    .addOption(databaseOption())
    .action(async (opts: { database?: string }) => {
      const [{ createDb }, { migrateToLatest }, { loadConfig }] = await dbModules();
      const db = createDb(loadConfig(opts).databaseUrl);
      try {
        const result = await migrateToLatest(db);
        const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : `${db.describe} is up to date\n`);
      } finally {
        await db.close();
      }
    });

  program
    .command('expire-points')
    .description("run the points-expiry job now (as the schedule would): every program's policy, once per UTC day")
    .addOption(databaseOption())
    .option('--at <iso>', 'the moment to expire as of (default now)')
    .option('--force', "run even if today's run finished; still writes only what is due")
    .action(async (opts: { database?: string; at?: string; force?: boolean }) => {
      const now = opts.at ? new Date(opts.at) : new Date();
      if (Number.isNaN(now.getTime())) throw new Error(`--at "${opts.at}" is not an ISO date-time`);
      const [[{ createDb }, { migrateToLatest }, { loadConfig }], { expirePointsJob }] = await Promise.all([
        dbModules(),
        import('./jobs/expire-points.job.ts'),
      ]);
      const db = createDb(loadConfig(opts).databaseUrl);
      try {
        await migrateToLatest(db);
        const reports = await expirePointsJob.run({ db, now: () => now, options: { force: Boolean(opts.force) } });
        if (!reports.length) process.stdout.write('no program has an expiry policy\n');
        for (const r of reports) {
          process.stdout.write(
            r.skipped
              ? `${r.programId}  ${r.runDate}  skipped: ${r.skipped}\n`
              : `${r.programId}  ${r.runDate}  scanned ${r.guestsScanned} guests, expired ${r.pointsExpired} points of ${r.guestsExpired} guests in ${(r.ms / 1000).toFixed(1)} s\n`,
          );
        }
      } finally {
        await db.close();
      }
    });

  program
    .command('demo')
    .description('seed the demo program when missing and print its keys, stores, guests and incentives')
    .addOption(databaseOption())
    .option('--json', 'print one JSON document')
    .action(async (opts: { database?: string; json?: boolean }) => {
      const [[{ createDb }, { migrateToLatest }, { loadConfig }], { seedDemo }] = await Promise.all([dbModules(), import('./demo/seed.ts')]);
      const db = createDb(loadConfig(opts).databaseUrl);
      try {
        await migrateToLatest(db);
        const { info } = await seedDemo(db.kysely);
        if (opts.json) process.stdout.write(JSON.stringify(info, null, 2) + '\n');
        else printDemo(info, null);
      } finally {
        await db.close();
      }
    });

  const guest = program.command('guest').description('guest tools');
  guest
    .command('code')
    .description('print a fresh one-time 6-digit code for a guest, with incentives pre-selected')
    .argument('<loyaltyId>', "the guest's loyalty id")
    .option('--select <incentiveId...>', 'incentive ids to pre-select (at most one offer)')
    .option('--program <slug>', 'program slug', DEMO_SLUG)
    .option('--ttl <seconds>', 'lifetime in seconds', '300')
    .option('--json', 'print JSON')
    .addOption(databaseOption())
    .action(async (loyaltyId: string, opts: { select?: string[]; program: string; ttl: string; json?: boolean; database?: string }) => {
      const ttl = Number(opts.ttl);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) throw new UsageError('--ttl must be whole seconds between 1 and 86400');
      const [[{ createDb }, { migrateToLatest }, { loadConfig }], { findProgramBySlug }, { LoyaltyService }, { cryptoRandomIndex }] = await Promise.all([
        dbModules(),
        import('./adapters/db/repositories/config.repository.ts'),
        import('./app/loyalty.service.ts'),
        import('./lib/ids.ts'),
      ]);
      const config = loadConfig(opts);
      const db = createDb(config.databaseUrl);
      try {
        await migrateToLatest(db);
        const prog = await findProgramBySlug(db.kysely, opts.program);
        if (!prog) throw new UsageError(`no program "${opts.program}" (run \`tillpoint demo\` to create the demo program)`);
        const service = new LoyaltyService({ db, randomIndex: cryptoRandomIndex, publicUrl: '' });
        const { code, expiresAt } = await service.createCode(prog.id, loyaltyId.toLowerCase(), opts.select ?? [], ttl);
        if (opts.json) process.stdout.write(JSON.stringify({ code, expiresAt, loyaltyId, selected: opts.select ?? [] }) + '\n');
        else process.stdout.write(`${code}\n`);
        if (!opts.json) process.stderr.write(`valid until ${expiresAt}${opts.select?.length ? `, pre-selected: ${opts.select.join(', ')}` : ''}\n`);
      } finally {
        await db.close();
      }
    });

  registerAdminCommands(program);
  registerCstoreCommands(program);
  registerScandataCommands(program);
  registerConformanceCommands(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof UsageError || e instanceof KitUsageError || e instanceof WorkersUsageError || e instanceof AppError) {
      process.stderr.write(`tillpoint: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`tillpoint: ${(e as Error).message}\n`);
    return 1;
  }
}

const code = await runCli(process.argv.slice(2));
if (code !== 0) process.exit(code);
