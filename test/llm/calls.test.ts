import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it, vi } from 'vitest'
import { costOf } from '../../src/cost/cost'
import { findPrice } from '../../src/cost/prices'
import type {
  CallResult,
  ModelClient,
  ModelEndpoint,
} from '../../src/llm/client'
import { reviewedPaths, runCalls, type LaneCall } from '../../src/llm/calls'
import type { PromptCall } from '../../src/prompt/build'
import type { Lane } from '../../src/route'

vi.mock('@actions/core', () => ({ info: vi.fn(), warning: vi.fn() }))

const endpoint: ModelEndpoint = {
  provider: 'openai',
  model: 'gpt-5',
  baseUrl: 'http://127.0.0.1:9/v1',
  modelInput: 'openai-model',
}
const lane: Lane = {
  kind: 'default',
  endpoint,
  privacy: 'private',
  files: [],
}
// A large prompt, so that its worst case is mostly input.
const ESTIMATED_TOKENS = 200_000
const work: LaneCall[] = ['a', 'b', 'c', 'd'].map((name) => ({
  lane,
  call: {
    messages: [],
    paths: [`src/${name}.ts`],
    estimatedTokens: ESTIMATED_TOKENS,
  } satisfies PromptCall,
}))

// What each call really uses: the prompt mostly cached, a short reply.
const USED = {
  inputTokens: ESTIMATED_TOKENS,
  cachedInputTokens: ESTIMATED_TOKENS - 2_000,
  cacheWriteTokens: 0,
  outputTokens: 800,
  reasoningTokens: 0,
}

function slowClient(): ModelClient & { caps: number[] } {
  const caps: number[] = []
  return {
    caps,
    async review(_call, limits) {
      caps.push(limits?.maxOutputTokens ?? 0)
      const startedAt = new Date()
      await sleep(30)
      return {
        usage: USED,
        model: 'gpt-5',
        startedAt,
        durationMs: 30,
        abandoned: 0,
        reply: { summary: '', findings: [], rejected: [] },
      }
    },
  }
}

const price = findPrice('gpt-5', {})!
const worstInput = costOf(
  { ...USED, cachedInputTokens: 0, outputTokens: 0 },
  price,
  new Date(),
).usd
const actual = costOf(USED, price, new Date()).usd

describe('runCalls under max-cost-usd', () => {
  it('waits for calls in flight to settle instead of dropping the next', async () => {
    // Room for one call's worst case at a time, and for all four calls'
    // real cost.
    const budget = 1.6 * worstInput
    expect(4 * actual).toBeLessThan(budget)
    const client = slowClient()
    const report = await runCalls(work, {
      clientFor: () => client,
      fallbackFor: () => undefined,
      pricing: {},
      thinking: false,
      parallel: 4,
      maxCostUsd: budget,
    })
    expect(report.overBudget).toEqual([])
    expect(report.outcomes.map((outcome) => outcome.call.paths[0])).toEqual([
      'src/a.ts',
      'src/b.ts',
      'src/c.ts',
      'src/d.ts',
    ])
  })

  it('holds every prompt token at the dearest input price, even a cache hit dearer than a miss', async () => {
    // A price row settings would refuse: cached input at 2,000 times the
    // input price. Each call costs about $4, all of its prompt cached.
    const odd = {
      'gpt-5': {
        rates: { input: 0.01, cachedInput: 20, output: 0.01 },
        source: 'a test',
      },
    }
    const cachedClient: ModelClient = {
      review: () =>
        Promise.resolve({
          usage: { ...USED, cachedInputTokens: ESTIMATED_TOKENS },
          model: 'gpt-5',
          startedAt: new Date(),
          durationMs: 0,
          abandoned: 0,
          reply: { summary: '', findings: [], rejected: [] },
        }),
    }
    const budget = 10
    const report = await runCalls(work, {
      clientFor: () => cachedClient,
      fallbackFor: () => undefined,
      pricing: odd,
      thinking: false,
      parallel: 1,
      maxCostUsd: budget,
    })
    const spent = report.outcomes.reduce(
      (sum, outcome) =>
        sum +
        costOf(outcome.result.usage, odd['gpt-5'], outcome.result.startedAt)
          .usd,
      0,
    )
    expect(report.outcomes).toHaveLength(2)
    expect(report.overBudget).toEqual(['src/c.ts', 'src/d.ts'])
    expect(spent).toBeLessThanOrEqual(budget)
  })

  it('holds a margin over the estimate: a call whose estimate just fits is not made', async () => {
    // The budget covers the estimated prompt and the smallest reply, but
    // not a prompt 5% larger than estimated.
    const floor = costOf(
      { ...USED, cachedInputTokens: 0, outputTokens: 1024 },
      price,
      new Date(),
    ).usd
    const client = slowClient()
    const report = await runCalls(work.slice(0, 1), {
      clientFor: () => client,
      fallbackFor: () => undefined,
      pricing: {},
      thinking: false,
      parallel: 1,
      maxCostUsd: floor * 1.01,
    })
    expect(client.caps).toEqual([])
    expect(report.overBudget).toEqual(['src/a.ts'])
  })
})

