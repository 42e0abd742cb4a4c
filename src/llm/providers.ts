/**
 * Each provider's request rules, in one place: the name of the output cap,
 * temperature, how JSON is asked for, the thinking switch, prompt-cache
 * routing, and where its usage reports cached tokens.
 */
import type { Usage } from '../cost/cost'

export const PROVIDERS = ['deepseek', 'openai', 'self-hosted'] as const

export type ProviderName = (typeof PROVIDERS)[number]

export interface RequestRules {
  /** GPT-5 and o-series models reject `max_tokens`. */
  readonly tokenLimit: 'max_tokens' | 'max_completion_tokens'
  /** The output cap; it covers hidden reasoning tokens too. */
  readonly maxOutputTokens: number
  /** Undefined: leave the parameter out (reasoning models reject it). */
  readonly temperature?: number
  /** `json_schema` enforces the reply's shape; `json_object` only JSON. */
  readonly responseFormat: 'json_schema' | 'json_object'
  readonly reasoningEffort?: 'minimal' | 'low' | 'medium' | 'high'
  /** Send `prompt_cache_key` so calls with one prefix reach one cache. */
  readonly promptCacheKey: boolean
  /** Provider-specific body fields the SDK does not type. */
  readonly extraBody: Readonly<Record<string, unknown>>
}

// OpenAI's reasoning models: GPT-5 family and o-series.
const REASONING_MODEL = /^(gpt-5|o\d)/

/** The request rules for a model of a provider. */
export function requestRules(
  provider: ProviderName,
  model: string,
  options: { thinking?: boolean } = {},
): RequestRules {
  switch (provider) {
    case 'deepseek':
      // JSON mode only: Chat Completions rejects json_schema. Thinking is on
      // by default and bills reasoning tokens, so it is off unless asked
      // for; in thinking mode temperature is ignored and the cap must leave
      // room for the reasoning. https://api-docs.deepseek.com/guides/thinking_mode
      return options.thinking
        ? {
            tokenLimit: 'max_tokens',
            maxOutputTokens: 32768,
            responseFormat: 'json_object',
            promptCacheKey: false,
            extraBody: { thinking: { type: 'enabled' } },
          }
        : {
            tokenLimit: 'max_tokens',
            maxOutputTokens: 8192,
            temperature: 0,
            responseFormat: 'json_object',
            promptCacheKey: false,
            extraBody: { thinking: { type: 'disabled' } },
          }
    case 'openai':
      return REASONING_MODEL.test(model)
        ? {
            // Reasoning tokens count against the cap: leave them room.
            tokenLimit: 'max_completion_tokens',
            maxOutputTokens: 16384,
            responseFormat: 'json_schema',
            reasoningEffort: 'low',
            promptCacheKey: true,
            extraBody: {},
          }
        : {
            tokenLimit: 'max_completion_tokens',
            maxOutputTokens: 8192,
            temperature: 0,
            responseFormat: 'json_schema',
            promptCacheKey: true,
            extraBody: {},
          }
    case 'self-hosted':
      // vLLM, SGLang, Ollama and llama.cpp all take max_tokens; json_schema
      // is enforced by guided decoding where the server supports it.
      return {
        tokenLimit: 'max_tokens',
        maxOutputTokens: 8192,
        temperature: 0,
        responseFormat: 'json_schema',
        promptCacheKey: false,
        extraBody: {},
      }
  }
}

/**
 * The most tokens a model reads and writes in one request, where known:
 * DeepSeek's models take 1M (api-docs.deepseek.com/quick_start/pricing),
 * GPT-5 to 5.5 take 400K and GPT-5.6 1.05M (developers.openai.com model
 * pages). A self-hosted server's depends on how it was started.
 */
export function contextWindow(provider: ProviderName, model: string): number {
  if (provider === 'deepseek') return 1_000_000
  if (provider === 'openai' && model.startsWith('gpt-5.6')) return 1_050_000
  if (provider === 'openai' && model.startsWith('gpt-5')) return 400_000
  return Number.POSITIVE_INFINITY
}

/**
 * The prompt tokens one call may send: the configured most, within the
 * model's context window less the room its answer needs.
 */
export function promptBudget(
  provider: ProviderName,
  model: string,
  maxPromptTokens: number,
  thinking: boolean,
): number {
  const { maxOutputTokens } = requestRules(provider, model, { thinking })
  return Math.min(
    maxPromptTokens,
    contextWindow(provider, model) - maxOutputTokens,
  )
}

/**
 * Reads a response's usage into the common shape. DeepSeek reports
 * `prompt_cache_hit_tokens`; OpenAI, vLLM, SGLang, Ollama and llama.cpp
 * report `prompt_tokens_details.cached_tokens` (self-hosted servers only
 * when asked to); GPT-5.6 adds `cache_write_tokens`.
 */
export function readUsage(raw: unknown): Usage {
  const usage = record(raw)
  const details = record(usage.prompt_tokens_details)
  const completion = record(usage.completion_tokens_details)
  const input = count(usage.prompt_tokens)

  return {
    inputTokens: input,
    cachedInputTokens: Math.min(
      input,
      count(usage.prompt_cache_hit_tokens ?? details.cached_tokens),
    ),
    cacheWriteTokens: count(details.cache_write_tokens),
    outputTokens: count(usage.completion_tokens),
    reasoningTokens: count(completion.reasoning_tokens),
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)
    : {}
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0
    ? Math.floor(value)
    : 0
}

/** The JSON schema of a reply, for providers that enforce one. */
export const REPLY_SCHEMA = {
  name: 'review',
  strict: true,
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['summary', 'comments'],
    properties: {
      summary: { type: 'string' },
      comments: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: [
            'path',
            'line',
            'start_line',
            'side',
            'severity',
            'body',
            'suggestion',
            'quote',
          ],
          properties: {
            path: { type: 'string' },
            line: { type: 'integer' },
            start_line: { type: ['integer', 'null'] },
            side: { type: 'string', enum: ['RIGHT', 'LEFT'] },
            severity: {
              type: 'string',
              enum: ['critical', 'major', 'minor', 'nit'],
            },
            body: { type: 'string' },
            suggestion: { type: ['string', 'null'] },
            quote: { type: ['string', 'null'] },
          },
        },
      },
    },
  },
} as const
