/**
 * Prompt caching, end to end: when a small per-call budget splits a review
 * into several calls, every call after the first reads the whole shared
 * prefix from the provider's cache; the same review run again reads at
 * least 90% of its prompt from the cache.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  loadFixtureSetup,
  startGitHubEmulator,
  type GitHubEmulator,
} from '../emulators/github'
import {
  countTokens,
  startLlmEmulator,
  type LlmEmulator,
} from '../emulators/llm'
import { FIXTURES_DIR, hasShared } from '../shared'
import { runAction } from './harness'

const open: Array<GitHubEmulator | LlmEmulator> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()))
})

// The emulators' cache granularity, as the providers document it.
const UNIT = { deepseek: 64, openai: 128 } as const

describe.skipIf(!hasShared).each(['deepseek', 'openai'] as const)(
  'prefix caching on %s',
  (flavour) => {
    it('serves the shared prefix of every call after the first, and ≥ 90% of a re-run', async () => {
      const dir = join(FIXTURES_DIR, 'toolkit-add-exec-package')
      const setup = loadFixtureSetup(dir)
      const event: unknown = JSON.parse(
        readFileSync(join(dir, 'event.json'), 'utf8'),
      )
      const github = await startGitHubEmulator()
      const llm = await startLlmEmulator({ flavour })
      open.push(github, llm)
      github.addPullRequest(setup)

      const review = (dryRun: boolean) =>
        runAction({
          event,
          apiUrl: github.url,
          inputs: {
            'public-provider': flavour,
            [`${flavour}-api-key`]: 'test-key',
            [`${flavour}-base-url`]: llm.url,
            'max-prompt-tokens': '6000',
            'dry-run': String(dryRun),
          },
        })

      // A dry run first, then the same review for real: nothing was posted,
      // so the second run reviews everything again, within the cache's life.
      const first = await review(true)
      expect(first.exitCode, first.stdout + first.stderr).toBe(0)
      const calls = llm.calls
      expect(calls.length).toBeGreaterThan(2)

      // The shared prefix: the instructions and the user message up to the
      // opening of the diff, identical in every call.
      const prefix = calls[0]!.prompt.slice(
        0,
        calls[0]!.prompt.indexOf('<diff>\n') + 7,
      )
      for (const call of calls)
        expect(call.prompt.startsWith(prefix)).toBe(true)
      const shared =
        Math.floor(countTokens(prefix) / UNIT[flavour]) * UNIT[flavour]
      for (const call of calls.slice(1)) {
        expect(call.cachedTokens).toBeGreaterThanOrEqual(shared)
      }

      const before = llm.calls.length
      const again = await review(false)
      expect(again.exitCode).toBe(0)
      const rerun = llm.calls.slice(before)
      const prompt = rerun.reduce((sum, call) => sum + call.promptTokens, 0)
      const cached = rerun.reduce((sum, call) => sum + call.cachedTokens, 0)
      expect(cached / prompt).toBeGreaterThanOrEqual(0.9)
      expect(Number(again.outputs['cache-hit-ratio'])).toBeCloseTo(
        cached / prompt,
        3,
      )
    })
  },
)
