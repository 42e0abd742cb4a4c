/**
 * When GitHub refuses a review's inline comments anyway (422), the review is
 * posted again with fewer of them, and at last with none: the findings are
 * never lost with the review.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { GitHubFile } from '../emulators/github'
import { reviewSynthetic, type SyntheticRun } from './synthetic'

const runs: SyntheticRun[] = []
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.close()))
})

const files: GitHubFile[] = [
  {
    filename: 'src/a.ts',
    status: 'modified',
    additions: 2,
    deletions: 1,
    changes: 3,
    patch:
      '@@ -1,3 +1,4 @@\n const a = 1\n-const b = 2\n+const b = 3\n+const c = 4\n const d = 5',
  },
]
const findings = [
  { path: 'src/a.ts', line: 2, body: 'Added line.' },
  { path: 'src/a.ts', line: 2, side: 'LEFT' as const, body: 'Removed line.' },
  { path: 'src/a.ts', line: 4, body: 'Context line.' },
  { path: 'src/a.ts', line: 3, start_line: 2, body: 'Range.' },
]
const refusal = {
  method: 'POST',
  path: /\/pulls\/57\/reviews$/,
  status: 422,
  body: {
    message: 'Unprocessable Entity',
    errors: ['Pull request review thread line must be part of the diff'],
    status: '422',
  },
}

async function reviewWith(times: number) {
  const result = await reviewSynthetic({
    files,
    findings,
    beforeRun: (github) => {
      github.inject({ ...refusal, times })
    },
  })
  runs.push(result)
  expect(result.run.exitCode, result.run.stdout + result.run.stderr).toBe(0)
  return result
}

describe('a review GitHub refuses', () => {
  it('is posted again with only single added lines inline, the rest in the body', async () => {
    const result = await reviewWith(1)
    const posts = result.github.requests.filter((r) => r.method === 'POST')
    expect(
      posts.map((p) => (p.body as { comments: unknown[] }).comments.length),
    ).toEqual([4, 1])
    expect(result.review!.comments.map((c) => `${c.line}:${c.side}`)).toEqual([
      '2:RIGHT',
    ])
    const listed = result
      .review!.body.split('\n')
      .filter((line) => /^- Line \d+( of the old file)? - /.test(line))
    expect(listed).toHaveLength(3)
    expect(result.review!.body).toContain(
      'Findings GitHub did not accept as inline comments',
    )
  })

  it('is posted with every finding in the body when GitHub keeps refusing', async () => {
    const result = await reviewWith(2)
    const posts = result.github.requests.filter((r) => r.method === 'POST')
    expect(
      posts.map((p) => (p.body as { comments: unknown[] }).comments.length),
    ).toEqual([4, 1, 0])
    expect(result.review!.comments).toEqual([])
    expect(
      result
        .review!.body.split('\n')
        .filter((line) => /^- Line \d+( of the old file)? - /.test(line)),
    ).toHaveLength(4)
    // The job summary says where each finding went.
    expect(result.run.summary).not.toMatch(
      /\| `src\/a\.ts`:\d+ \((RIGHT|LEFT)\)/,
    )
    expect(result.run.summary.match(/\(in the body\)/g)).toHaveLength(4)
  })
})
