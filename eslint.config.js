// `npm run lint` (part of `npm test`): typescript-eslint's strictTypeChecked over every TS file,
// the lit and web-component rules over the page's elements, and Prettier for layout.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-e2e/**', 'node_modules/**', 'bench/**', 'screenshots/**', '.data/**', '.keys/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './sw/tsconfig.json', './test/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Template literals of numbers and unions of literals read better than String() everywhere.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `void promise` marks a deliberate fire-and-forget; the rule then asks for nothing more.
      // `return done()` in a function that itself returns void says "and stop here", nothing more.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
      // Unused values named with a leading underscore are deliberate (e.g. a field dropped by destructuring).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // In a test, `x!` on something the test itself set up is an assertion: if it is wrong the test fails.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['test/components/**/*.ts'],
    rules: {
      // @open-wc/testing's chai plugins type every `expect(...)` chain as a promise, so this rule
      // flags each plain synchronous assertion. The one chain that really is async is axe's
      // `accessible()`: the selector below keeps that check.
      '@typescript-eslint/no-floating-promises': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: "ExpressionStatement > CallExpression[callee.property.name='accessible']",
          message: 'await the accessibility check, or it never fails the test',
        },
      ],
    },
  },
  { files: ['src/components/**/*.ts', 'test/components/**/*.ts'], ...lit.configs['flat/recommended'] },
  { files: ['src/components/**/*.ts'], ...wc.configs['flat/recommended'] },
  prettier,
);
