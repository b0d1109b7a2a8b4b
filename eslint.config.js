// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/dist-types/**',
      '**/*.generated.*',
      'portal/**/public/**',
      '.yarn/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Architecture boundaries (STYLE.md §11): the runtime never imports the operator; the portal never imports
    // runtime internals; the operator never imports the runtime or the portal.
    files: ['runtime/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@mobileplane/operator*', '@mobileplane/backstage-*', '**/operator/**', '**/portal/**'] },
      ],
    },
  },
  {
    files: ['operator/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@mobileplane/runtime*', '@mobileplane/backstage-*', '**/runtime/**', '**/portal/**'] },
      ],
    },
  },
  {
    files: ['portal/**/*.ts', 'portal/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@mobileplane/runtime*', '@mobileplane/operator', '**/runtime/**', '**/operator/controller/**'] },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts', 'dev/**/*.ts', '**/*.config.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
