/**
 * The ledger of a run: each call's usage and dollars, the totals, the cache
 * savings, and what the same tokens would have cost on other models.
 */
import {
  addUsage,
  cacheSavings,
  costOf,
  NO_USAGE,
  type Cost,
  type Usage,
} from './cost'
import { findPrice, PRICE_TABLE, type ModelPrice } from './prices'

export interface LedgerCall {
  /** The model the call was made to, as configured. */
  readonly model: string
  readonly startedAt: Date
  readonly usage: Usage
}

export interface PricedCall extends LedgerCall {
  /** Undefined when the model has no known price. */
  readonly cost?: Cost
}

export interface Comparison {
  readonly model: string
  readonly usd: number
}

export interface CostReport {
  readonly calls: readonly PricedCall[]
  readonly usage: Usage
  /** Undefined when any call's model has no known price. */
  readonly usd?: number
  /** What the cache saved, at the same models' full input price. */
  readonly savingsUsd?: number
  /** Models with no price, named so the summary can say so. */
  readonly unpriced: readonly string[]
  /** The same tokens priced on other models. */
  readonly comparisons: readonly Comparison[]
  readonly tableDate: string
}

// The models a review is compared with: the two defaults and their larger
// and smaller siblings.
const COMPARED = ['deepseek-flash', 'deepseek-v4-pro', 'gpt-5-mini', 'gpt-5']

export function buildCostReport(
  calls: readonly LedgerCall[],
  overrides: Readonly<Record<string, ModelPrice>>,
): CostReport {
  const priced = calls.map((call): PricedCall => {
    const price = findPrice(call.model, overrides)
    return price
      ? { ...call, cost: costOf(call.usage, price, call.startedAt) }
      : call
  })
  const unpriced = [
    ...new Set(priced.filter((call) => !call.cost).map((call) => call.model)),
  ]
  const known = unpriced.length === 0

  const savings = calls.reduce((sum, call) => {
    const price = findPrice(call.model, overrides)
    return price ? sum + cacheSavings(call.usage, price, call.startedAt) : sum
  }, 0)

  const used = new Set(calls.map((call) => call.model))
  const comparisons = COMPARED.filter((model) => !used.has(model)).flatMap(
    (model): Comparison[] => {
      const price = findPrice(model, overrides)
      if (!price || calls.length === 0) return []
      const usd = calls.reduce(
        (sum, call) => sum + costOf(call.usage, price, call.startedAt).usd,
        0,
      )
      return [{ model, usd }]
    },
  )

  return {
    calls: priced,
    usage: calls.reduce((sum, call) => addUsage(sum, call.usage), NO_USAGE),
    ...(known
      ? {
          usd: priced.reduce((sum, call) => sum + (call.cost?.usd ?? 0), 0),
          savingsUsd: savings,
        }
      : {}),
    unpriced,
    comparisons,
    tableDate: PRICE_TABLE.asOf,
  }
}

/** The share of prompt tokens served from the cache, 0 to 1. */
export function cacheHitRatio(usage: Usage): number {
  return usage.inputTokens === 0
    ? 0
    : usage.cachedInputTokens / usage.inputTokens
}
