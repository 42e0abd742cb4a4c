import type { Flavour } from './llm-types'
import { commonPrefixLength } from './llm-tokens'

// Enough for every prompt of an end-to-end run while keeping the prefix
// scan cheap.
const ENTRIES_PER_ACCOUNT = 200

const OPENAI_MINIMUM = 1024
const OPENAI_STEP = 128
const DEEPSEEK_UNIT = 64
const VLLM_BLOCK = 16

interface Entry {
  tokens: readonly number[]
  storedAt: number
}

export interface PrefixCacheOptions {
  enabled: boolean
  /** Entries older than this stop matching; Infinity keeps them. */
  ttlMs: number
}

/**
 * Token sequences seen per account (one API key), so a later request can
 * be told how much of its prompt a provider would have served from cache.
 */
export class PrefixCache {
  readonly #accounts = new Map<string, Entry[]>()
  readonly #options: PrefixCacheOptions

  constructor(options: PrefixCacheOptions) {
    this.#options = options
  }

  /** The longest stored prefix of `tokens`, before any rounding. */
  longestPrefix(account: string, tokens: readonly number[]): number {
    if (!this.#options.enabled) return 0

    const oldest = Date.now() - this.#options.ttlMs
    let longest = 0
    for (const entry of this.#accounts.get(account) ?? []) {
      if (entry.storedAt < oldest) continue
      longest = Math.max(longest, commonPrefixLength(entry.tokens, tokens))
    }
    return longest
  }

  remember(account: string, tokens: readonly number[]): void {
    if (!this.#options.enabled || tokens.length === 0) return

    const entries = this.#accounts.get(account) ?? []
    entries.push({ tokens, storedAt: Date.now() })
    if (entries.length > ENTRIES_PER_ACCOUNT) entries.shift()
    this.#accounts.set(account, entries)
  }

  clear(): void {
    this.#accounts.clear()
  }
}

/**
 * Rounds a raw shared prefix down to what the provider would bill as
 * cached: each caches whole units, never a partial one.
 */
export function billableCachedTokens(
  flavour: Flavour,
  sharedPrefix: number,
  promptTokens: number,
): number {
  switch (flavour) {
    case 'deepseek':
      return roundDown(sharedPrefix, DEEPSEEK_UNIT)
    case 'openai':
      return openAiCachedTokens(sharedPrefix, promptTokens)
    case 'self-hosted':
      // vLLM always recomputes the last prompt token to produce the first
      // output token, so even an identical prompt misses one block.
      return roundDown(Math.min(sharedPrefix, promptTokens - 1), VLLM_BLOCK)
  }
}

function openAiCachedTokens(
  sharedPrefix: number,
  promptTokens: number,
): number {
  if (promptTokens < OPENAI_MINIMUM || sharedPrefix < OPENAI_MINIMUM) return 0
  const beyondMinimum = sharedPrefix - OPENAI_MINIMUM
  return OPENAI_MINIMUM + roundDown(beyondMinimum, OPENAI_STEP)
}

function roundDown(value: number, unit: number): number {
  return Math.max(0, Math.floor(value / unit) * unit)
}
