import js from '@eslint/js';
import unicorn from 'eslint-plugin-unicorn';
import tseslint from 'typescript-eslint';

/** `it.only`, `describe.skip` and the like must not be left behind (STYLE.md habit 10). */
const focusAndSkip = ['it', 'test', 'describe'].flatMap((object) =>
  ['only', 'skip'].map((property) => ({ object, property, message: `No .${property} left behind.` })),
);

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.data/', 'coverage/', 'client/dist/', '**/*.js', '!eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    // Type-aware rules: the `no-unsafe-*` family catches untrusted data used without a schema.
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  {
    plugins: { unicorn },
    rules: {
      // One naming rule for files (STYLE.md habit 2).
      'unicorn/filename-case': ['error', { case: 'kebabCase' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use an `as const` object and a derived union instead of enum.' },
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' },
      ],
      'no-restricted-properties': ['error', ...focusAndSkip],
      // Async methods that implement an async interface without awaiting are fine.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Lambda code never reaches into the local cloud, the CDK app or the tests (import direction;
    // handler → service → store is checked by test/platform/imports.test.ts).
    files: ['functions/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['#local/*', '**/local/*', '**/local/**'],
              message: 'functions/ must not import local/: the local cloud stands in for AWS, not the other way round.',
            },
            { group: ['**/infra/*', '**/infra/**'], message: 'functions/ must not import infra/ (the CDK app).' },
            { group: ['**/test/*', '**/test/**'], message: 'functions/ must not import test/.' },
          ],
        },
      ],
    },
  },
  {
    // The client library is a package of its own with no runtime dependencies (docs/kvconfig-client.md):
    // Node's built-ins and its own modules only, never the server's code.
    files: ['client/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!node:|\\.\\.?/)',
              message: 'client/ imports only node: built-ins and its own modules (no packages, no #shared/#functions/#local).',
            },
            { group: ['**/functions/**', '**/local/**', '**/test/**'], message: 'client/ must not import the server or the tests.' },
          ],
        },
      ],
    },
  },
  {
    // Tests and benchmarks read loosely typed JSON replies from the API under test and assert on
    // them; production code may neither use `any` nor touch untyped data without a schema.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Tool configuration files must default-export.
    files: ['eslint.config.js', 'vitest.config.ts', 'test/global-setup.ts', '**/*.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
