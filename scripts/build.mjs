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
    '// The GitHub client reads GITHUB_API_URL as the bundle loads, and a',
    '// value that is no URL would fail there with a stack trace. Only',
    '// `review` talks to GitHub; the other commands do without it.',
    'const api = process.env.GITHUB_API_URL',
    "if (api !== undefined && api !== '' && !URL.canParse(api)) {",
    "  const command = process.argv.slice(2).find((arg) => !arg.startsWith('-'))",
    "  if (command === 'review') {",
    '    process.stderr.write(',
    '      `cost-aware-review: GITHUB_API_URL is "${api}", which is not a URL; ` +',
    "        'unset it for github.com, or set it to e.g. https://github.example.com/api/v3\\n',",
    '    )',
    '    process.exit(2)',
    '  }',
    '  delete process.env.GITHUB_API_URL',
    '}',
    "const { cli } = await import('./index.js')",
    'process.exitCode = await cli(process.argv.slice(2))',
    '',
  ].join('\n'),
  { mode: 0o755 },
)
