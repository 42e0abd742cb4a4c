import { afterEach, describe, expect, it } from 'vitest'
import type { GitHubFile } from '../emulators/github'
import { reviewSynthetic, type SyntheticRun } from './synthetic'

const runs: SyntheticRun[] = []
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.close()))
})

const file: GitHubFile = {
  filename: 'src/app.ts',
  status: 'modified',
  additions: 2,
  deletions: 0,
  changes: 2,
  patch:
    '@@ -1,1 +1,3 @@\n export {}\n+export const a = 1\n+export const b = 2',
}

describe('mode: estimate', () => {
  it('prices the review on every configured route without a key, a model call or a post', async () => {
    const result = await reviewSynthetic({
      files: [file],
      inputs: {
        mode: 'estimate',
        'deepseek-api-key': '',
        'openai-api-key': '',
      },
    })
    runs.push(result)
    expect(result.run.exitCode, result.run.stdout + result.run.stderr).toBe(0)
    expect([
      ...result.deepseek.calls,
      ...result.openai.calls,
      ...result.selfHosted.calls,
    ]).toEqual([])
    expect(result.github.requests.filter((r) => r.method !== 'GET')).toEqual([])
    expect(result.run.summary).toMatch(
      /\| chosen route \| deepseek `deepseek-flash` \| 1 \| [\d,]+ \| 0 \| \$[\d.]+ \| \$[\d.]+ \|/,
    )
    expect(result.run.summary).toMatch(
      /\| openai, for comparison \| openai `gpt-5` \| 1 \|/,
    )
    expect(Number(result.run.outputs['estimated-cost-usd'])).toBeGreaterThan(0)
    expect(result.run.outputs['cost-usd']).toBe('0.00000000')
  })
})
