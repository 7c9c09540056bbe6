// Lint enforces where code runs (DESIGN.md §2): electron only in main/, no Node built-ins in
// renderer/, and the renderer reaches into src/ only through src/contract/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// What no code under src/ imports; repeated in the stricter blocks below, since a later block's
// no-restricted-imports replaces an earlier one's instead of adding to it.
const srcPaths = [{ name: 'electron', message: 'electron is imported only in main/.' }];
const srcPatterns = [
  {
    group: ['react', 'react-dom', 'react/*', 'zustand'],
    message: 'src/ is Node-only core.',
  },
  {
    group: ['**/renderer/**', '**/main/**'],
    message: 'src/ never imports the shell or the UI.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'docs/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', { paths: srcPaths, patterns: srcPatterns }],
    },
  },
  {
    // The shim is thin (DESIGN.md §1): it never opens the store, never decides, and reaches the
    // gate only as a client (src/link); of src/gate it uses what both sides of the socket share.
    // stdout is the host's protocol stream, so it logs through its own stderr logger. Its tests
    // run a real gate in-process and are exempt.
    files: ['src/shim/**/*.ts'],
    ignores: ['src/shim/**/*.test.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: srcPaths,
          patterns: [
            ...srcPatterns,
            {
              // Except the secret detectors: pure text functions the shim needs to mask a held
              // result it passes redacted (the gate only ever sees a sample of it).
              group: ['**/store', '**/store/**', '**/policy/*', '!**/policy/secrets'],
              message: 'The shim never opens the store or decides: the gate does.',
            },
            {
              group: [
                '**/gate/*',
                '!**/gate/wire',
                '!**/gate/wireVersion',
                '!**/gate/auth',
                '!**/gate/lineChannel',
                '!**/gate/seal',
              ],
              message:
                "The shim reaches the gate through src/link; of src/gate only the socket's shared parts (wire, auth, lineChannel, seal).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'src/contract is shared with the renderer: no Node.',
            })),
            { name: 'electron' },
          ],
          patterns: [{ group: ['../*', '!../contract/*'], message: 'src/contract stands alone.' }],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'The renderer runs in a browser: no Node built-ins.',
            })),
            {
              name: 'electron',
              message: 'The renderer talks to main through window.airlock only.',
            },
          ],
          patterns: [
            {
              regex: '^(\\.\\./)+src/(?!contract/)',
              message: 'The renderer imports from src/ only src/contract/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
);
