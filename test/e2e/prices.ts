/**
 * An independent reading of the price table for the end-to-end suites: the
 * bill of a recorded call, computed from the emulator's usage with the
 * table's rates, not with the action's cost code.
 */
import { PRICE_TABLE } from '../../src/cost/prices'

interface RecordedUsage {
  prompt_tokens?: number
  completion_tokens?: number
  prompt_cache_hit_tokens?: number
  prompt_tokens_details?: {
    cached_tokens?: number
    cache_write_tokens?: number
  }
}

/** DeepSeek's peak: weekdays, 01:00-04:00 and 06:00-10:00 UTC. */
function peak(at: Date): boolean {
  const day = at.getUTCDay()
  const hour = at.getUTCHours()
  return (
    day >= 1 &&
    day <= 5 &&
    ((hour >= 1 && hour < 4) || (hour >= 6 && hour < 10))
  )
}

export function expectedUsd(
  model: string,
  usage: RecordedUsage,
  at: Date,
): number {
  const row = PRICE_TABLE.models[model]
  if (!row) throw new Error(`no price for ${model}`)
  const rates = row.offPeak && !peak(at) ? row.offPeak.rates : row.rates
  const prompt = usage.prompt_tokens ?? 0
  const cached =
    usage.prompt_cache_hit_tokens ??
    usage.prompt_tokens_details?.cached_tokens ??
    0
  const writes = usage.prompt_tokens_details?.cache_write_tokens ?? 0
  return (
    ((prompt - cached - writes) * rates.input +
      cached * rates.cachedInput +
      writes * (rates.cacheWrite ?? rates.input) +
      (usage.completion_tokens ?? 0) * rates.output) /
    1_000_000
  )
}
