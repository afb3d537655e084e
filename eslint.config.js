// ESLint for the project's JavaScript (npm run lint: zero warnings). Formatting is Prettier's
// (.prettierrc); these are the recommended correctness rules, with each file's globals.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['build/', 'dist/', 'node_modules/', 'third_party/', 'test-output/', 'out/'] },
  js.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: globals.node },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  // The page and the widget.
  {
    files: ['web/src/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  // What runs in the page's worker: the worker, and the Keras reader it loads.
  {
    files: ['web/src/worker.js', 'web/src/keras_import.js', 'web/src/keras_reader.js', 'web/src/hdf5_reader.js'],
    languageOptions: { globals: globals.worker },
  },
  // Node scripts that also hand functions to a browser page (page.evaluate and the like).
  {
    files: ['tests/browser/**/*.mjs', 'tests/support/**/*.mjs', 'bench/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  // Appended to the Emscripten module (--post-js): a classic script inside the module's scope.
  {
    files: ['wasm/module_api.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        ...globals.browser,
        Module: 'readonly',
        HEAPU8: 'readonly',
        addOnPostRun: 'readonly',
        PThread: 'readonly',
        ENVIRONMENT_IS_NODE: 'readonly',
      },
    },
  },
];
