// ESLint (flat config) for the web UI: `npm run lint`. TypeScript sources and tests, parsed by
// typescript-eslint (syntax rules, no type information), and the React hooks rules. typescript-eslint
// needs TypeScript's JavaScript API, which TypeScript 7 does not ship yet: the package named
// `typescript` is TypeScript 6's API (@typescript/typescript6), `tsc` is TypeScript 7 (@typescript/native).
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'e2e/', 'dev/'] },
  {
    files: ['src/**/*.{ts,tsx}', 'test/**/*.ts', 'vite.config.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    plugins: { 'react-hooks': reactHooks },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The two classic hooks rules. The plugin's React Compiler rules are not enabled: the UI is not
      // compiled with the React Compiler.
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // `_name` marks an argument a callback must take but does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
