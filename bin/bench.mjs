#!/usr/bin/env node
// `npm run bench [-- name…]`: runs the load benchmarks in bench/ (TypeScript, through tsx).
import { register } from 'tsx/esm/api';

register();
await import('../bench/run.ts');
