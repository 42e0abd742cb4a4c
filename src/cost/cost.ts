/**
 * Usage to dollars: a pure function of what the provider reported and the
 * dated price table, so the bill can be checked by hand.
 */
import type { ModelPrice, PeakSchedule, Rates } from './prices'

/** Token counts of one model call, normalised across providers. */
export interface Usage {
  /** Every prompt token, whether served from the cache or not. */
  readonly inputTokens: number
  /** Prompt tokens served from the provider's prefix cache. */
  readonly cachedInputTokens: number
  /** Prompt tokens written to the cache, where the provider reports them. */
  readonly cacheWriteTokens: number
  /** Every output token, reasoning tokens included. */
  readonly outputTokens: number
  /** The hidden reasoning part of `outputTokens`. */
  readonly reasoningTokens: number
}

export const NO_USAGE: Usage = {
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
}

export type RateKind = 'standard' | 'peak' | 'off-peak'

export interface Cost {
  readonly usd: number
  readonly rate: RateKind
  /** True when the long-context multiplier applied. */
  readonly longContext: boolean
  readonly parts: {
    readonly uncachedInput: number
    readonly cachedInput: number
    readonly cacheWrite: number
    readonly output: number
  }
}

const PER_MILLION = 1_000_000

/** The dollars one call cost, made at `at`. */
export function costOf(usage: Usage, price: ModelPrice, at: Date): Cost {
  const { rates, rate } = ratesAt(price, at)
  const rule = price.longContext
  const long = rule !== undefined && usage.inputTokens > rule.overTokens
  const inputFactor = long ? rule.inputMultiplier : 1
  const outputFactor = long ? rule.outputMultiplier : 1

  // Cached and cache-write tokens are parts of the prompt; the rest of the
  // prompt is billed at the full input price.
  const uncachedTokens = Math.max(
    0,
    usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens,
  )
  const parts = {
    uncachedInput: dollars(uncachedTokens, rates.input * inputFactor),
    cachedInput: dollars(
      usage.cachedInputTokens,
      rates.cachedInput * inputFactor,
    ),
    cacheWrite: dollars(
      usage.cacheWriteTokens,
      (rates.cacheWrite ?? rates.input) * inputFactor,
    ),
    output: dollars(usage.outputTokens, rates.output * outputFactor),
  }

  return {
    usd:
      parts.uncachedInput + parts.cachedInput + parts.cacheWrite + parts.output,
    rate,
    longContext: long,
    parts,
  }
}

/**
 * The most a call could cost with this prompt and output: every prompt
 * token at the dearest of the input prices. The provider decides which
 * tokens it serves from the cache or writes to it, and a price row may
 * bill either above a miss.
 */
export function worstCost(
  promptTokens: number,
  outputTokens: number,
  price: ModelPrice,
  at: Date,
): number {
  // The bill is linear in how the prompt splits between the three prices,
  // so its maximum is at one of them.
  const splits = [
    { cachedInputTokens: 0, cacheWriteTokens: 0 },
    { cachedInputTokens: promptTokens, cacheWriteTokens: 0 },
    { cachedInputTokens: 0, cacheWriteTokens: promptTokens },
  ]
  return Math.max(
    ...splits.map(
      (split) =>
        costOf(
          {
            ...NO_USAGE,
            ...split,
            inputTokens: promptTokens,
            outputTokens,
          },
          price,
          at,
        ).usd,
    ),
  )
}

/** The dollars the cache saved: cached tokens at the full input price. */
export function cacheSavings(
  usage: Usage,
  price: ModelPrice,
  at: Date,
): number {
  const { rates } = ratesAt(price, at)
  return dollars(usage.cachedInputTokens, rates.input - rates.cachedInput)
}

export function ratesAt(
  price: ModelPrice,
  at: Date,
): { rates: Rates; rate: RateKind } {
  if (!price.offPeak) return { rates: price.rates, rate: 'standard' }
  return isPeak(price.offPeak.peak, at)
    ? { rates: price.rates, rate: 'peak' }
    : { rates: price.offPeak.rates, rate: 'off-peak' }
}

export function isPeak(schedule: PeakSchedule, at: Date): boolean {
  if (!schedule.days.includes(at.getUTCDay())) return false
  const hour = at.getUTCHours()
  return schedule.hours.some(([from, to]) => hour >= from && hour < to)
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
  }
}

function dollars(tokens: number, perMillion: number): number {
  return (tokens * perMillion) / PER_MILLION
}
