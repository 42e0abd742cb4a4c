import { describe, expect, it } from 'vitest'
import {
  cacheSavings,
  costOf,
  NO_USAGE,
  worstCost,
  type Usage,
} from '../../src/cost/cost'
import { buildCostReport } from '../../src/cost/ledger'
import { findPrice, PRICE_TABLE, type ModelPrice } from '../../src/cost/prices'

function price(model: string): ModelPrice {
  const found = findPrice(model)
  if (!found) throw new Error(`no price for ${model}`)
  return found
}

function usage(fields: Partial<Usage>): Usage {
  return { ...NO_USAGE, ...fields }
}

// Saturday noon UTC is off-peak; Friday 07:30 UTC is inside DeepSeek's
// 06:00-10:00 peak window.
const SATURDAY = new Date('2026-12-05T12:00:00Z')
const FRIDAY_PEAK = new Date('2026-12-04T07:30:00Z')

describe('costOf, against bills computed by hand', () => {
  const deepseekCall = usage({
    inputTokens: 10_000,
    cachedInputTokens: 8_000,
    outputTokens: 500,
  })

  it('bills a DeepSeek call at off-peak rates', () => {
    // 8,000 x $0.003 + 2,000 x $0.15 + 500 x $0.60, per million
    const cost = costOf(deepseekCall, price('deepseek-flash'), SATURDAY)
    expect(cost.rate).toBe('off-peak')
    expect(cost.usd).toBeCloseTo(0.000024 + 0.0003 + 0.0003, 12)
  })

  it('bills the same call at twice the price in peak hours', () => {
    // 8,000 x $0.006 + 2,000 x $0.30 + 500 x $1.20, per million
    const cost = costOf(deepseekCall, price('deepseek-flash'), FRIDAY_PEAK)
    expect(cost.rate).toBe('peak')
    expect(cost.usd).toBeCloseTo(0.000048 + 0.0006 + 0.0006, 12)
  })

  it('treats the peak windows as half-open UTC hours on weekdays', () => {
    const flash = price('deepseek-flash')
    const at = (iso: string) => costOf(deepseekCall, flash, new Date(iso)).rate
    expect(at('2026-12-04T00:59:59Z')).toBe('off-peak')
    expect(at('2026-12-04T01:00:00Z')).toBe('peak')
    expect(at('2026-12-04T03:59:59Z')).toBe('peak')
    expect(at('2026-12-04T04:00:00Z')).toBe('off-peak')
    expect(at('2026-12-04T09:59:59Z')).toBe('peak')
    expect(at('2026-12-04T10:00:00Z')).toBe('off-peak')
    expect(at('2026-12-06T07:00:00Z')).toBe('off-peak')
  })

  it('bills GPT-5 cached input at a tenth and reasoning tokens as output', () => {
    // 4,640 x $1.25 + 15,360 x $0.125 + 3,000 x $10, per million
    const cost = costOf(
      usage({
        inputTokens: 20_000,
        cachedInputTokens: 15_360,
        outputTokens: 3_000,
        reasoningTokens: 2_000,
      }),
      price('gpt-5'),
      SATURDAY,
    )
    expect(cost.rate).toBe('standard')
    expect(cost.usd).toBeCloseTo(0.0058 + 0.00192 + 0.03, 12)
  })

  it('bills GPT-5.6 cache writes at 1.25 times the input price', () => {
    // 1,000 x $2 + 4,000 x $2.50 + 1,000 x $12, per million
    const cost = costOf(
      usage({
        inputTokens: 5_000,
        cacheWriteTokens: 4_000,
        outputTokens: 1_000,
      }),
      price('gpt-5.6-terra'),
      SATURDAY,
    )
    expect(cost.parts.cacheWrite).toBeCloseTo(0.01, 12)
    expect(cost.usd).toBeCloseTo(0.024, 12)
  })

  it('applies the long-context multiplier to the whole request', () => {
    // 200,000 x $4 + 100,000 x $0.40 + 10,000 x $18, per million
    const cost = costOf(
      usage({
        inputTokens: 300_000,
        cachedInputTokens: 100_000,
        outputTokens: 10_000,
      }),
      price('gpt-5.6-terra'),
      SATURDAY,
    )
    expect(cost.longContext).toBe(true)
    expect(cost.usd).toBeCloseTo(0.8 + 0.04 + 0.18, 12)
  })

  it('computes what the cache saved', () => {
    // 8,000 cached tokens x ($0.15 - $0.003), per million
    expect(
      cacheSavings(deepseekCall, price('deepseek-flash'), SATURDAY),
    ).toBeCloseTo(0.001176, 12)
  })
})

