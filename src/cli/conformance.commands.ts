import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { runConformance } from '../conformance/client.ts';
import { listenAsLoyaltyServer } from '../conformance/listener.ts';
import { formatCall, formatSummary } from '../conformance/report.ts';
import { type KitValues, VENDORS, type Vendor } from '../conformance/scenario.ts';

/**
 * `tillpoint conformance`: the Loyalty API v1 conformance kit (src/conformance/), from both sides.
 *
 * @example
 * npx tillpoint conformance --target http://127.0.0.1:3000 --key tp_test_ncr_… --vendor ncr \
 *   --store 9999 --identifier 123456 --plu 3001 --short-identifier 9b7f3c2d-… --reward-plu 900101
 * npx tillpoint conformance pos --listen --port 4100 --vendor winrest
 */

/** What `--config FILE` may hold; a flag given on the command line wins. */
interface KitConfig {
  target?: string;
  key?: string;
  vendor?: Vendor;
  store?: string;
  identifier?: string;
  plu?: string;
  shortIdentifier?: string;
  rewardPlu?: string;
  rewardId?: string;
  /** any other placeholder of the seed examples, e.g. { "$smgCode": "SMG-0042" } */
  values?: Record<string, string>;
}

class KitUsageError extends Error {}

const collectSet = (value: string, previous: Record<string, string> = {}) => {
  const at = value.indexOf('=');
  if (at < 1) throw new InvalidArgumentError('expected NAME=VALUE, e.g. smgCode=SMG-0042');
  const name = value.slice(0, at).replace(/^\$?/, '$');
  return { ...previous, [name]: value.slice(at + 1) };
};

function readConfig(file: string | undefined): KitConfig {
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as KitConfig;
  } catch (e) {
    throw new KitUsageError(`--config ${file}: ${(e as Error).message}`);
  }
}

const vendorOption = () => new Option('--vendor <vendor>', "the POS dialect: the key's vendor").choices([...VENDORS]);

function writeJson(file: string | undefined, report: unknown): void {
  if (file) writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
}

export function registerConformanceCommands(program: Command): void {
  const conformance = program
    .command('conformance')
    // `conformance pos --key …`: the options after `pos` are the listener's, not the client's
    .enablePositionalOptions()
    .description(
      'replay every example of the Loyalty API v1 seed documents against a loyalty server (or, with `pos`, check a POS) and print a pass/fail table per call and field',
    )
    .option('--target <baseUrl>', 'the loyalty server under test, e.g. http://127.0.0.1:3000')
    .option('--key <x-api-key>', 'a POS API key of the target for --vendor')
    .addOption(vendorOption())
    .option('--store <storeId>', 'posVendor.storeId of a store of the target (the examples\' "9999")')
    .option('--identifier <code>', "identify's identifier: a fresh one-time code (or loyalty id) of a guest with one incentive pre-selected")
    .option('--plu <plu>', "a menu item PLU the target knows ($plu: the sale's items)")
    .option('--short-identifier <loyaltyId>', 'a guest who cannot afford --reward-plu (the RulesError example)')
    .option('--reward-plu <plu>', 'the PLU of a reward for --vendor that --short-identifier cannot afford')
    .option('--reward-id <incentiveId>', "NCR: that reward's incentive id (NCR stamps it on the applied discount)")
    .option('--set <name=value>', 'a value for any other $placeholder of the examples (repeatable), e.g. smgCode=SMG-0042', collectSet)
    .option(
      '--config <file>',
      'a JSON file with any of these settings: target, key, vendor, store, identifier, plu, shortIdentifier, rewardPlu, rewardId, values',
    )
    .option('--json <file>', 'also write the whole report as JSON to FILE')
    .option('--failures-only', 'print only the failing fields of each call')
    .action(async (opts: KitConfig & { set?: Record<string, string>; config?: string; json?: string; failuresOnly?: boolean }) => {
      const file = readConfig(opts.config);
      const pick = <K extends keyof KitConfig>(k: K) => opts[k] ?? file[k];
      const target = pick('target');
      const key = pick('key');
      const vendor = pick('vendor');
      const identifier = pick('identifier');
      const missing = [!target && '--target', !key && '--key', !vendor && '--vendor', !identifier && '--identifier'].filter(Boolean);
      if (missing.length) throw new KitUsageError(`conformance needs ${missing.join(', ')} (flags or --config)`);
      if (!VENDORS.includes(vendor!)) throw new KitUsageError(`--vendor must be one of ${VENDORS.join(', ')}`);
      const values: Record<string, string> = { ...(file.values ?? {}), ...(opts.set ?? {}) };
      const plu = pick('plu');
      if (plu) values.$plu = plu;
      const kit: KitValues & { target: string; key: string } = {
        target: target!,
        key: key!,
        vendor: vendor!,
        store: pick('store') ?? '9999',
        identifier: identifier!,
        shortIdentifier: pick('shortIdentifier'),
        rewardPlu: pick('rewardPlu'),
        rewardId: pick('rewardId'),
        values,
        runId: `CK${Date.now().toString(36).toUpperCase()}${randomBytes(2).toString('hex').toUpperCase()}`,
      };
      process.stdout.write(`Loyalty API v1 conformance: ${kit.vendor} against ${kit.target} (POS transactions ${kit.runId}-…)\n\n`);
      const report = await runConformance({ ...kit, onCall: (call) => process.stdout.write(formatCall(call, { failuresOnly: opts.failuresOnly })) });
      process.stdout.write(formatSummary(report.calls, `${kit.vendor} against ${kit.target}`));
      writeJson(opts.json, report);
      if (!report.ok) process.exitCode = 1;
    });

  conformance
    .command('pos')
    .description('act as the loyalty server for a POS under test: answer the seed examples and check every call the POS makes against them')
    .requiredOption('--listen', 'listen for the POS (the only mode)')
    .option('--port <port>', 'TCP port (default 0: any free port, printed)', '0')
    .option('--host <host>', 'interface', '127.0.0.1')
    .addOption(vendorOption())
    .option('--key <x-api-key>', 'the x-api-key the POS must send (default: any non-empty key)')
    .option('--short-identifier <id>', 'identify with this identifier opens a sale whose validate answers the RulesError example')
    .option('--set <name=value>', 'a value for a $placeholder of the answers (repeatable), e.g. benefitPlu=900102', collectSet)
    .option('--json <file>', 'write the whole report as JSON to FILE on exit')
    .action(
      async (opts: { port: string; host: string; vendor?: Vendor; key?: string; shortIdentifier?: string; set?: Record<string, string>; json?: string }) => {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new KitUsageError('--port must be a TCP port');
        const server = await listenAsLoyaltyServer({
          port,
          host: opts.host,
          vendor: opts.vendor,
          key: opts.key,
          shortIdentifier: opts.shortIdentifier,
          values: opts.set ?? {},
          onCall: (call) => process.stdout.write(formatCall(call)),
        });
        process.stdout.write(`Loyalty API v1 conformance, POS side: answering as a loyalty server on ${server.url} (Ctrl-C for the summary)\n\n`);
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await server.close();
        const report = server.report();
        process.stdout.write(formatSummary(report.calls, 'POS calls'));
        writeJson(opts.json, report);
        if (!report.ok) process.exitCode = 1;
      },
    );
}

export { KitUsageError };
