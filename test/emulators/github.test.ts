import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { getOctokit } from '@actions/github'
import { afterEach, describe, expect, it } from 'vitest'

import {
  commentableLines,
  loadFixtureSetup,
  REVIEW_ERRORS,
  startGitHubEmulator,
  type GitHubEmulator,
  type GitHubEmulatorOptions,
  type GitHubFile,
  type PullRequestSetup,
} from './github'

const HEAD = 'a'.repeat(40)
const BASE = 'b'.repeat(40)
const REVIEWS = '/repos/octo-org/sample-repo/pulls/7/reviews'
const CREATE_REVIEW_DOCS =
  'https://docs.github.com/rest/pulls/reviews' +
  '#create-a-review-for-a-pull-request'

// Patches in the shapes of /work/shared/cases 01, 04, 06 and 09, plus one
// file with two hunks for the multi-line rules.
const FORMAT_PATCH = [
  '@@ -40,6 +40,7 @@',
  ' export function pad(s: string, n: number) {',
  '   const width = Math.max(n, 0);',
  '-  return s.padStart(width);',
  "+  const out = s.padStart(width, ' ');",
  '+  return out;',
  ' }',
  ' // helpers below',
  ' export function trim(s: string) {',
].join('\n')

const CONFIG_PATCH = [
  '@@ -10,4 +10,2 @@ def load(cfg):',
  '     data = read(cfg)',
  '-    if data is None:',
  '-        raise ConfigError("missing")',
  '     return data',
].join('\n')

const NO_NEWLINE_PATCH = [
  '@@ -1,3 +1,3 @@',
  ' name = "sample"',
  ' version = "1.0"',
  '-license = "MIT"',
  '\\ No newline at end of file',
  '+license = "Apache-2.0"',
  '\\ No newline at end of file',
].join('\n')

const TWO_HUNKS_PATCH = [
  '@@ -1,3 +1,4 @@',
  ' one',
  '+two',
  ' three',
  ' four',
  '@@ -20,3 +21,3 @@',
  ' twenty',
  '-twenty-one',
  '+21',
  ' twenty-two',
].join('\n')

function file(
  filename: string,
  patch: string | undefined,
  extra: Partial<GitHubFile> = {},
): GitHubFile {
  const lines = patch?.split('\n') ?? []
  const additions = lines.filter((line) => /^\+/.test(line)).length
  const deletions = lines.filter((line) => /^-/.test(line)).length
  return {
    filename,
    status: 'modified',
    additions,
    deletions,
    changes: additions + deletions,
    ...(patch === undefined ? {} : { patch }),
    ...extra,
  }
}

function sampleSetup(files?: GitHubFile[]): PullRequestSetup {
  return {
    owner: 'octo-org',
    repo: 'sample-repo',
    number: 7,
    files: files ?? [
      file('src/util/format.ts', FORMAT_PATCH),
      file('app/config.py', CONFIG_PATCH),
      file('pyproject.toml', NO_NEWLINE_PATCH),
      file('src/two-hunks.txt', TWO_HUNKS_PATCH),
      file('docs/img/architecture.png', undefined, { status: 'added' }),
      file('docs/read me.md', '@@ -1 +1 @@\n-Hello\n+Hello, world'),
    ],
    pull: {
      number: 7,
      html_url: 'https://github.com/octo-org/sample-repo/pull/7',
      head: { sha: HEAD, ref: 'feature' },
      base: { sha: BASE, ref: 'main' },
    },
    repository: { full_name: 'octo-org/sample-repo', default_branch: 'main' },
    contents: {
      [HEAD]: { 'docs/a b.md': 'first\r\nsecond\r\n', 'README.md': 'head' },
      [BASE]: { 'README.md': 'base' },
    },
    defaultRef: BASE,
  }
}

function generatedFiles(count: number): GitHubFile[] {
  return Array.from({ length: count }, (_, index) =>
    file(`gen/file-${index}.txt`, `@@ -0,0 +1 @@\n+line ${index}`, {
      status: 'added',
    }),
  )
}

const running: GitHubEmulator[] = []

afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()))
})

async function start(
  setup = sampleSetup(),
  options?: GitHubEmulatorOptions,
): Promise<GitHubEmulator> {
  const emulator = await startGitHubEmulator(options)
  running.push(emulator)
  emulator.addPullRequest(setup)
  return emulator
}

