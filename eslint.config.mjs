// @ts-check
// ESLint flat config: typescript-eslint's type-checked rule sets on every .ts file of
// tsconfig.json (main.ts, cli/, site-model/, constructs/, stacks/, tests/, bench/), and the
// plain JavaScript rules on the few CommonJS config files. Formatting is Prettier's job
// (.prettierrc.json); none of the sets below has formatting rules.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, globalIgnores } from 'eslint/config';
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // templates/ holds the files `aif init` writes into a site repository; its main.ts imports the
  // installed package, so it is no part of this project's tsconfig.json.
  globalIgnores(['node_modules/', 'cdktf.out/', 'coverage/', 'dist/', 'render.out/', 'scratch/', '.terraform/', 'templates/']),
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: dirname(fileURLToPath(import.meta.url)),
      },
    },
    rules: {
      // Same convention as tsc's noUnusedLocals/noUnusedParameters: a leading _ marks a name kept on purpose,
      // and `const { values: _values, ...rest } = x` drops a key.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // `process.env.X || undefined` deliberately treats an empty string as unset.
      '@typescript-eslint/prefer-nullish-coalescing': ['error', { ignorePrimitives: { string: true } }],
      // Object type aliases stay: unlike an interface, a type literal is assignable to an index-signature type
      // such as cdktf's Json, and the autofix to `interface` breaks `x as Release` casts (tsc TS2352).
      '@typescript-eslint/consistent-type-definitions': 'off',
    },
  },
  {
    // jest.config.js, tests/summary-reporter.js, this file: not in tsconfig.json, so no type information.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
