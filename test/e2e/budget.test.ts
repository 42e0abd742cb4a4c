/**
 * max-cost-usd is a hard limit: a run never spends more, lowers the output
 * cap of a call the budget can only partly cover, and lists the files it
 * did not review.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { GitHubFile } from '../emulators/github'
import { expectedUsd } from './prices'
import { reviewSynthetic, type SyntheticRun } from './synthetic'

const runs: SyntheticRun[] = []
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.close()))
})

const files: GitHubFile[] = Array.from({ length: 8 }, (_, n) => {
  const lines = Array.from(
    { length: 60 },
    (_, k) => `+export const value${n}_${k} = compute(${k}, 'argument ${k}')`,
  )
  return {
    filename: `src/module${n}.ts`,
    status: 'added',
    additions: lines.length,
    deletions: 0,
    changes: lines.length,
    patch: `@@ -0,0 +1,${lines.length} @@\n${lines.join('\n')}`,
  }
})

describe('a tight max-cost-usd', () => {
  it('is never exceeded, and what it left out is listed', async () => {
    const budget = 0.02
    const result = await reviewSynthetic({
      files,
      private: true,
      inputs: { 'max-cost-usd': String(budget), 'max-prompt-tokens': '4000' },
      findings: [{ path: 'src/module0.ts', line: 1, body: 'A finding.' }],
    })
    runs.push(result)
    expect(result.run.exitCode, result.run.stdout + result.run.stderr).toBe(0)

    const calls = result.openai.calls
    const spent = calls.reduce(
      (sum, call) =>
        sum + expectedUsd('gpt-5', call.usage ?? {}, new Date(call.at)),
      0,
    )
    expect(calls.length).toBeGreaterThan(0)
    expect(spent).toBeLessThanOrEqual(budget)
    expect(Number(result.run.outputs['cost-usd'])).toBeLessThanOrEqual(budget)

    // The cap was lowered to what the budget could cover.
    for (const call of calls) expect(call.outputCap).toBeLessThan(16384)

    const skipped = files.filter(
      (file) =>
        !calls.some((call) => call.prompt.includes(`FILE: ${file.filename}\n`)),
    )
    expect(skipped.length).toBeGreaterThan(0)
    for (const file of skipped) {
      expect(result.run.summary).toContain(
        `| \`${file.filename}\` | not reviewed: over the \`max-cost-usd\` budget |`,
      )
    }
    expect(result.run.stdout).toContain(
      '::warning::Not reviewed because the next call would exceed `max-cost-usd`',
    )
  })

  it('keeps the review postable when it leaves out hundreds of files', async () => {
    const deep = 'src/application/very/deeply/nested/feature/module/directory'
    const many: GitHubFile[] = Array.from({ length: 300 }, (_, n) => ({
      filename: `${deep}/component-number-${String(n).padStart(4, '0')}.ts`,
      status: 'added',
      additions: 1,
      deletions: 0,
      changes: 1,
      patch: `@@ -0,0 +1 @@\n+export const value${n} = ${n}`,
    }))
    const result = await reviewSynthetic({
      files: many,
      private: true,
      inputs: { 'max-cost-usd': '0.02', 'max-prompt-tokens': '4000' },
    })
    runs.push(result)
    expect(result.run.exitCode, result.run.stdout + result.run.stderr).toBe(0)
    const body = String(result.review?.body)
    expect(body.length).toBeLessThan(65_536)
    // Too many missed files to list: the record says so instead, and the
    // next run on this head reviews the whole pull request.
    expect(body).toContain('"missedMore":1')
    expect(body).not.toContain('"missed":[')
  })

  it('holds room for a request the SDK sends again after a timeout', async () => {
    // A flat $1 per million tokens; $0.01 covers one request's worst case,
    // not two. The first answer comes after the client gave up, and the
    // emulated provider bills it all the same.
    const budget = 0.01
    const result = await reviewSynthetic({
      files: files.slice(0, 1),
      inputs: {
        'max-cost-usd': String(budget),
        'request-timeout-seconds': '1',
        pricing: JSON.stringify({
          'deepseek-flash': { input: 1, cached_input: 0.1, output: 1 },
        }),
      },
      findings: [],
      beforeRun: (_github, deepseek) => {
        // Long answers: two of them would cost more than the budget.
        const reply = {
          content: JSON.stringify({ summary: 'Late.', comments: [] }),
          completionTokens: 7000,
        }
        deepseek.inject({ delayMs: 2500, reply })
        deepseek.inject({ reply })
      },
    })
    runs.push(result)
    // Wait for the late answer, so that its bill is recorded too.
    await vi.waitFor(
      () => {
        expect(result.deepseek.calls.every((call) => call.usage)).toBe(true)
      },
      { timeout: 5000 },
    )
    const billed = result.deepseek.calls.reduce((sum, call) => {
      const usage = call.usage as {
        prompt_tokens: number
        completion_tokens: number
      }
      return sum + (usage.prompt_tokens + usage.completion_tokens) / 1e6
    }, 0)
    expect(billed).toBeGreaterThan(0)
    expect(billed).toBeLessThanOrEqual(budget)
    expect(result.run.summary).toContain(
      'not sent again: `max-cost-usd` has no room for another attempt',
    )
    expect(result.run.summary).toContain(
      '1 request was given up before the provider answered',
    )
  })

  it('refuses a price row whose cache hit costs more than a miss', async () => {
    const result = await reviewSynthetic({
      files: files.slice(0, 1),
      inputs: {
        'max-cost-usd': '0.05',
        pricing: JSON.stringify({
          'deepseek-flash': { input: 0.01, cached_input: 20, output: 0.01 },
        }),
      },
    })
    runs.push(result)
    expect(result.run.exitCode).toBe(1)
    expect(result.run.stdout).toContain(
      '::error::Input `pricing`, row "deepseek-flash", has "cached_input" 20 ' +
        'above "input" 0.01',
    )
    expect(result.deepseek.calls).toEqual([])
  })

  it('refuses a budget it cannot enforce: a model with no price', async () => {
    const result = await reviewSynthetic({
      files: files.slice(0, 1),
      private: true,
      inputs: { 'private-provider': 'self-hosted', 'max-cost-usd': '1' },
    })
    runs.push(result)
    expect(result.run.exitCode).toBe(1)
    expect(result.run.stdout).toContain('no price is known for "qwen3-coder"')
    expect(result.selfHosted.calls).toEqual([])
  })
})
