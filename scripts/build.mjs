// Bundles the action into one ESM file, dist/index.js, that runs without
// node_modules. The output is deterministic, so CI can compare it with the
// committed copy.
import { build } from 'esbuild'

await build({
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  // Some dependencies are CommonJS and call require() for Node built-ins,
  // which an ES module does not have; give them one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
})
