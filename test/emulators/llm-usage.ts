import type { Flavour } from './llm-types'

// GPT-5.6 bills writing an uncached prompt into the cache, which only
// happens from the caching minimum up.
const CACHE_WRITE_MINIMUM = 1024

/** Every count a usage block is built from. */
export interface TokenTally {
  prompt: number
  /** Prompt tokens served from cache, already rounded for the flavour. */
  cached: number
  /** Visible plus reasoning tokens. */
  completion: number
  reasoning: number
}

export interface UsageSettings {
  flavour: Flavour
  model: string
  /** Self-hosted only: vLLM hides cached tokens unless asked to show them. */
  reportCachedTokens: boolean
}

/** The `usage` block in the exact shape the flavour's API returns. */
export function usageFor(
  tally: TokenTally,
  settings: UsageSettings,
): Record<string, unknown> {
  const totals = {
    prompt_tokens: tally.prompt,
    completion_tokens: tally.completion,
    total_tokens: tally.prompt + tally.completion,
  }

  switch (settings.flavour) {
    case 'deepseek':
      return {
        ...totals,
        prompt_cache_hit_tokens: tally.cached,
        prompt_cache_miss_tokens: tally.prompt - tally.cached,
        completion_tokens_details: { reasoning_tokens: tally.reasoning },
      }
    case 'openai':
      return {
        ...totals,
        prompt_tokens_details: openAiPromptDetails(tally, settings.model),
        completion_tokens_details: {
          reasoning_tokens: tally.reasoning,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      }
    case 'self-hosted':
      if (!settings.reportCachedTokens) return totals
      return {
        ...totals,
        prompt_tokens_details: { cached_tokens: tally.cached },
      }
  }
}

function openAiPromptDetails(
  tally: TokenTally,
  model: string,
): Record<string, number> {
  const details = { cached_tokens: tally.cached, audio_tokens: 0 }
  if (!model.startsWith('gpt-5.6')) return details

  const written =
    tally.prompt >= CACHE_WRITE_MINIMUM ? tally.prompt - tally.cached : 0
  return { ...details, cache_write_tokens: written }
}
