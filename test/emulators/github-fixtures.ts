// Turns a recorded pull request from the shared fixture corpus into an
// emulator setup. The fixtures are read in place, never copied.

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { isRecord } from './github-http'
import type { GitHubFile, PullRequestSetup } from './github-types'

type Json = Record<string, unknown>

/**
 * Reads `event.json`, `files.json`, `head/` and, when present, `base/` and
 * `meta.json` of one fixture folder.
 */
export function loadFixtureSetup(dir: string): PullRequestSetup {
  const event = asRecord(readJson(join(dir, 'event.json')), dir, 'event')
  const files = readJson(join(dir, 'files.json'))
  if (!Array.isArray(files)) {
    throw new Error(`${dir}/files.json: expected the List-files array`)
  }
  const pull = field(event, 'pull_request', dir)
  const repository = field(event, 'repository', dir)
  const [owner, repo] = String(repository['full_name']).split('/')
  if (!owner || !repo) {
    throw new Error(`${dir}/event.json: repository.full_name is not owner/repo`)
  }

  const headSha = String(field(pull, 'head', dir)['sha'])
  const baseSha = String(field(pull, 'base', dir)['sha'])
  const range = `${baseSha}...${headSha}`
  return {
    owner,
    repo,
    number: Number(event['number'] ?? pull['number']),
    files: files as GitHubFile[],
    pull,
    repository,
    contents: {
      [headSha]: readTree(join(dir, 'head')),
      [baseSha]: readTree(join(dir, 'base')),
    },
    // The default branch's head is unknown; its merge base with the pull
    // is the closest revision a fixture describes.
    defaultRef: baseSha,
    commits: fixtureCommits(dir, baseSha, headSha),
    compareFiles: { [range]: files as GitHubFile[] },
  }
}

/**
 * Base and head, plus the base branch's later tip when the fixture records
 * one (`first_parent_sha`): then comparing tip and head shows divergence.
 * The pull's own commits are not recorded, so head's parent is the base.
 */
function fixtureCommits(
  dir: string,
  baseSha: string,
  headSha: string,
): PullRequestSetup['commits'] {
  const commits = [
    { sha: baseSha, parents: [] },
    { sha: headSha, parents: [baseSha] },
  ]
  const metaPath = join(dir, 'meta.json')
  const meta = existsSync(metaPath)
    ? asRecord(readJson(metaPath), dir, 'meta')
    : {}
  const tip = meta['first_parent_sha']
  if (typeof tip === 'string' && tip !== headSha) {
    commits.push({ sha: tip, parents: [baseSha] })
  }
  return commits
}

/** Every file under `root` as text, keyed by its slash-separated path. */
function readTree(root: string): Record<string, string> {
  if (!existsSync(root)) return {}
  const tree: Record<string, string> = {}
  const entries = readdirSync(root, { recursive: true, withFileTypes: true })
  for (const entry of entries) {
    if (!entry.isFile()) continue
    const absolute = join(entry.parentPath, entry.name)
    const path = relative(root, absolute).split(sep).join('/')
    // utf8 keeps CR bytes, so CRLF files stay byte-exact.
    tree[path] = readFileSync(absolute, 'utf8')
  }
  return tree
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'))
}

function asRecord(value: unknown, dir: string, name: string): Json {
  if (!isRecord(value)) {
    throw new Error(`${dir}: "${name}" is missing or not an object`)
  }
  return value
}

function field(record: Json, name: string, dir: string): Json {
  return asRecord(record[name], dir, name)
}
