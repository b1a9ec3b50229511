// Lint for the whole monorepo, run by `npm test` (npm run lint). TypeScript is linted with type information
// (floating promises are a bug in a tracer: a rejected export or flush must never go unnoticed).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Patches forward `arguments` as they came (same length, no array built per call) to the functions they wrap:
// rest parameters would change `fn.length` checks in the libraries and allocate on every call.
const wrappersForwardArguments = { 'prefer-rest-params': 'off', 'prefer-spread': 'off' };

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '.release/**', '.docs-run/**', '.demo-output/**', 'bench/results/**', 'coverage/**', 'packages/agent/ui/**', 'fixtures/**', '**/*.d.ts'],
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node }, sourceType: 'commonjs', ecmaVersion: 2022 },
    rules: wrappersForwardArguments,
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module' },
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      ...wrappersForwardArguments,
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests load a library's version from a fixture chosen at run time, and untyped helpers (thriftrw).
    files: ['packages/*/test/**/*.ts', 'test-support/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
