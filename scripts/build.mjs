// Bundles the action into one ESM file, dist/index.js, that runs without
// node_modules. The output is deterministic, so CI can compare it with the
// committed copy.
import { writeFileSync } from 'node:fs'
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

// The CLI's entry: a shebang and a call into the same bundle.
writeFileSync(
  'dist/cli.js',
  [
    '#!/usr/bin/env node',
    "// The local CLI of cost-aware-review: the action's bundle, from a terminal.",
    "import { cli } from './index.js'",
    '',
    'process.exitCode = await cli(process.argv.slice(2))',
    '',
  ].join('\n'),
  { mode: 0o755 },
)
