/**
 * Re-runs, pushes and force-pushes, end to end: the same emulators serve
 * several runs of the bundled action on one pull request.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github'
import {
  startLlmEmulator,
  type LlmEmulator,
  type Responder,
} from '../emulators/llm'
import { codeReviewer } from './code-reviewer'
import { scriptedReviewer } from './reviewer'
import { reviewMarker } from '../../src/report/markers'
import { listedFile } from '../helpers'
import { runAction } from './harness'

const BASE = 'b'.repeat(40)
const H1 = '1'.repeat(40)
const H2 = '2'.repeat(40)
const H3 = '3'.repeat(40)
const H4 = '4'.repeat(40)

const client = (lines: string[]) =>
  `@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}`
const CLIENT_H1 = [
  "import { config } from './config'",
  '',
  'export interface Client {',
  '  get(path: string): Promise<unknown>',
  '}',
  '',
  'export function createClient(base: string): Client {',
  '  return {',
  '    async get(path: string) {',
  '      const url = new URL(path, base)',
  '      // Requests go to the configured API.',
  '      config.log(url)',
  '',
  '      const res = await fetch(url);',
  '      return res.json()',
  '    },',
  '  }',
  '}',
]
const CLIENT_H2 = [
  ...CLIENT_H1.slice(0, 12),
  "      const headers = { accept: 'application/json' }",
  ...CLIENT_H1.slice(12),
]

const UTIL = 'src/util.ts'
const CLIENT = 'src/api/client.ts'
const filesH1 = [
  listedFile(CLIENT, client(CLIENT_H1), { status: 'added' }),
  listedFile(
    UTIL,
    "@@ -1,5 +1,6 @@\n export function sum(values: number[]): number {\n   let total = 0\n   for (const value of values) total += value\n+  console.log('sum', total)\n   return total\n }",
  ),
]
const filesH2 = [
  listedFile(CLIENT, client(CLIENT_H2), { status: 'added' }),
  listedFile(
    UTIL,
    "@@ -1,5 +1,7 @@\n+// TODO: handle NaN\n export function sum(values: number[]): number {\n   let total = 0\n   for (const value of values) total += value\n+  console.log('sum', total)\n   return total\n }",
  ),
]
const sinceH1 = [
  listedFile(
    CLIENT,
    "@@ -10,6 +10,7 @@ export function createClient(base: string): Client {\n       const url = new URL(path, base)\n       // Requests go to the configured API.\n       config.log(url)\n+      const headers = { accept: 'application/json' }\n \n       const res = await fetch(url);\n       return res.json()",
  ),
  listedFile(
    UTIL,
    "@@ -1,4 +1,5 @@\n+// TODO: handle NaN\n export function sum(values: number[]): number {\n   let total = 0\n   for (const value of values) total += value\n   console.log('sum', total)",
  ),
]
const filesH3 = [
  listedFile(
    UTIL,
    "@@ -1,5 +1,6 @@\n export function sum(values: number[]): number {\n   let total = 0\n   for (const value of values) total += value\n+  console.log('sum', total)\n   return total\n }",
  ),
  listedFile(
    'src/run.ts',
    '@@ -0,0 +1,2 @@\n+export const run = (code: string) => eval(code)\n+// done',
    { status: 'added' },
  ),
]

const rules = [
  {
    pattern: /await fetch\(/,
    severity: 'major' as const,
    body: 'No timeout on fetch; a hung server blocks the job.',
  },
  {
    pattern: /console\.log/,
    severity: 'nit' as const,
    body: 'Debug logging left in.',
  },
  { pattern: /TODO/, severity: 'minor' as const, body: 'Unresolved TODO.' },
  {
    pattern: /eval\(/,
    severity: 'critical' as const,
    body: 'eval runs arbitrary code.',
  },
]

function event(action: string, head: string, number = 9) {
  const repository = {
    full_name: 'octo-org/app',
    private: false,
    visibility: 'public',
  }
  return {
    action,
    repository,
    pull_request: {
      number,
      title: 'Add an API client',
      body: 'Adds a client.',
      draft: false,
      user: { login: 'octocat' },
      head: { sha: head, repo: repository },
      base: { sha: BASE, repo: repository },
    },
  }
}

// H4 fixes the fetch H1 added, and changes nothing else.
const FIXED_H4 = CLIENT_H1.map((line) =>
  line.replace('await fetch(url);', 'await fetchWithTimeout(url);'),
)
const sinceH1Fixed = [
  listedFile(
    CLIENT,
    '@@ -14,1 +14,1 @@\n-      const res = await fetch(url);\n+      const res = await fetchWithTimeout(url);',
  ),
]

let github: GitHubEmulator
let deepseek: LlmEmulator
let respond: Responder
beforeEach(async () => {
  github = await startGitHubEmulator({
    logins: { 'app-token': 'ci-app[bot]', 'mallory-token': 'mallory[bot]' },
  })
  respond = codeReviewer(rules)
  deepseek = await startLlmEmulator({
    flavour: 'deepseek',
    respond: (request) => respond(request),
  })
  github.addPullRequest({
    owner: 'octo-org',
    repo: 'app',
    number: 9,
    files: filesH1,
    pull: event('opened', H1).pull_request,
    repository: event('opened', H1).repository,
    commits: [
      { sha: BASE, parents: [] },
      { sha: H1, parents: [BASE] },
      { sha: H2, parents: [H1] },
      { sha: H3, parents: [BASE] },
      { sha: H4, parents: [H1] },
    ],
    compareFiles: {
      [`${H1}...${H2}`]: sinceH1,
      [`${H1}...${H4}`]: sinceH1Fixed,
    },
  })
})
afterEach(async () => {
  await Promise.all([github.close(), deepseek.close()])
})

async function runOn(
  action: string,
  head: string,
  inputs: Record<string, string> = {},
  { exitCode = 0, number = 9 } = {},
) {
  const calls = deepseek.calls.length
  const run = await runAction({
    event: event(action, head, number),
    apiUrl: github.url,
    inputs: {
      'deepseek-api-key': 'test-key',
      'deepseek-base-url': deepseek.url,
      ...inputs,
    },
  })
  expect(run.exitCode, run.stdout + run.stderr).toBe(exitCode)
  const newCalls = deepseek.calls.slice(calls)
  return {
    run,
    calls: newCalls.length,
    promptTokens: newCalls.reduce((sum, call) => sum + call.promptTokens, 0),
  }
}

function commentsAt(reviewIndex: number) {
  const review = github.reviews[reviewIndex] as {
    comments: Array<{ path: string; line: number }>
  }
  return review.comments.map(({ path, line }) => `${path}:${line}`)
}

describe('runs after the first review', () => {
  it('re-running on the same head calls no model and notes the run on the review', async () => {
    await runOn('opened', H1)
    expect(commentsAt(0)).toEqual([`${CLIENT}:14`, `${UTIL}:4`])
    const calls = deepseek.calls.length

    const second = await runOn('opened', H1)
    expect(deepseek.calls).toHaveLength(calls)
    expect(github.reviews).toHaveLength(1)
    expect(github.reviewComments).toHaveLength(2)
    const update = github.requests.find((request) => request.method === 'PUT')!
    const body = (update.body as { body: string }).body
    expect(body).toContain(
      `Re-run at ${H1.slice(0, 7)}: already reviewed, no model called, $0.`,
    )
    expect(body).toMatch(
      /"runs":\[\{"head":"1{40}".*\},\{"head":"1{40}","usd":0,"found":\{"major":1,"nit":1\},"standing":\[/,
    )
    // Only the last run carries the standing findings.
    expect(body.match(/"standing"/g)).toHaveLength(1)
    expect(second.run.summary).toContain(
      'was already reviewed, so no model was called',
    )

    // A third run replaces the footer instead of adding another.
    await runOn('opened', H1)
    const last = github.requests
      .filter((request) => request.method === 'PUT')
      .at(-1)!
    expect(
      (last.body as { body: string }).body.match(/Re-run at/g),
    ).toHaveLength(1)
  })

  it('with review-again, reviews the same head anew and posts no finding twice', async () => {
    await runOn('opened', H1)
    const second = await runOn('opened', H1, { 'review-again': 'true' })
    expect(github.reviews).toHaveLength(1)
    expect(github.reviewComments).toHaveLength(2)
    const update = github.requests.find((request) => request.method === 'PUT')!
    expect((update.body as { body: string }).body).toContain(
      `Re-reviewed ${H1.slice(0, 7)}: no new findings.`,
    )
    expect(second.run.summary).toContain('Nothing new to post')
  })

  it('after a push, reviews only the new changes and posts only new findings', async () => {
    const first = await runOn('opened', H1)
    github.setHead('octo-org', 'app', 9, H2, filesH2)
    const second = await runOn('synchronize', H2)

    expect(second.promptTokens).toBeLessThan(first.promptTokens)
    expect(github.reviews).toHaveLength(2)
    // The fetch finding moved to line 15 with its code: not repeated. The
    // console.log line is context now: not repeated either.
    expect(commentsAt(1)).toEqual([`${UTIL}:1`])
    expect(second.run.summary).toContain(
      `Reviewed the changes since ${H1.slice(0, 7)}`,
    )
    expect(String(github.reviews[1]!.body)).toContain(
      '2 findings were already posted and are not repeated.',
    )
  })

  it('after a force-push, falls back to a full review', async () => {
    await runOn('opened', H1)
    github.setHead('octo-org', 'app', 9, H3, filesH3)
    const third = await runOn('synchronize', H3)
    expect(third.run.summary).toContain('is no longer part of its history')
    const prompt = deepseek.calls.at(-1)!.prompt
    expect(prompt).toContain('FILE: src/run.ts')
    expect(prompt).toContain('FILE: src/util.ts')
    expect(commentsAt(1)).toEqual(['src/run.ts:1'])
  })
})

describe('fail-on across runs', () => {
  it('a push that leaves a failing finding in place still fails the check', async () => {
    // A reviewer that, like a model told to focus on the change, flags
    // only added lines: the second run does not see the fetch again.
    respond = codeReviewer(rules, { addedOnly: true })
    const first = await runOn(
      'opened',
      H1,
      { 'fail-on': 'major' },
      { exitCode: 1 },
    )
    expect(first.run.stdout).toContain('1 finding is major or more severe')

    github.setHead('octo-org', 'app', 9, H2, filesH2)
    const second = await runOn(
      'synchronize',
      H2,
      { 'fail-on': 'major' },
      { exitCode: 1 },
    )
    expect(commentsAt(1)).toEqual([`${UTIL}:1`])
    expect(second.run.stdout).toContain(
      '1 finding is major or more severe (`fail-on: major`), 1 of them from ' +
        'an earlier review whose code is still in the pull request',
    )
  })

  it('a push that removes the failing code clears the check', async () => {
    respond = codeReviewer(rules, { addedOnly: true })
    await runOn('opened', H1, { 'fail-on': 'major' }, { exitCode: 1 })
    github.setHead('octo-org', 'app', 9, H4, [
      listedFile(CLIENT, client(FIXED_H4), { status: 'added' }),
      filesH1[1]!,
    ])
    await runOn('synchronize', H4, { 'fail-on': 'major' }, { exitCode: 0 })
  })
})

describe('a run that could not review every file', () => {
  const BIG = 'src/big.ts'
  // Long enough that, with the smallest prompt budget, it is split across
  // calls.
  const big = ['export const run = (code: string) => eval(code)'].concat(
    Array.from(
      { length: 60 },
      (_, i) => `export const value${i} = compute(${i}, 'label ${i}')`,
    ),
  )

  it('leaves the missed files to the next run on the same head', async () => {
    github.addPullRequest({
      owner: 'octo-org',
      repo: 'app',
      number: 10,
      files: [filesH1[1]!, listedFile(BIG, client(big), { status: 'added' })],
      pull: event('opened', H1, 10).pull_request,
      repository: event('opened', H1, 10).repository,
      commits: [
        { sha: BASE, parents: [] },
        { sha: H1, parents: [BASE] },
      ],
    })
    const reviewer = codeReviewer(rules)
    let failBig = true
    respond = (request) => {
      const parts = [BIG, UTIL].map((path) =>
        request.prompt.includes(`FILE: ${path}`),
      )
      // Of the calls that show parts of the big file, only the one that
      // also shows src/util.ts is answered.
      if (failBig && parts[0] && !parts[1]) {
        throw new Error('the emulated provider is down for this file')
      }
      return reviewer(request)
    }
    const inputs = { 'max-prompt-tokens': '2000' }

    const first = await runOn('opened', H1, inputs, { number: 10 })
    expect(first.run.summary).toContain('the model call failed')
    expect(first.calls).toBeGreaterThan(1)
    // The answered call's findings are posted; the eval, in a part whose
    // call failed, is not found yet.
    expect(github.reviewComments.map((c) => c.path)).toEqual([UTIL])
    expect(first.run.summary).toMatch(
      /src\/big\.ts`[^\n]*the model call failed/,
    )

    // Same head: the missed file is reviewed, and only it.
    failBig = false
    const second = await runOn('opened', H1, inputs, { number: 10 })
    expect(second.run.summary).toContain('could not')
    const prompts = deepseek.calls.slice(-second.calls).map((c) => c.prompt)
    expect(prompts.every((prompt) => !prompt.includes(`FILE: ${UTIL}`))).toBe(
      true,
    )
    expect(
      github.reviewComments.map((c) => `${String(c.path)}:${String(c.line)}`),
    ).toEqual([`${UTIL}:4`, `${BIG}:1`])

    // Now that everything was reviewed, the same head is not paid twice.
    const calls = deepseek.calls.length
    const third = await runOn('opened', H1, inputs, { number: 10 })
    expect(deepseek.calls).toHaveLength(calls)
    expect(third.run.summary).toContain('was already reviewed')
  })
})

describe('a call split after a truncated reply', () => {
  it('counts its files as reviewed once every part answered', async () => {
    const many = (name: string) =>
      Array.from(
        { length: 30 },
        (_, k) => `export const ${name}${k} = compute(${k}, 'argument ${k}')`,
      )
    github.addPullRequest({
      owner: 'octo-org',
      repo: 'app',
      number: 12,
      files: [
        listedFile('src/one.ts', client(many('one')), { status: 'added' }),
        listedFile('src/two.ts', client(many('two')), { status: 'added' }),
      ],
      pull: event('opened', H1, 12).pull_request,
      repository: event('opened', H1, 12).repository,
    })
    deepseek.inject({
      reply: {
        content: '{"summary": "cut',
        finishReason: 'length',
        completionTokens: 8192,
      },
    })
    const first = await runOn('opened', H1, {}, { number: 12 })
    expect(first.calls).toBeGreaterThan(2)
    expect(first.run.summary).toContain('Files: 2 reviewed, 0 not reviewed')

    // Nothing was missed: the same head is not reviewed again.
    const second = await runOn('opened', H1, {}, { number: 12 })
    expect(second.calls).toBe(0)
  })
})

describe('whose reviews count as earlier runs', () => {
  it("ignores another account's review that claims the head was reviewed", async () => {
    // Any app installed on the repository can review; its record says H1
    // was reviewed with no findings.
    const forged = await fetch(
      `${github.url}/repos/octo-org/app/pulls/9/reviews`,
      {
        method: 'POST',
        headers: { authorization: 'Bearer mallory-token' },
        body: JSON.stringify({
          commit_id: H1,
          event: 'COMMENT',
          body: reviewMarker({ runs: [{ head: H1, usd: 0 }], fps: [] }),
        }),
      },
    )
    expect(forged.status).toBe(200)

    const run = await runOn(
      'opened',
      H1,
      { 'fail-on': 'major' },
      { exitCode: 1 },
    )
    expect(run.calls).toBe(1)
    expect(run.run.stdout).toContain('No earlier review by this action')
  })

  it('trusts the account named by reviewer-login, and warns when it is not the poster', async () => {
    const asApp = { 'github-token': 'app-token' }
    const first = await runOn('opened', H1, asApp)
    expect(first.run.stdout).toContain(
      'The review was posted as ci-app[bot], but `reviewer-login` is ' +
        'github-actions[bot]',
    )

    const named = { ...asApp, 'reviewer-login': 'ci-app[bot]' }
    const second = await runOn('opened', H1, named)
    expect(second.calls).toBe(0)
    expect(second.run.stdout).not.toContain('reviewer-login')
    expect(second.run.summary).toContain('was already reviewed')
  })
})

describe('findings carried from head to head', () => {
  const APP = 'src/app.ts'
  const FETCH = '  const res = await fetch(url)'
  const twoFetches = [
    'export async function a(url: string) {',
    FETCH,
    '}',
    'export async function b(url: string) {',
    FETCH,
    '}',
  ]

  const dropFirst = listedFile(
    APP,
    `@@ -1,4 +1,1 @@\n-${twoFetches[0]}\n-${FETCH}\n-}\n ${twoFetches[3]}`,
  )

  /** The pull request at `head`, and what changed since H1. */
  function setPull(
    head: string,
    files: ReturnType<typeof listedFile>[],
    sinceH1: ReturnType<typeof listedFile>[] = [],
  ) {
    github.addPullRequest({
      owner: 'octo-org',
      repo: 'app',
      number: 11,
      files,
      pull: event('opened', head, 11).pull_request,
      repository: event('opened', head, 11).repository,
      commits: [
        { sha: BASE, parents: [] },
        { sha: H1, parents: [BASE] },
        { sha: H2, parents: [H1] },
      ],
      compareFiles: { [`${H1}...${H2}`]: sinceH1 },
    })
  }

  it('follows a finding when an identical line above it is removed', async () => {
    respond = codeReviewer(rules, { addedOnly: true })
    setPull(H1, [listedFile(APP, client(twoFetches), { status: 'added' })])
    const failOn = { 'fail-on': 'major' }
    const first = await runOn('opened', H1, failOn, { exitCode: 1, number: 11 })
    expect(first.run.stdout).toContain('2 findings are major or more severe')

    // The first function goes; the second fetch, unchanged, still stands.
    setPull(
      H2,
      [listedFile(APP, client(twoFetches.slice(3)), { status: 'added' })],
      [dropFirst],
    )
    const second = await runOn('synchronize', H2, failOn, {
      exitCode: 1,
      number: 11,
    })
    expect(second.run.stdout).toContain(
      '1 finding is major or more severe (`fail-on: major`), 1 of them from ' +
        'an earlier review',
    )
  })

  it('keeps a finding listed in the body while its code is unchanged', async () => {
    // The model names a line outside the diff: the finding goes into the
    // review's body, and still counts after a push that leaves it alone.
    respond = scriptedReviewer((request) =>
      request.prompt.includes(`FILE: ${APP}`)
        ? [
            {
              path: APP,
              line: 40,
              severity: 'major',
              body: 'The caller of this never awaits it.',
            },
          ]
        : [],
    )
    const app = listedFile(APP, client(twoFetches), { status: 'added' })
    setPull(H1, [app])
    const failOn = { 'fail-on': 'major' }
    await runOn('opened', H1, failOn, { exitCode: 1, number: 11 })
    expect(String(github.reviews[0]!.body)).toContain('never awaits it')

    const readme = listedFile('README.md', '@@ -0,0 +1 @@\n+# App', {
      status: 'added',
    })
    setPull(H2, [app, readme], [readme])
    const second = await runOn('synchronize', H2, failOn, {
      exitCode: 1,
      number: 11,
    })
    expect(second.run.stdout).toContain('1 of them from an earlier review')
  })
})