describe('worstCost, the most a call can cost', () => {
  it('bills every prompt token at the full input price when that is dearest', () => {
    // 10,000 x $1.25 + 1,000 x $10, per million
    expect(worstCost(10_000, 1_000, price('gpt-5'), SATURDAY)).toBeCloseTo(
      0.0125 + 0.01,
      12,
    )
  })

  it('bills every prompt token as a cache write where writes cost more', () => {
    // 10,000 x $2.50 + 1,000 x $12, per million
    expect(
      worstCost(10_000, 1_000, price('gpt-5.6-terra'), SATURDAY),
    ).toBeCloseTo(0.025 + 0.012, 12)
  })

  it('bills every prompt token as a cache hit where hits cost more', () => {
    const odd: ModelPrice = {
      rates: { input: 0.01, cachedInput: 20, output: 0.01 },
      source: 'a test',
    }
    // 10,000 x $20 + 1,000 x $0.01, per million
    expect(worstCost(10_000, 1_000, odd, SATURDAY)).toBeCloseTo(
      0.2 + 0.00001,
      12,
    )
  })
})

describe('findPrice', () => {
  it('knows every model the project documents, each with a source', () => {
    for (const model of [
      'deepseek-flash',
      'deepseek-v4-pro',
      'gpt-5',
      'gpt-5-mini',
      'gpt-5.4',
      'gpt-5.6-terra',
    ]) {
      expect(price(model).source).not.toBe('')
    }
    expect(PRICE_TABLE.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  })

  it('prices dated snapshots like their model', () => {
    expect(findPrice('gpt-5-2025-08-07')).toBe(price('gpt-5'))
  })

  it('has no price for an unknown model', () => {
    expect(findPrice('llama-3-70b')).toBeUndefined()
  })

  it('lets an override replace a built-in row, peak rules included', () => {
    const flat: ModelPrice = {
      rates: { input: 1, cachedInput: 0.1, output: 2 },
      source: 'the `pricing` input',
    }
    const found = findPrice('deepseek-flash', { 'deepseek-flash': flat })
    expect(found).toBe(flat)
    expect(
      costOf(usage({ inputTokens: 1_000_000 }), flat, FRIDAY_PEAK).usd,
    ).toBe(1)
  })
})

describe('buildCostReport', () => {
  it('adds up calls, savings and the same tokens on other models', () => {
    const call = {
      model: 'deepseek-flash',
      startedAt: SATURDAY,
      usage: usage({
        inputTokens: 10_000,
        cachedInputTokens: 8_000,
        outputTokens: 500,
      }),
    }
    const report = buildCostReport([call, call], {})
    expect(report.usd).toBeCloseTo(2 * 0.000624, 12)
    expect(report.usage.inputTokens).toBe(20_000)
    expect(report.savingsUsd).toBeCloseTo(2 * 0.001176, 12)
    expect(report.comparisons.map((c) => c.model)).toEqual([
      'deepseek-v4-pro',
      'gpt-5-mini',
      'gpt-5',
    ])
    // gpt-5: 2 x (2,000 x $1.25 + 8,000 x $0.125 + 500 x $10), per million
    expect(report.comparisons[2]?.usd).toBeCloseTo(
      2 * (0.0025 + 0.001 + 0.005),
      12,
    )
  })

  it('gives no dollar figure when a model has no price, and names it', () => {
    const report = buildCostReport(
      [
        {
          model: 'qwen3-coder',
          startedAt: SATURDAY,
          usage: usage({ inputTokens: 5 }),
        },
      ],
      {},
    )
    expect(report.usd).toBeUndefined()
    expect(report.unpriced).toEqual(['qwen3-coder'])
  })
})
