import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { readingGitHub } from '../../src/github/errors'
import { createOctokit, type Octokit } from '../../src/github/octokit'
import {
  listFiles,
  readGuidelines,
  readVisibility,
} from '../../src/github/pull-request'
import { githubPoster } from '../../src/github/review'
import {
  startGitHubEmulator,
  type GitHubEmulator,
  type GitHubFile,
} from '../emulators/github'

vi.mock('@actions/core', () => ({
  warning: vi.fn(),
  info: vi.fn(),
  debug: vi.fn(),
}))

const repo = { owner: 'octo-org', name: 'sample-repo' }
const files: GitHubFile[] = Array.from({ length: 250 }, (_, n) => ({
  filename: `src/file${n}.ts`,
  status: 'modified',
  additions: 1,
  deletions: 0,
  changes: 1,
  patch: '@@ -1,1 +1,2 @@\n a\n+b',
}))

let github: GitHubEmulator
beforeAll(async () => {
  github = await startGitHubEmulator()
  github.addPullRequest({
    ...repo,
    repo: repo.name,
    number: 5,
    files,
    pull: {
      number: 5,
      head: { sha: 'h'.repeat(40) },
      base: { sha: 'b'.repeat(40) },
    },
    repository: {
      full_name: 'octo-org/sample-repo',
      private: false,
      visibility: 'public',
    },
    contents: {
      ['b'.repeat(40)]: { '.github/review-guidelines.md': '# Rules\n' },
    },
  })
})
afterAll(() => github.close())

const octokit = () => createOctokit('ghs_test', github.url)

