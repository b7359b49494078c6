// Vitest global setup: builds the back office (web/dist) when it is missing or stale, once per run,
// so the browser tests always drive the current sources.
// @ts-expect-error -- a plain ES module script without types
import { ensureWebBuilt } from '../../scripts/build-web.mjs';

export default async function setup(): Promise<void> {
  await (ensureWebBuilt as (o?: { log?: (m: string) => void }) => Promise<boolean>)();
}
