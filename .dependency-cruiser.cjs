/* global module */
// The layer rules of docs/architecture.md, checked by `npm run deps:check` (in `npm test`).
// Known violations (code still being moved behind repositories) live in
// .dependency-cruiser-known-violations.json and are reported, not failed; new ones fail.
// Regenerate that baseline after removing some: `npm run deps:baseline`.

/** What a use case may import at run time: the domain, other use cases and ports, the pure helpers,
 *  the error catalogue, and from the database adapter only the repositories and the transaction seam. */
const APP_MAY_IMPORT = [
  '^src/domain/',
  '^src/app/',
  '^src/lib/',
  '^src/errors[.]ts$',
  '^src/adapters/db/repositories/',
  '^src/adapters/db/tx[.]ts$',
  // what the database can do (capability flags instead of `engine === 'postgres'`)
  '^src/adapters/db/capabilities[.]ts$',
  '^src/version[.]ts$',
  // npm packages (Node's own modules are allowed by type below); Kysely is forbidden separately.
  '(^|/)node_modules/',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'src/domain is pure TypeScript: it imports only itself and TypeBox. No Node modules, no other npm package, ' +
        'not even src/lib (its helpers read randomness and hold caches); a pure helper the domain needs belongs in src/domain.',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', '(^|/)node_modules/@sinclair/typebox/'] },
    },
    {
      name: 'app-imports-domain-and-ports',
      severity: 'error',
      comment:
        'A use case (src/app) reaches the database only through src/adapters/db/repositories and src/adapters/db/tx.ts; ' +
        'any other adapter, the composition root or the config only as `import type`.',
      from: { path: '^src/app/' },
      to: { pathNot: APP_MAY_IMPORT, dependencyTypesNot: ['type-only', 'core'] },
    },
    {
      name: 'app-without-kysely',
      severity: 'error',
      comment: 'Only src/adapters/db knows the query builder: use cases name `Tx` from src/adapters/db/tx.ts, not Kysely types.',
      from: { path: '^src/app/' },
      to: { path: '(^|/)node_modules/kysely/' },
    },
    {
      name: 'core-without-http',
      severity: 'error',
      comment: 'The domain and the use cases know nothing of HTTP: not even types from src/adapters/http.',
      from: { path: '^src/(domain|app)/' },
      to: { path: '^src/adapters/http/' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'No module of src/ reaches itself through its imports at run time (a cycle made only of `import type` is harmless).',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'web-without-server-code',
      severity: 'error',
      comment: 'The back office (web/src) talks to the server over HTTP (web/src/api); it may share types, never run server code.',
      from: { path: '^web/src/' },
      to: { path: '^src/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-dev-dependency-in-production',
      severity: 'error',
      comment: 'src/ runs in production, where devDependencies are not installed: what it imports at run time is a dependency.',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing is a typo or a missing dependency.',
      from: { path: '^(src|web/src)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    preserveSymlinks: true,
    exclude: { path: '^(dist|web/dist)/' },
    // See `import type` (compiled away) so that the rules above can tell it apart.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
