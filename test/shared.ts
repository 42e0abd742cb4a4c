/**
 * The read-only material beside the checkout (../shared): real pull-request
 * fixtures and cases that broke similar tools. The project must build and
 * pass without it, so suites that need it skip, saying so.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const SHARED_DIR = resolve(import.meta.dirname, '../../shared')
export const FIXTURES_DIR = join(SHARED_DIR, 'fixtures/prs')
export const CASES_DIR = join(SHARED_DIR, 'cases')

export const hasShared = existsSync(FIXTURES_DIR) && existsSync(CASES_DIR)

if (!hasShared) {
  console.warn(
    `[skipped] ${SHARED_DIR} is absent: the suites over the shared fixtures ` +
      'and cases do not run.',
  )
}

/** The fixture folders, each a real pull request. */
export function fixtureSlugs(): string[] {
  if (!hasShared) return []
  return readdirSync(FIXTURES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
}

/**
 * The Node binaries the bundled action is run with: the one running the
 * tests (Node 20 here and in CI) and, when CAR_NODE24 names one, Node 24,
 * which GitHub's runners use for `runs.using: node24`. `.ci/run` installs
 * it from the npm registry (package `node@24`).
 */
export function nodeBinaries(): Array<[label: string, path: string]> {
  const binaries: Array<[string, string]> = [
    [`node ${process.version}`, process.execPath],
  ]
  const node24 = process.env.CAR_NODE24
  if (node24 && existsSync(node24)) {
    binaries.push(['node 24', node24])
  } else {
    console.warn(
      '[skipped] CAR_NODE24 is not set: the end-to-end suite runs on ' +
        `${process.version} only. .ci/run sets it.`,
    )
  }
  return binaries
}
