// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: ['dist/', 'dev-dist/', 'node_modules/', 'test-results/', 'playwright-report/', 'bench/scratch/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.worker, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // The pure core must stay platform-free: it runs in Node tests, the CLI and the worker alike.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'window', message: 'src/core is platform-free' },
        { name: 'document', message: 'src/core is platform-free' },
        { name: 'navigator', message: 'src/core is platform-free' },
        { name: 'indexedDB', message: 'src/core is platform-free' },
        { name: 'self', message: 'src/core is platform-free' },
      ],
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'path', 'idb', 'comlink', 'preact*'] }],
    },
  },
);
