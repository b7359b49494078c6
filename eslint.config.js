import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The promise rules need types: a forgotten `await` on a database write or a transaction is the bug
// they catch. They run on every TypeScript file (src, test, bench, scripts, web) through the
// TypeScript project service, which finds each file's tsconfig (web/ has its own).
const promiseRules = {
  '@typescript-eslint/no-floating-promises': 'error',
  '@typescript-eslint/await-thenable': 'error',
  // React's `onSubmit={form.onSubmit(async …)}` is fine: the handler owns its errors (mutation state).
  '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'web/dist/', 'bench/results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Time is passed in. The domain never reads a clock, and neither does the database adapter: its
    // engine-specific paths (PostgreSQL's single-statement claims, …) take the time they are given,
    // which is what lets the year-ahead test pass run on SQLite alone (scripts/test-next-year.mjs).
    files: ['src/domain/**/*.ts', 'src/adapters/db/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Take the time as an argument (`now`); do not read the clock here.' },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Take the time as an argument (`now`); do not read the clock here.',
        },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: promiseRules,
  },
);
