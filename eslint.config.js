// Lint rules: the TypeScript-ESLint recommended set, plus "no console in src" (we log with pino).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'firmware/**', 'data/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { languageOptions: { globals: globals.node } },
  { files: ['src/**/*.ts'], rules: { 'no-console': 'error' } },
  // The web page runs in the browser (issue 9).
  { files: ['web/**/*.ts'], languageOptions: { globals: globals.browser }, rules: { 'no-console': 'error' } },
);
