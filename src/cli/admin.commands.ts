import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { type Command, Option } from 'commander';
import { createDb } from '../adapters/db/database.ts';
import { migrateToLatest } from '../adapters/db/migrator.ts';
import type { AdminRole } from '../domain/admin-role.ts';
import { ADMIN_ROLES } from '../app/admin-auth.service.ts';
import { adminContext, cliActor } from '../app/admin/context.ts';
import { createAdminUser } from '../app/admin/users.ts';
import { loadConfig } from '../config.ts';

/**
 * `tillpoint admin create-user`: the first back-office login of a deployment that was not seeded
 * with the demo (`serve` without `--demo` creates no user, and every admin route needs one). The
 * password comes from `TILLPOINT_ADMIN_PASSWORD`, else one is generated and printed once. The
 * change is audited as the CLI (`admin_user.create`, actor `cli:<OS user>`).
 *
 * @example
 * npx tillpoint admin create-user --email ops@brand.example --name "Ops" --role owner
 * # → created owner ops@brand.example (every program); password: 4kV…  (shown once)
 */
export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('back-office users');
  admin
    .command('create-user')
    .description('create a back-office user (the first owner of a new deployment); password from TILLPOINT_ADMIN_PASSWORD, else generated and printed once')
    .requiredOption('--email <email>', 'login e-mail')
    .option('--name <name>', 'display name (default: the e-mail)')
    .addOption(new Option('--role <role>', 'role').choices([...ADMIN_ROLES]).default('owner'))
    .option('--programs <ids>', 'comma-separated program ids, or * for every program', '*')
    .option('--json', 'print JSON')
    .addOption(new Option('--database <url>', 'sqlite:PATH or postgres://… (default: TILLPOINT_DATABASE_URL or sqlite:./data/tillpoint.db)'))
    .action(async (opts: { email: string; name?: string; role: AdminRole; programs: string; json?: boolean; database?: string }) => {
      const config = loadConfig(opts);
      const password = config.adminPassword ?? randomBytes(15).toString('base64url');
      const programIds =
        opts.programs.trim() === '*'
          ? '*'
          : opts.programs
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean);
      const db = createDb(config.databaseUrl);
      try {
        await migrateToLatest(db);
        const user = await createAdminUser(adminContext(db.kysely, cliActor(`cli:${safeUser()}`)), {
          email: opts.email,
          name: opts.name ?? opts.email,
          password,
          role: opts.role,
          programIds,
        });
        const shown = config.adminPassword ? null : password;
        if (opts.json) process.stdout.write(JSON.stringify({ user, ...(shown ? { password: shown } : {}) }) + '\n');
        else {
          process.stdout.write(`created ${user.role} ${user.email} (${user.programIds === '*' ? 'every program' : user.programIds.join(', ')})\n`);
          if (shown) process.stdout.write(`password: ${shown}\n(shown once; log in with POST /admin/v1/auth/login)\n`);
        }
      } finally {
        await db.close();
      }
    });
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
