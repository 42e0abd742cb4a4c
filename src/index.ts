import { realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { run } from './main'

export { cli } from './cli'

// A runner starts this file; the local CLI (dist/cli.js) imports it for
// `cli` instead, and must not start a run.
const started = process.argv[1]
if (started && pathToFileURL(realpathSync(started)).href === import.meta.url) {
  void run()
}