describe('a split call under max-cost-usd', () => {
  // One file's call, cut off and split in two halves; at $1.25 per million
  // input tokens, each half's input alone costs $0.125.
  const half = (name: string): PromptCall => ({
    messages: [{ role: 'user', content: name }],
    paths: ['src/big.ts'],
    estimatedTokens: 100_000,
  })
  const whole: PromptCall = {
    messages: [{ role: 'user', content: 'whole' }],
    paths: ['src/big.ts'],
    estimatedTokens: 200_000,
    split: () => [half('first'), half('second')],
  }
  const usage = (inputTokens: number, outputTokens: number) => ({
    inputTokens,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens,
    reasoningTokens: 0,
  })
  const asked: string[] = []
  const answer = (call: PromptCall): CallResult => {
    const name = String(call.messages[0]?.content)
    asked.push(name)
    const base = {
      model: 'gpt-5',
      startedAt: new Date(),
      durationMs: 1,
      abandoned: 0,
    }
    return name === 'whole'
      ? {
          ...base,
          usage: usage(200_000, 1_024),
          error: { message: 'cut off', fatal: false, kind: 'truncated' },
        }
      : {
          ...base,
          usage: usage(100_000, 2_000),
          reply: { summary: '', findings: [], rejected: [] },
        }
  }
  const splitting: ModelClient = {
    review: (call) => Promise.resolve(answer(call)),
  }

  it('reports the file as not reviewed when the budget stops its second half', async () => {
    const spentOnWhole = costOf(usage(200_000, 1_024), price, new Date()).usd
    // After the cut-off call, room for the first half's worst case but not,
    // once it is paid, for the second's.
    const report = await runCalls([{ lane, call: whole }], {
      clientFor: () => splitting,
      fallbackFor: () => undefined,
      pricing: {},
      thinking: false,
      parallel: 1,
      maxCostUsd: spentOnWhole + 0.2,
    })
    expect(asked).toEqual(['whole', 'first'])
    expect(report.overBudget).toEqual(['src/big.ts'])
    expect(
      reviewedPaths(report.outcomes, report.overBudget).has('src/big.ts'),
    ).toBe(false)
  })
})

describe('max-cost-usd without a price', () => {
  it('names where the budget was set', async () => {
    const unpriced: LaneCall = {
      lane: { ...lane, endpoint: { ...endpoint, model: 'in-house-7b' } },
      call: work[0]!.call,
    }
    await expect(
      runCalls([unpriced], {
        clientFor: () => slowClient(),
        fallbackFor: () => undefined,
        pricing: {},
        thinking: false,
        parallel: 1,
        maxCostUsd: 1,
        budgetLabel: '`max-cost-usd` in .github/cost-aware-review.yml',
      }),
    ).rejects.toThrow(
      /^`max-cost-usd` in \.github\/cost-aware-review\.yml is set, but no price is known for "in-house-7b"/,
    )
  })
})
