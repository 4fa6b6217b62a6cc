import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'events', 'stream', 'timers', 'timers/*'];

export default tseslint.config(
  { ignores: ['node_modules/', 'web/dist/', '.taskdeck/', 'bench/results/', 'eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A forgotten await in a workflow or a route silently loses an error.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code is replayed in a sandbox: no Node built-ins, and activities as types only.
    files: ['core/**/*.ts', 'workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: nodeBuiltins, message: 'core/ and workflows/ run in the workflow sandbox: no Node built-ins.' }] }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'Workflows run in the workflow sandbox: no Node built-ins.' },
            { group: ['../activities/*', '../api/*', '../worker/*', '../runtime/*'], message: 'Workflows import core/ and activity types only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['api/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../worker/*', '../activities/*', '../../worker/*', '../../activities/*', '../workflows/*', '../../workflows/*'], message: 'api/ talks to Temporal, never to worker code.' }] }],
    },
  },
);
