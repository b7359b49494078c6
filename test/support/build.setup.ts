// Vitest global setup: compiles the server (dist/) and builds the back office (web/dist) when they are
// missing or stale, once per run, so the processes the tests spawn (`bin/tillpoint.mjs`, as `npm start`
// does) run the current sources the way production runs them, and the browser tests drive the current
// back office.
// @ts-expect-error -- a plain ES module script without types
import { ensureServerBuilt } from '../../scripts/build.mjs';
// @ts-expect-error -- a plain ES module script without types
import { ensureWebBuilt } from '../../scripts/build-web.mjs';

export default async function setup(): Promise<void> {
  (ensureServerBuilt as (o: { allowTypeErrors: boolean }) => boolean)({ allowTypeErrors: true });
  await (ensureWebBuilt as () => Promise<boolean>)();
}
