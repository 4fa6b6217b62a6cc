import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'events', 'stream', 'timers', 'timers/*'];

export default tseslint.config(
  { ignores: ['node_modules/', 'web/dist/', '.taskdeck/', 'bench/results/', 'eslint.config.mjs', 'plugin/lib/', 'examples/'] },
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
    // The plugin is a package of its own: it knows @temporalio/* and nothing of Taskdeck.
    files: ['plugin/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../*', '!./*'], message: 'plugin/ depends on @temporalio/* only: no import from outside plugin/src.' }] }],
    },
  },
  {
    // The plugin's workflow side runs in the workflow sandbox.
    files: ['plugin/src/{workflow,workflowInterceptors,tracker,upstream,messages,statuses,searchAttributes,types,labels,options,failures,protocol}.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'This runs in the workflow sandbox: no Node built-ins.' },
            { group: ['../*'], message: 'plugin/ depends on @temporalio/* only.' },
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
  {
    // The web app talks to the API over HTTP only; from the rest it shares core/'s pure modules.
    files: ['web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // A note for the React Compiler, which this app does not use (TanStack Virtual trips it).
      'react-hooks/incompatible-library': 'off',
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/api/*', '**/worker/*', '**/activities/*', '**/workflows/*', '**/runtime/*', '!./api/*', '!../api/*'], message: 'web/ reaches the API over HTTP; import only core/ from outside web/.' }] }],
    },
  },
);