describe('reading the pull request', () => {
  it('lists every file through the paginated files endpoint, 100 per page', async () => {
    const listed = await listFiles(octokit(), repo, 5)
    expect(listed.map((file) => file.filename)).toEqual(
      files.map((file) => file.filename),
    )
    const pages = github.requests.filter((request) =>
      request.path.endsWith('/pulls/5/files'),
    )
    expect(pages.map((request) => request.query.per_page)).toEqual([
      '100',
      '100',
      '100',
    ])
    expect(
      github.requests.some((request) =>
        request.headers.accept?.includes('diff'),
      ),
    ).toBe(false)
  })

  it('reads the guidelines at the base revision, and null when there are none', async () => {
    expect(
      await readGuidelines(
        octokit(),
        repo,
        '.github/review-guidelines.md',
        'b'.repeat(40),
      ),
    ).toBe('# Rules\n')
    expect(
      await readGuidelines(
        octokit(),
        repo,
        '.github/review-guidelines.md',
        'h'.repeat(40),
      ),
    ).toBeNull()
    const reads = github.requests.filter((request) =>
      request.path.includes('/contents/'),
    )
    expect(reads.map((request) => request.query.ref)).toEqual([
      'b'.repeat(40),
      'h'.repeat(40),
    ])
  })

  it('names where the guidelines path was set when it names a folder', async () => {
    // The contents endpoint lists a folder's entries.
    const folder = {
      rest: { repos: { getContent: () => Promise.resolve({ data: [] }) } },
    } as unknown as Octokit
    const read = (label?: string) =>
      readGuidelines(folder, repo, 'docs', 'b'.repeat(40), label)
    await expect(read()).rejects.toThrow(
      'Input `guidelines-file` is "docs", which is not a file at bbbbbbb',
    )
    await expect(
      read('`guidelines-file` in .github/cost-aware-review.yml'),
    ).rejects.toThrow(
      '`guidelines-file` in .github/cost-aware-review.yml is "docs", ' +
        'which is not a file at bbbbbbb',
    )
  })

  it('reads the visibility from the repository endpoint', async () => {
    expect(await readVisibility(octokit(), repo)).toBe('public')
  })

  it('works under a GitHub Enterprise Server base URL', async () => {
    const listed = await listFiles(
      createOctokit('ghs_test', `${github.url}/api/v3`),
      repo,
      5,
    )
    expect(listed).toHaveLength(250)
    expect(github.requests.at(-1)?.path).toMatch(/^\/api\/v3\/repos\//)
  })
})

describe('posting the review', () => {
  it('posts one COMMENT review on the head commit', async () => {
    const poster = githubPoster(octokit(), repo, 5)
    const posted = await poster.post({
      commitId: 'h'.repeat(40),
      body: 'Summary',
      comments: [
        { path: 'src/file1.ts', line: 2, side: 'RIGHT', body: 'Finding' },
      ],
    })
    expect(posted.id).toEqual(expect.any(Number))
    const post = github.requests.find((request) => request.method === 'POST')!
    expect(post.body).toMatchObject({
      event: 'COMMENT',
      commit_id: 'h'.repeat(40),
    })
  })
})

describe('posting the review when GitHub answers late or fails', () => {
  const draft = (tag: string) => ({
    commitId: 'h'.repeat(40),
    body: `Summary\n\n<!-- record ${tag} -->`,
    comments: [],
  })
  const postsOf = (tag: string) =>
    github.reviews.filter((review) => String(review.body).includes(tag))

  it('does not post again a review GitHub stored after the client gave up', async () => {
    github.inject({ method: 'POST', path: /\/reviews$/, delayMs: 800 })
    const client = createOctokit('ghs_test', github.url, {
      requestTimeoutMs: 300,
    })
    const posted = await githubPoster(client, repo, 5).post(draft('late'))
    expect(posted.id).toEqual(expect.any(Number))
    expect(postsOf('late')).toHaveLength(1)
  })

  it('sends it again when GitHub failed without storing it', async () => {
    github.inject({ method: 'POST', path: /\/reviews$/, status: 502 })
    const posted = await githubPoster(octokit(), repo, 5).post(draft('502'))
    expect(posted.id).toEqual(expect.any(Number))
    expect(postsOf('502')).toHaveLength(1)
  })

  it('does not retry what GitHub refused', async () => {
    github.inject({ method: 'POST', path: /\/reviews$/, status: 422 })
    const before = github.requests.length
    await expect(
      githubPoster(octokit(), repo, 5).post(draft('422')),
    ).rejects.toMatchObject({ status: 422 })
    expect(github.requests.length - before).toBe(1)
  })
})

describe('time limits', () => {
  it('gives up on an attempt GitHub never answers, and retries afresh', async () => {
    github.inject({ path: /\/repos\/octo-org\/sample-repo$/, hang: true })
    const client = createOctokit('ghs_test', github.url, {
      requestTimeoutMs: 300,
      retryUnitMs: 10,
    })
    expect(await readVisibility(client, repo)).toBe('public')
  })

  it('fails every request once the run is out of time, saying so', async () => {
    github.inject({
      path: /\/repos\/octo-org\/sample-repo$/,
      hang: true,
      times: 10,
    })
    const deadline = Date.now() + 500
    const client = createOctokit('ghs_test', github.url, {
      until: () => deadline,
      retryUnitMs: 10,
    })
    const started = Date.now()
    await expect(
      readingGitHub('reading the visibility', () =>
        readVisibility(client, repo),
      ),
    ).rejects.toThrow(
      /^GitHub did not answer in time while reading the visibility\. Re-run/,
    )
    // Well before the per-attempt minute: the deadline ended it.
    expect(Date.now() - started).toBeLessThan(30_000)
  })
})

describe('an unreachable GitHub API', () => {
  it('says no answer came and what to check, not a server error', async () => {
    const closed = await startGitHubEmulator()
    const { url } = closed
    await closed.close()
    const client = createOctokit('ghs_test', url, { retryUnitMs: 10 })
    const failure = readingGitHub('reading the visibility', () =>
      client.rest.repos.get({ owner: 'octo-org', repo: 'sample-repo' }),
    )
    await expect(failure).rejects.toThrow(
      /^GitHub failed while reading the visibility \(no answer: .*\)\. Check that the GitHub API is reachable/,
    )
  })
})