interface CallOptions {
  method?: string
  /** Sent as JSON, or as is when a string (to send broken JSON). */
  body?: unknown
  /** null sends no authorization header. */
  token?: string | null
  headers?: Record<string, string>
}

interface Answer {
  status: number
  headers: Headers
  /** Parsed when the answer is JSON; a test casts it to what it reads. */
  json: unknown
  text: string
}

// What the tests read of GitHub's answers; the assertions check the rest.

/** GitHub's error body; `errors` comes with 406 and 422. */
interface ErrorBody {
  message: string
  errors?: unknown[]
}

interface PullBody {
  head: { sha: string }
  changed_files: number
}

/** A created review, review comment or issue comment. */
interface CreatedBody {
  id: number
  body: string
}

interface ReviewCommentBody {
  diff_hunk: string
}

async function call(
  emulator: GitHubEmulator,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const { method = 'GET', body, token = 'test-token', headers = {} } = options
  const response = await fetch(
    path.startsWith('http') ? path : `${emulator.url}${path}`,
    {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `token ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    },
  )
  const text = await response.text()
  const isJson = response.headers.get('content-type')?.includes('json')
  return {
    status: response.status,
    headers: response.headers,
    json: isJson ? JSON.parse(text) : undefined,
    text,
  }
}

/** Octokit-style Link parsing, so the test follows what clients follow. */
function links(header: string | null): Record<string, string> {
  const found: Record<string, string> = {}
  for (const match of (header ?? '').matchAll(/<([^>]+)>; rel="(\w+)"/g)) {
    found[match[2] as string] = match[1] as string
  }
  return found
}

describe('commentableLines', () => {
  it('advances neither counter on "\\ No newline at end of file"', () => {
    const lines = commentableLines(NO_NEWLINE_PATCH)

    expect(lines.right).toEqual(new Set([1, 2, 3]))
    expect(lines.left).toEqual(new Set([1, 2, 3]))
  })

  it('breaks lines at LF only, so a CR stays part of the line', () => {
    const patch = [
      '@@ -1,3 +1,4 @@',
      ' first\r',
      '-old\r',
      '+new\r',
      '+carriage\rreturn\r',
      ' last\r',
    ].join('\n')

    const lines = commentableLines(patch)

    expect(lines.right).toEqual(new Set([1, 2, 3, 4]))
    expect(lines.left).toEqual(new Set([1, 2, 3]))
  })

  it('numbers deleted lines on the left only and context on both', () => {
    const lines = commentableLines(CONFIG_PATCH)

    expect(lines.right).toEqual(new Set([10, 11]))
    expect(lines.left).toEqual(new Set([10, 11, 12, 13]))
  })

  it('keeps each hunk apart and ignores text after the last one', () => {
    const lines = commentableLines(`${TWO_HUNKS_PATCH}\n`)

    expect(lines.hunks).toEqual([
      { right: new Set([1, 2, 3, 4]), left: new Set([1, 2, 3]) },
      { right: new Set([21, 22, 23]), left: new Set([20, 21, 22]) },
    ])
  })

  it('reads a hunk header without counts as one line', () => {
    const lines = commentableLines('@@ -0,0 +1 @@\n+**')

    expect(lines.right).toEqual(new Set([1]))
    expect(lines.left).toEqual(new Set())
  })
})

describe('listing pull request files', () => {
  it('pages 250 files 30 at a time with GitHub-like Links', async () => {
    const emulator = await start(sampleSetup(generatedFiles(250)))
    const path = '/repos/octo-org/sample-repo/pulls/7/files'

    const first = await call(emulator, path)
    const rels = links(first.headers.get('link'))

    expect(first.json).toHaveLength(30)
    expect(rels['next']).toBe(`${emulator.url}${path}?page=2`)
    expect(rels['last']).toBe(`${emulator.url}${path}?page=9`)
    expect(rels['prev']).toBeUndefined()

    const last = await call(emulator, rels['last'] as string)
    expect(last.json).toHaveLength(250 - 8 * 30)
    expect(Object.keys(links(last.headers.get('link')))).toEqual([
      'prev',
      'first',
    ])
  })

  it('follows next links to every file with per_page=100', async () => {
    const emulator = await start(sampleSetup(generatedFiles(250)))
    const names: string[] = []

    let next: string | undefined =
      `${emulator.url}/repos/octo-org/sample-repo/pulls/7/files?per_page=100`
    while (next !== undefined) {
      const page = await call(emulator, next)
      names.push(...(page.json as GitHubFile[]).map((entry) => entry.filename))
      next = links(page.headers.get('link'))['next']
    }

    expect(names).toHaveLength(250)
    expect(new Set(names).size).toBe(250)
  })

  it('caps per_page at 100 and the whole list at 3000 files', async () => {
    const emulator = await start(sampleSetup(generatedFiles(3_005)))
    const path = '/repos/octo-org/sample-repo/pulls/7/files'

    const first = await call(emulator, `${path}?per_page=500`)
    const beyond = await call(emulator, `${path}?per_page=100&page=31`)

    expect(first.json).toHaveLength(100)
    expect(links(first.headers.get('link'))['last']).toContain('page=30')
    expect(beyond.json).toEqual([])
  })

  it('lets Octokit paginate under an Enterprise Server base URL', async () => {
    const emulator = await start(sampleSetup(generatedFiles(250)))
    const octokit = getOctokit('test-token', {
      baseUrl: `${emulator.url}/api/v3`,
    })

    const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
      owner: 'octo-org',
      repo: 'sample-repo',
      pull_number: 7,
      per_page: 100,
    })

    expect(files).toHaveLength(250)
    expect(emulator.requests.map((request) => request.path)).toEqual(
      Array(3).fill('/api/v3/repos/octo-org/sample-repo/pulls/7/files'),
    )
  })
})

describe('getting a pull request', () => {
  it('serves the pull object and follows a push to a new head', async () => {
    const emulator = await start()
    const newHead = 'c'.repeat(40)

    emulator.setHead('octo-org', 'sample-repo', 7, newHead, generatedFiles(2))
    const { json } = await call(emulator, '/repos/octo-org/sample-repo/pulls/7')
    const pull = json as PullBody

    expect(pull.head.sha).toBe(newHead)
    expect(pull.changed_files).toBe(2)
  })

  it('builds a git-style text diff for the diff media type', async () => {
    const emulator = await start()

    const { status, headers, text } = await call(
      emulator,
      '/repos/octo-org/sample-repo/pulls/7',
      { headers: { accept: 'application/vnd.github.v3.diff' } },
    )

    expect(status).toBe(200)
    expect(headers.get('content-type')).toMatch(
      /^application\/vnd\.github\.diff/,
    )
    expect(text).toContain(
      'diff --git a/pyproject.toml b/pyproject.toml\n' +
        '--- a/pyproject.toml\n+++ b/pyproject.toml\n@@ -1,3 +1,3 @@\n',
    )
    expect(text).toContain(
      'Binary files /dev/null and b/docs/img/architecture.png differ',
    )
    // git marks the end of a path holding a space with a TAB.
    expect(text).toContain('--- a/docs/read me.md\t\n+++ b/docs/read me.md\t\n')
  })

  async function fetchDiff(
    files: GitHubFile[],
  ): Promise<Awaited<ReturnType<typeof call>>> {
    const emulator = await start(sampleSetup(files))
    return call(emulator, '/repos/octo-org/sample-repo/pulls/7', {
      headers: { accept: 'application/vnd.github.diff' },
    })
  }

  it('answers 406 too_large for a diff of more than 300 files', async () => {
    const atLimit = await fetchDiff(generatedFiles(300))
    const { status, json } = await fetchDiff(generatedFiles(301))
    const error = json as ErrorBody

    expect(atLimit.status).toBe(200)
    expect(status).toBe(406)
    expect(error.message).toMatch(
      /^Sorry, the diff exceeded the maximum number of files \(300\)\./,
    )
    expect(error.errors).toEqual([
      { resource: 'PullRequest', field: 'diff', code: 'too_large' },
    ])
  })

  it('answers 406 for a diff of more than 20000 changed lines', async () => {
    const lockfile = (changes: number): GitHubFile[] => [
      file('package-lock.json', undefined, { changes }),
    ]

    const atLimit = await fetchDiff(lockfile(20_000))
    const { status, json } = await fetchDiff(lockfile(20_001))

    expect(atLimit.status).toBe(200)
    expect(status).toBe(406)
    expect((json as ErrorBody).message).toContain(
      'maximum number of lines (20000)',
    )
  })
})

describe('creating a review', () => {
  it('accepts a multi-line RIGHT comment and a LEFT comment', async () => {
    const emulator = await start()
    const comments = [
      {
        path: 'src/util/format.ts',
        start_line: 42,
        line: 43,
        body: 'Return the expression directly.',
      },
      {
        path: 'app/config.py',
        line: 11,
        side: 'LEFT',
        body: 'Removing this guard lets None through.',
      },
    ]

    const created = await call(emulator, REVIEWS, {
      method: 'POST',
      body: { commit_id: HEAD, event: 'COMMENT', body: 'Two notes.', comments },
    })
    const listed = await call(
      emulator,
      '/repos/octo-org/sample-repo/pulls/7/comments',
    )

    expect(created.status).toBe(200)
    expect(created.json).toMatchObject({
      state: 'COMMENTED',
      commit_id: HEAD,
      user: { login: 'github-actions[bot]', type: 'Bot' },
    })
    expect(created.json).not.toHaveProperty('comments')
    expect(emulator.reviews).toHaveLength(1)
    expect(emulator.reviews[0]?.['comments']).toEqual(comments)
    expect(listed.json).toMatchObject([
      { path: 'src/util/format.ts', start_line: 42, line: 43, side: 'RIGHT' },
      { path: 'app/config.py', start_line: null, line: 11, side: 'LEFT' },
    ])
    expect((listed.json as ReviewCommentBody[])[1]!.diff_hunk).toBe(
      CONFIG_PATCH.split('\n').slice(0, 3).join('\n'),
    )
  })

  // Each row breaks one rule; a valid comment is sent first, so the test
  // also shows that one bad comment sinks the whole review.
  const invalid: Array<{
    name: string
    change: {
      comments?: Array<Record<string, unknown>>
      [field: string]: unknown
    }
    error: string
  }> = [
    {
      name: 'a line outside every hunk',
      change: {
        comments: [{ path: 'src/util/format.ts', line: 108, body: 'x' }],
      },
      error: REVIEW_ERRORS.lineNotInDiff,
    },
    {
      name: 'a RIGHT comment on a deleted line',
      change: { comments: [{ path: 'app/config.py', line: 12, body: 'x' }] },
      error: REVIEW_ERRORS.lineNotInDiff,
    },
    {
      name: 'a line counted through the no-newline marker',
      change: { comments: [{ path: 'pyproject.toml', line: 4, body: 'x' }] },
      error: REVIEW_ERRORS.lineNotInDiff,
    },
    {
      name: 'a start line in another hunk',
      change: {
        comments: [
          { path: 'src/two-hunks.txt', start_line: 2, line: 22, body: 'x' },
        ],
      },
      error: REVIEW_ERRORS.startLineNotInHunk,
    },
    {
      name: 'a start line after the line',
      change: {
        comments: [
          { path: 'src/util/format.ts', start_line: 44, line: 43, body: 'x' },
        ],
      },
      error: REVIEW_ERRORS.startLineAfterLine,
    },
    {
      name: 'a start line on the other side',
      change: {
        comments: [
          {
            path: 'app/config.py',
            start_line: 10,
            start_side: 'LEFT',
            line: 11,
            body: 'x',
          },
        ],
      },
      error: REVIEW_ERRORS.startSideMismatch,
    },
    {
      name: 'a path that is not in the pull request',
      change: { comments: [{ path: 'services/store.go', line: 1, body: 'x' }] },
      error: REVIEW_ERRORS.pathUnresolved,
    },
    {
      name: 'a file without a patch',
      change: {
        comments: [{ path: 'docs/img/architecture.png', line: 1, body: 'x' }],
      },
      error: REVIEW_ERRORS.lineUnresolved,
    },
    {
      name: 'a comment body over 65,536 characters',
      change: {
        comments: [
          { path: 'pyproject.toml', line: 3, body: 'x'.repeat(65_537) },
        ],
      },
      error: REVIEW_ERRORS.bodyTooLong,
    },
    {
      name: 'a review body over 65,536 characters',
      change: { body: 'x'.repeat(65_537) },
      error: REVIEW_ERRORS.bodyTooLong,
    },
    {
      name: 'a COMMENT without a body',
      change: { body: '' },
      error: REVIEW_ERRORS.bodyBlank,
    },
    {
      name: 'an APPROVE from the Actions token',
      change: { event: 'APPROVE' },
      error: REVIEW_ERRORS.actionsApprove,
    },
    {
      name: 'a commit_id that was never the head',
      change: { commit_id: 'f'.repeat(40) },
      error: REVIEW_ERRORS.commitNotInPull,
    },
    {
      name: 'a legacy diff position',
      change: {
        comments: [{ path: 'pyproject.toml', position: 2, body: 'x' }],
      },
      error: REVIEW_ERRORS.positionUnsupported,
    },
  ]

  it.each(invalid)('rejects $name with 422, storing nothing', async (row) => {
    const emulator = await start()
    const good = { path: 'pyproject.toml', line: 3, body: 'fine' }
    const review: Record<string, unknown> = {
      event: 'COMMENT',
      body: 'Review.',
      ...row.change,
    }
    if (row.change.comments !== undefined) {
      review['comments'] = [good, ...row.change.comments]
    }

    const { status, json } = await call(emulator, REVIEWS, {
      method: 'POST',
      body: review,
    })

    expect(status).toBe(422)
    expect(json).toEqual({
      message: 'Unprocessable Entity',
      errors: [row.error],
      documentation_url: CREATE_REVIEW_DOCS,
      status: '422',
    })
    expect(emulator.reviews).toEqual([])
    expect(emulator.reviewComments).toEqual([])
    expect(emulator.rejections).toMatchObject([{ status: 422 }])
  })

  it('accepts the previous head as commit_id after a push', async () => {
    const emulator = await start()
    emulator.setHead('octo-org', 'sample-repo', 7, 'c'.repeat(40), [])

    const old = await call(emulator, REVIEWS, {
      method: 'POST',
      body: {
        commit_id: HEAD,
        event: 'COMMENT',
        body: 'On the old head.',
        comments: [{ path: 'pyproject.toml', line: 3, body: 'Still here.' }],
      },
    })

    expect(old.status).toBe(200)
    expect(emulator.reviewComments[0]).toMatchObject({ commit_id: HEAD })
  })

  it('lets a user token approve and edits the review body', async () => {
    const emulator = await start(sampleSetup(), {
      logins: { 'user-token': 'octocat' },
    })
    const created = await call(emulator, REVIEWS, {
      method: 'POST',
      token: 'user-token',
      body: { event: 'APPROVE' },
    })
    const { id } = created.json as CreatedBody

    const edited = await call(emulator, `${REVIEWS}/${id}`, {
      method: 'PUT',
      body: { body: 'Approved after all.' },
    })
    const tooLong = await call(emulator, `${REVIEWS}/${id}`, {
      method: 'PUT',
      body: { body: 'x'.repeat(65_537) },
    })
    const listed = await call(emulator, REVIEWS)

    expect(created.json).toMatchObject({
      state: 'APPROVED',
      user: { login: 'octocat', type: 'User' },
    })
    expect((edited.json as CreatedBody).body).toBe('Approved after all.')
    expect((tooLong.json as ErrorBody).errors).toEqual([
      REVIEW_ERRORS.bodyTooLong,
    ])
    expect(listed.json).toMatchObject([{ body: 'Approved after all.' }])
  })
})

describe('issue comments', () => {
  it('creates, lists and edits a comment', async () => {
    const emulator = await start()
    const path = '/repos/octo-org/sample-repo/issues/7/comments'

    const created = await call(emulator, path, {
      method: 'POST',
      body: { body: 'Summary v1' },
    })
    const { id } = created.json as CreatedBody
    await call(emulator, `/repos/octo-org/sample-repo/issues/comments/${id}`, {
      method: 'PATCH',
      body: { body: 'Summary v2' },
    })
    const listed = await call(emulator, path)

    expect(created.status).toBe(201)
    expect(listed.json).toMatchObject([{ id, body: 'Summary v2' }])
    expect(emulator.issueComments).toHaveLength(1)
  })

  it('answers 404 when editing a comment that does not exist', async () => {
    const emulator = await start()

    const { status, json } = await call(
      emulator,
      '/repos/octo-org/sample-repo/issues/comments/999999',
      { method: 'PATCH', body: { body: 'x' } },
    )

    expect(status).toBe(404)
    expect((json as ErrorBody).message).toBe('Not Found')
  })
})

describe('file contents', () => {
  const path = '/repos/octo-org/sample-repo/contents/docs/a%20b.md'

  it('serves base64 wrapped at 60 characters, or raw text', async () => {
    const emulator = await start()
    const text = 'first\r\nsecond\r\n'.repeat(10)
    const setup = sampleSetup()
    emulator.addPullRequest({
      ...setup,
      contents: { [HEAD]: { 'docs/a b.md': text } },
    })

    const asJson = await call(emulator, `${path}?ref=${HEAD}`)
    const raw = await call(emulator, `${path}?ref=${HEAD}`, {
      headers: { accept: 'application/vnd.github.raw+json' },
    })

    const { content } = asJson.json as { content: string }
    const lines = content.split('\n')
    expect(lines.slice(0, -2).every((line) => line.length === 60)).toBe(true)
    expect(lines.at(-1)).toBe('')
    expect(Buffer.from(content, 'base64').toString()).toBe(text)
    expect(asJson.json).toMatchObject({
      type: 'file',
      encoding: 'base64',
      name: 'a b.md',
      path: 'docs/a b.md',
      size: Buffer.byteLength(text),
    })
    expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(raw.text).toBe(text)
  })

  it('reads the default ref without ?ref and 404s what is absent', async () => {
    const emulator = await start()
    const readme = '/repos/octo-org/sample-repo/contents/README.md'
    const raw = { accept: 'application/vnd.github.raw' }

    const byDefault = await call(emulator, readme, { headers: raw })
    const byBranch = await call(emulator, `${readme}?ref=feature`, {
      headers: raw,
    })
    const missing = await call(emulator, path)

    expect(byDefault.text).toBe('base')
    expect(byBranch.text).toBe('head')
    expect(missing.status).toBe(404)
    expect(missing.json).toMatchObject({ message: 'Not Found', status: '404' })
  })
})

describe('comparing commits', () => {
  const graph = (): PullRequestSetup => ({
    ...sampleSetup(),
    commits: [
      { sha: 'base', parents: [] },
      { sha: 'head', parents: ['base'] },
      { sha: 'tip', parents: ['base'] },
    ],
    compareFiles: { 'base...head': generatedFiles(1) },
  })

  it.each([
    ['base', 'head', 'ahead', 1, 0],
    ['head', 'base', 'behind', 0, 1],
    ['tip', 'head', 'diverged', 1, 1],
    ['head', 'head', 'identical', 0, 0],
  ])('compares %s...%s as %s', async (base, head, status, ahead, behind) => {
    const emulator = await start(graph())

    const { json } = await call(
      emulator,
      `/repos/octo-org/sample-repo/compare/${base}...${head}`,
    )

    expect(json).toMatchObject({
      status,
      ahead_by: ahead,
      behind_by: behind,
      merge_base_commit: { sha: status === 'identical' ? 'head' : 'base' },
    })
    expect((json as { files: unknown[] }).files).toHaveLength(
      base === 'base' ? 1 : 0,
    )
  })

  it('answers 404 for an unknown sha', async () => {
    const emulator = await start(graph())

    const { status } = await call(
      emulator,
      '/repos/octo-org/sample-repo/compare/base...nope',
    )

    expect(status).toBe(404)
  })
})

describe('authentication and headers', () => {
  it('answers 401 without a token or with an unknown one', async () => {
    const emulator = await start(sampleSetup(), { tokens: ['good'] })
    const path = '/repos/octo-org/sample-repo'

    const missing = await call(emulator, path, { token: null })
    const unknown = await call(emulator, path, { token: 'bad' })
    const bearer = await call(emulator, path, {
      token: null,
      headers: { authorization: 'Bearer good' },
    })

    expect(missing.status).toBe(401)
    expect((missing.json as ErrorBody).message).toBe('Bad credentials')
    expect(unknown.status).toBe(401)
    expect(bearer.status).toBe(200)
  })

  it('answers 403 to writes from a read-only token, not reads', async () => {
    const emulator = await start(sampleSetup(), { readOnlyTokens: ['fork'] })

    const write = await call(emulator, REVIEWS, {
      method: 'POST',
      token: 'fork',
      body: { event: 'COMMENT', body: 'Hi' },
    })
    const read = await call(emulator, REVIEWS, { token: 'fork' })

    expect(write.status).toBe(403)
    expect(write.json).toEqual({
      message: 'Resource not accessible by integration',
      documentation_url: CREATE_REVIEW_DOCS,
      status: '403',
    })
    expect(read.status).toBe(200)
    expect(emulator.rejections).toMatchObject([{ status: 403 }])
  })

  it('sends GitHub headers, rate-limit ones unless turned off', async () => {
    const github = await start()
    const enterprise = await start(sampleSetup(), { rateLimitHeaders: false })

    const one = await call(github, '/repos/octo-org/sample-repo')
    const two = await call(enterprise, '/api/v3/repos/octo-org/sample-repo')

    expect(one.headers.get('content-type')).toBe(
      'application/json; charset=utf-8',
    )
    expect(one.headers.get('x-github-request-id')).toMatch(/^[0-9A-F:]+$/)
    expect(one.headers.get('x-ratelimit-remaining')).toBe('4999')
    expect(two.status).toBe(200)
    expect(two.headers.get('x-github-request-id')).not.toBeNull()
    expect(two.headers.get('x-ratelimit-remaining')).toBeNull()
  })

  it('answers unknown routes with 404 and bad JSON with 400', async () => {
    const emulator = await start()

    const unknown = await call(emulator, '/repos/octo-org/sample-repo/nothing')
    const badJson = await call(emulator, REVIEWS, {
      method: 'POST',
      body: '{"event": ',
    })

    expect(unknown.status).toBe(404)
    expect((unknown.json as ErrorBody).message).toBe('Not Found')
    expect(badJson.status).toBe(400)
    expect((badJson.json as ErrorBody).message).toBe('Problems parsing JSON')
    expect(emulator.requests[1]?.body).toBe('{"event": ')
  })

  it('answers 404 for a repository configured as absent', async () => {
    const emulator = await start({ ...sampleSetup(), repository: null })

    const { status } = await call(emulator, '/repos/octo-org/sample-repo')

    expect(status).toBe(404)
  })
})

describe('fault injection', () => {
  it('answers with the injected status and headers once', async () => {
    const emulator = await start()
    emulator.inject({
      method: 'POST',
      path: /\/pulls\/7\/reviews$/,
      status: 429,
      headers: { 'Retry-After': '1' },
    })
    const review = { event: 'COMMENT', body: 'Hi' }
    const post = { method: 'POST', body: review }

    const limited = await call(emulator, REVIEWS, post)
    const accepted = await call(emulator, REVIEWS, post)

    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('1')
    expect(accepted.status).toBe(200)
    expect(emulator.requests.map(({ status }) => status)).toEqual([429, 200])
    expect(emulator.rejections).toMatchObject([{ status: 429 }])
  })

  it('fails the repository with 500 as many times as asked', async () => {
    const emulator = await start()
    emulator.inject({
      path: /^\/repos\/octo-org\/sample-repo$/,
      status: 500,
      times: 2,
    })
    const path = '/api/v3/repos/octo-org/sample-repo'

    const statuses = [
      (await call(emulator, path)).status,
      (await call(emulator, path)).status,
      (await call(emulator, path)).status,
    ]

    expect(statuses).toEqual([500, 500, 200])
  })

  it('delays an answer without changing it', async () => {
    const emulator = await start()
    emulator.inject({ path: /\/files$/, delayMs: 50 })

    const started = Date.now()
    const { status } = await call(
      emulator,
      '/repos/octo-org/sample-repo/pulls/7/files',
    )

    expect(status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(45)
  })

  it('holds a hanging request until close() drops it', async () => {
    const emulator = await start()
    emulator.inject({ path: /\/files$/, hang: true })

    const pending = call(emulator, '/repos/octo-org/sample-repo/pulls/7/files')
    await expect.poll(() => emulator.requests.length).toBe(1)
    await emulator.close()

    await expect(pending).rejects.toThrow()
    expect(emulator.requests[0]?.status).toBe(0)
  })
})

const FIXTURES = '/work/shared/fixtures/prs'
const fixturesPresent = existsSync(FIXTURES)
if (!fixturesPresent) {
  console.info(`Skipping shared-fixture tests: ${FIXTURES} is not present.`)
}

describe.skipIf(!fixturesPresent)('the shared PR fixtures', () => {
  const slugs = fixturesPresent
    ? readdirSync(FIXTURES, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
    : []

  it.each(slugs)('%s is served and takes a review', async (slug) => {
    const dir = join(FIXTURES, slug)
    const setup = loadFixtureSetup(dir)
    const expected = JSON.parse(
      readFileSync(join(dir, 'files.json'), 'utf8'),
    ) as GitHubFile[]
    const emulator = await start(setup)
    const base = `/repos/${setup.owner}/${setup.repo}/pulls/${setup.number}`

    const listed = await call(emulator, `${base}/files?per_page=100`)
    expect(listed.json).toEqual(expected)

    // Head files are served at the head sha; without a ref, the default
    // ref is the base, whose text the fixtures do not record.
    const headSha = (setup.pull['head'] as { sha: string }).sha
    const [path, text] = Object.entries(setup.contents?.[headSha] ?? {})[0]!
    const contents = `/repos/${setup.owner}/${setup.repo}/contents/${path}`
    const raw = { accept: 'application/vnd.github.raw' }
    const atHead = await call(emulator, `${contents}?ref=${headSha}`, {
      headers: raw,
    })
    expect(atHead.text).toBe(text)
    expect((await call(emulator, contents, { headers: raw })).status).toBe(404)

    // Added and context lines minus deleted and context lines leaves the
    // difference GitHub reports, whatever the CRs and markers in a patch.
    for (const entry of expected) {
      if (entry.patch === undefined) continue
      const lines = commentableLines(entry.patch)
      expect(lines.right.size - lines.left.size, entry.filename).toBe(
        entry.additions - entry.deletions,
      )
    }

    const target = expected.find((entry) => entry.patch !== undefined)
    const line = Math.max(...commentableLines(target?.patch ?? '').right)
    const review = await call(emulator, `${base}/reviews`, {
      method: 'POST',
      body: {
        commit_id: headSha,
        event: 'COMMENT',
        body: 'Fixture review.',
        comments: [{ path: target?.filename, line, body: 'Last line.' }],
      },
    })
    expect(review.status).toBe(200)

    // The comment quotes its hunk byte for byte, CRs included.
    const threads = await call(emulator, `${base}/comments`)
    const [comment] = threads.json as ReviewCommentBody[]
    expect(target?.patch).toContain(comment!.diff_hunk)
    expect(comment!.diff_hunk).toMatch(/^@@ /)
  })

  it('numbers each added file 1 to N, N being its head line count', () => {
    const checked: string[] = []

    for (const slug of slugs) {
      const setup = loadFixtureSetup(join(FIXTURES, slug))
      const head = (setup.pull['head'] as { sha: string }).sha
      const tree = setup.contents?.[head] ?? {}
      for (const entry of setup.files) {
        const text = tree[entry.filename]
        if (entry.status !== 'added' || !entry.patch || text === undefined) {
          continue
        }
        // A file without a final newline still ends in a line.
        const count = text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
        expect(commentableLines(entry.patch).right, entry.filename).toEqual(
          new Set(Array.from({ length: count }, (_, index) => index + 1)),
        )
        checked.push(entry.filename)
      }
    }

    expect(checked.length).toBeGreaterThan(10)
  })
})

describe('the authenticated user', () => {
  it('is the token’s user, and refused to the workflow token, which has none', async () => {
    const emulator = await startGitHubEmulator({
      logins: { 'person-token': 'octocat' },
    })
    try {
      const person = await call(emulator, '/user', { token: 'person-token' })
      expect(person.status).toBe(200)
      expect(person.json).toMatchObject({ login: 'octocat', type: 'User' })
      const bot = await call(emulator, '/user')
      expect(bot.status).toBe(403)
      expect((bot.json as ErrorBody).message).toBe(
        'Resource not accessible by integration',
      )
    } finally {
      await emulator.close()
    }
  })
})
