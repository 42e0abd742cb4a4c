import { afterEach, describe, expect, it } from 'vitest'
import type { GitHubFile } from '../emulators/github'
import { listedFile } from '../helpers'
import { BASE_SHA, reviewSynthetic, type SyntheticRun } from './synthetic'

const runs: SyntheticRun[] = []
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.close()))
})

function file(filename: string): GitHubFile {
  return listedFile(
    filename,
    '@@ -1,1 +1,2 @@\n export {}\n+export const answer = 42',
  )
}

describe('.github/cost-aware-review.yml', () => {
  it('is read from the base revision; the pull request’s own edit of it has no effect', async () => {
    const result = await reviewSynthetic({
      files: [
        file('src/app.ts'),
        file('src/generated-by-hand.ts'),
        file('.github/cost-aware-review.yml'),
      ],
      baseContents: {
        '.github/cost-aware-review.yml':
          'exclude:\n  - src/generated-by-hand.ts\nmax-cost-usd: 0.10\n',
      },
      // What the pull request's head says: ignored.
      headContents: {
        '.github/cost-aware-review.yml':
          'max-cost-usd: 1000\ninclude: nothing/**\n',
      },
    })
    runs.push(result)
    expect(result.run.exitCode, result.run.stdout).toBe(0)
    expect(result.run.stdout).toContain(
      `Settings from .github/cost-aware-review.yml at ${BASE_SHA.slice(0, 7)} applied`,
    )
    expect(result.run.summary).toContain(
      '| `src/generated-by-hand.ts` | not reviewed: matches `exclude` |',
    )
    expect(result.run.summary).toContain('| `src/app.ts` | reviewed |')
    const reads = result.github.requests.filter((r) =>
      r.path.includes('/contents/'),
    )
    expect(reads.every((r) => r.query.ref === BASE_SHA)).toBe(true)
  })

  it('names the file, not an input, when a value in it is wrong', async () => {
    const result = await reviewSynthetic({
      files: [file('src/app.ts')],
      baseContents: {
        '.github/cost-aware-review.yml': 'max-cost-usd: "50 cents"\n',
      },
    })
    runs.push(result)
    expect(result.run.exitCode).toBe(1)
    expect(result.run.stdout).toContain(
      '::error::`max-cost-usd` in .github/cost-aware-review.yml is ' +
        '"50 cents"; it must be a number greater than 0.',
    )
    expect(result.run.stdout).not.toContain('Input `max-cost-usd`')
    expect(result.deepseek.calls).toEqual([])
  })

  it('fails with the file and the key when the config is wrong', async () => {
    const result = await reviewSynthetic({
      files: [file('src/app.ts')],
      baseContents: {
        '.github/cost-aware-review.yml': 'openai-api-key: sk-oops\n',
      },
    })
    runs.push(result)
    expect(result.run.exitCode).toBe(1)
    expect(result.run.stdout).toContain(
      'The repository config .github/cost-aware-review.yml sets "openai-api-key"',
    )
    expect(result.deepseek.calls).toEqual([])
  })
})
