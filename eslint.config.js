// Lint rules that catch real bugs in a security tool: unawaited promises, unsafe any, unused code.
// Formatting is Biome's job (biome.json); this file never argues about layout.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tools/', 'coverage/', '.demo/', '**/*.mjs', 'bin/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off', // control characters in patterns are how we refuse them
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      // `import { z }` hands the bundle zod's whole namespace object, every locale included
      // (~560 KB, ~20 ms more CPU at every start); `import * as z` lets esbuild keep what is used.
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
          message: "use `import * as z from 'zod'` (start-up cost)",
        },
      ],
    },
  },
  {
    // Tests edit hostile JSON in place (drop fields, change types): `any` is the honest type there.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
