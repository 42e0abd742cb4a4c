#!/usr/bin/env node
// The local CLI of cost-aware-review: the action's bundle, from a terminal.
// The GitHub client reads GITHUB_API_URL as the bundle loads, and a
// value that is no URL would fail there with a stack trace. Only
// `review` talks to GitHub; the other commands do without it.
const api = process.env.GITHUB_API_URL
if (api !== undefined && api !== '' && !URL.canParse(api)) {
  const command = process.argv.slice(2).find((arg) => !arg.startsWith('-'))
  if (command === 'review') {
    process.stderr.write(
      `cost-aware-review: GITHUB_API_URL is "${api}", which is not a URL; ` +
        'unset it for github.com, or set it to e.g. https://github.example.com/api/v3\n',
    )
    process.exit(2)
  }
  delete process.env.GITHUB_API_URL
}
const { cli } = await import('./index.js')
process.exitCode = await cli(process.argv.slice(2))
