#!/usr/bin/env node
/* global process */
// One pass of the suite, as `npm test` runs it (twice: `test:today`, and `test:next-year` under
// faketime). The server files run without per-file isolation — one module registry per worker —
// because importing the product afresh for every file (Fastify and the routes' schemas, Kysely,
// every use case) was a third of the run, and they share no module state: each opens its own
// database, app, clock and servers. The web components keep vitest's isolation (jsdom and Mantine
// keep document state between files). Arguments (file filters, reporters) go to both.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const vitest = (projectArgs) => spawnSync('npx', ['vitest', 'run', ...projectArgs, '--passWithNoTests', ...args], { stdio: 'inherit' }).status ?? 1;
const server = vitest(['--project', 'server', '--no-isolate']);
const web = vitest(['--project', 'web']);
process.exit(server || web);
