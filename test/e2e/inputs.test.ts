/**
 * Inputs that would be read wrong, or do nothing, stop the run before any
 * model call or say so: numbers in other bases, an escalation model with
 * nothing to escalate, a fallback that is the provider it backs up.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { GitHubFile } from '../emulators/github'
import { listedFile } from '../helpers'
import { reviewSynthetic, type SyntheticRun } from './synthetic'

const runs: SyntheticRun[] = []
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.close()))
})

const files: GitHubFile[] = [
  listedFile('src/app.ts', '@@ -1,1 +1,2 @@\n export {}\n+export const a = 1'),
]

function errorOf(result: SyntheticRun): string | undefined {
  return result.run.stdout
    .split('\n')
    .find((line) => line.startsWith('::error::'))
}

describe('numbers', () => {
  it.each([
    [
      { 'max-cost-usd': '0x10' },
      'Input `max-cost-usd` is "0x10"; it must be a number greater than 0, ' +
        'in plain decimal digits.',
    ],
    [
      { 'escalate-min-changes': '0b1', 'escalation-model': 'deepseek-v4-pro' },
      'Input `escalate-min-changes` is "0b1"; it must be a whole number at ' +
        'least 1, in plain decimal digits.',
    ],
  ])(
    'refuses %j instead of reading it in another base',
    async (inputs, message) => {
      const result = await reviewSynthetic({ files, inputs })
      runs.push(result)
      expect(result.run.exitCode).toBe(1)
      expect(errorOf(result)).toBe(`::error::${message}`)
      expect(result.deepseek.calls).toEqual([])
    },
  )

  it('refuses them in the repository config too, where YAML reads 0x10 as 16', async () => {
    const result = await reviewSynthetic({
      files,
      baseContents: {
        '.github/cost-aware-review.yml':
          'escalate-min-changes: 0b1\nescalation-model: deepseek-v4-pro\n',
      },
    })
    runs.push(result)
    expect(result.run.exitCode).toBe(1)
    expect(errorOf(result)).toBe(
      '::error::`escalate-min-changes` in .github/cost-aware-review.yml is ' +
        '"0b1"; it must be a whole number at least 1, in plain decimal digits.',
    )
    expect(result.deepseek.calls).toEqual([])
  })
})

describe('settings that would do nothing', () => {
  it('refuses an escalation model with no file to escalate', async () => {
    const result = await reviewSynthetic({
      files,
      private: true,
      inputs: { 'escalation-model': 'gpt-5.4' },
    })
    runs.push(result)
    expect(result.run.exitCode).toBe(1)
    expect(errorOf(result)).toContain(
      'Input `escalation-model` is "gpt-5.4" but neither `escalate-paths` ' +
        'nor `escalate-min-changes` is set',
    )
    expect(result.openai.calls).toEqual([])
  })

  it('warns that a fallback equal to the route’s provider backs up nothing', async () => {
    const result = await reviewSynthetic({
      files,
      private: true,
      inputs: { 'fallback-provider': 'openai' },
    })
    runs.push(result)
    expect(result.run.exitCode, result.run.stdout).toBe(0)
    expect(result.run.stdout).toContain(
      '::warning::Input `fallback-provider` is "openai", the provider ' +
        "`private-provider` already sends this repository's reviews to, so " +
        'it backs up nothing here.',
    )
    expect(result.openai.calls).toHaveLength(1)
  })

  it('refuses a fallback that every route already uses', async () => {
    const result = await reviewSynthetic({
      files,
      inputs: { 'public-provider': 'openai', 'fallback-provider': 'openai' },
    })
    runs.push(result)
    expect(result.run.exitCode).toBe(1)
    expect(errorOf(result)).toContain(
      'Input `fallback-provider` is "openai", the provider `public-provider` ' +
        'and `private-provider` already name, so it would never take a call.',
    )
    expect(result.openai.calls).toEqual([])
  })
})
