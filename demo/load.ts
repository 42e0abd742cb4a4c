/**
 * The demo's pull request: derives GitHub's "List pull request files"
 * entries from the files before (base/) and after (head/) the change, the
 * way GitHub computes them, binary files without a patch.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { createTwoFilesPatch } from 'diff'
import { runAction, type ActionRun } from '../test/e2e/harness'
import {
  startGitHubEmulator,
  type GitHubFile,
  type PullRequestSetup,
  type SubmittedComment,
} from '../test/emulators/github'
import { startLlmEmulator } from '../test/emulators/llm'

export const DEMO_DIR = resolve(import.meta.dirname, 'pull-request')

export interface DemoPullRequest {
  readonly event: {
    pull_request: Record<string, unknown> & {
      number: number
      head: { sha: string }
      base: { sha: string }
    }
    repository: Record<string, unknown> & { full_name: string }
  }
  readonly setup: PullRequestSetup
  readonly reply: string
}

export function loadDemo(): DemoPullRequest {
  const event = JSON.parse(
    readFileSync(join(DEMO_DIR, 'event.json'), 'utf8'),
  ) as DemoPullRequest['event']
  const base = readTree(join(DEMO_DIR, 'base'))
  const head = readTree(join(DEMO_DIR, 'head'))
  const [owner, repo] = event.repository.full_name.split('/')
  if (!owner || !repo) {
    throw new Error(
      `${DEMO_DIR}/event.json: repository.full_name is not owner/repo`,
    )
  }
  const paths = [...new Set([...base.keys(), ...head.keys()])].sort()

  return {
    event,
    setup: {
      owner,
      repo,
      number: event.pull_request.number,
      files: paths.flatMap((path) =>
        changedFile(path, base.get(path), head.get(path)),
      ),
      pull: event.pull_request,
      repository: event.repository,
      contents: {
        [event.pull_request.base.sha]: textOnly(base),
        [event.pull_request.head.sha]: textOnly(head),
      },
    },
    reply: readFileSync(
      resolve(import.meta.dirname, 'model-reply.json'),
      'utf8',
    ),
  }
}

function changedFile(
  path: string,
  before: Buffer | undefined,
  after: Buffer | undefined,
): GitHubFile[] {
  if (before && after && before.equals(after)) return []
  const status = !before ? 'added' : !after ? 'removed' : 'modified'
  if (isBinary(before) || isBinary(after)) {
    return [{ filename: path, status, additions: 0, deletions: 0, changes: 0 }]
  }
  const patch = createTwoFilesPatch(
    path,
    path,
    before?.toString('utf8') ?? '',
    after?.toString('utf8') ?? '',
  )
  // GitHub's patch field starts at the first hunk, without a final newline.
  const hunks = patch.slice(patch.indexOf('@@')).replace(/\n$/, '')
  const lines = hunks.split('\n')
  const additions = lines.filter((line) => line.startsWith('+')).length
  const deletions = lines.filter((line) => line.startsWith('-')).length
  return [
    {
      filename: path,
      status,
      additions,
      deletions,
      changes: additions + deletions,
      patch: hunks,
    },
  ]
}

function readTree(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>()
  if (!existsSync(root)) return files
  for (const entry of readdirSync(root, {
    recursive: true,
    withFileTypes: true,
  })) {
    if (!entry.isFile()) continue
    const full = join(entry.parentPath, entry.name)
    files.set(relative(root, full), readFileSync(full))
  }
  return files
}

function textOnly(tree: Map<string, Buffer>): Record<string, string> {
  return Object.fromEntries(
    [...tree]
      .filter(([, data]) => !isBinary(data))
      .map(([path, data]) => [path, data.toString('utf8')]),
  )
}

function isBinary(data: Buffer | undefined): boolean {
  return data !== undefined && data.includes(0)
}

export interface DemoRun {
  readonly run: ActionRun
  readonly review?: { body: string; comments: SubmittedComment[] }
  /** Requests the emulators received, for the demo's own test. */
  readonly githubRequests: number
  readonly modelCalls: number
}

/** Runs the bundled action on the demo pull request against the emulators. */
export async function runDemo(): Promise<DemoRun> {
  const demo = loadDemo()
  const github = await startGitHubEmulator()
  const deepseek = await startLlmEmulator({
    flavour: 'deepseek',
    respond: () => ({ content: demo.reply }),
  })
  try {
    github.addPullRequest(demo.setup)
    const run = await runAction({
      event: demo.event,
      apiUrl: github.url,
      inputs: {
        'deepseek-api-key': 'test-key',
        'deepseek-base-url': deepseek.url,
      },
    })
    const stored = github.reviews[0]
    return {
      run,
      ...(stored
        ? {
            review: {
              body: String(stored.body),
              comments: stored.comments as SubmittedComment[],
            },
          }
        : {}),
      githubRequests: github.requests.length,
      modelCalls: deepseek.calls.length,
    }
  } finally {
    await Promise.all([github.close(), deepseek.close()])
  }
}
