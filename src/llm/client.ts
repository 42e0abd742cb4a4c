/**
 * Model calls through the `openai` SDK, for every provider: one client per
 * endpoint, each request shaped by the provider's rules, each reply read and
 * validated. Usage is kept even when a reply is unusable: it was billed.
 */
import OpenAI from 'openai'
import { NO_USAGE, type Usage } from '../cost/cost'
import type { PromptCall } from '../prompt/build'
import {
  readUsage,
  REPLY_SCHEMA,
  requestRules,
  type ProviderName,
  type RequestRules,
} from './providers'
import { describeError } from './errors'
import { parseReply, ReplyFormatError, type Reply } from './reply'
import { adviseRetry, MAX_RETRY_WAIT_MS } from './retry'
import { timeLimit } from '../time-limit'

/** Where calls go: a provider's base URL, key and model. */
export interface ModelEndpoint {
  readonly provider: ProviderName
  readonly model: string
  readonly baseUrl: string
  /** Absent for self-hosted servers that need no key. */
  readonly apiKey?: string
  /** The input that holds the key, for error messages. */
  readonly keyInput?: string
  /** The input that names the model, for error messages. */
  readonly modelInput: string
}

export interface ClientOptions {
  /** The deadline of one attempt. */
  readonly timeoutMs: number
  readonly maxRetries: number
  /** A stable key for OpenAI's prompt cache routing. */
  readonly promptCacheKey?: string
  /** DeepSeek only: let the model think first. */
  readonly thinking?: boolean
  /** Aborts every request when the run's deadline passes. */
  readonly signal?: AbortSignal
}

export interface CallResult {
  readonly usage: Usage
  /** The model that answered, as the provider named it. */
  readonly model: string
  /**
   * When the answered request was sent, a retry's time rather than the
   * first attempt's: the time of day DeepSeek prices by.
   */
  readonly startedAt: Date
  /** From the first attempt to the end of the call. */
  readonly durationMs: number
  readonly reply?: Reply
  readonly error?: CallError
  /**
   * Requests given up before their answer was read, as after a timeout:
   * the provider may bill them, though their usage is unknown.
   */
  readonly abandoned: number
}

export interface CallError {
  readonly message: string
  /**
   * True when every other call would fail the same way (a bad key, an
   * unknown model): the run stops instead of repeating it.
   */
  readonly fatal: boolean
  /**
   * What a retry can do about it: `truncated` and `too-long` calls are
   * split or given more room, an `unusable` reply is asked for once more.
   */
  readonly kind?: 'truncated' | 'too-long' | 'unusable'
}

export interface CallLimits {
  /** A lower output cap than the provider's usual one, e.g. for a budget. */
  readonly maxOutputTokens?: number
  /**
   * Asked before the SDK sends the request again (after a timeout, a rate
   * limit, a server error); false ends the call instead.
   */
  readonly beforeRetry?: () => boolean
}

/** One request's attempts, as the fetch underneath the SDK sees them. */
interface Attempts {
  sent: number
  lastSentAt?: Date
  /** Attempts that failed before an answer: maybe billed. */
  abandoned: number
  /** Attempts answered 2xx, whose body the SDK then reads. */
  answered: number
  /** Set when `beforeRetry` ended the call. */
  refused: boolean
  /** How long the provider asked to wait, when that was too long to wait. */
  waitRefusedMs?: number
  readonly beforeRetry?: () => boolean
  /** Ends the call, through the signal the SDK watches. */
  readonly stopper: AbortController
}

// How the attempts of a request reach the fetch function: the SDK passes
// `fetchOptions` through to it, symbol keys included.
const ATTEMPTS = Symbol('cost-aware-review.attempts')

export interface ModelClient {
  review(call: PromptCall, limits?: CallLimits): Promise<CallResult>
}

// Each adjustment removes one parameter; there are only a few to remove.
const MAX_ADJUSTMENTS = 3

export function createModelClient(
  endpoint: ModelEndpoint,
  options: ClientOptions,
): ModelClient {
  const client = new OpenAI({
    apiKey: endpoint.apiKey ?? 'no-key',
    baseURL: endpoint.baseUrl,
    // The SDK would otherwise read these from the environment and send an
    // OpenAI organisation header to every provider.
    organization: null,
    project: null,
    webhookSecret: null,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
    fetch: countingAttempts,
    ...(endpoint.apiKey ? {} : { defaultHeaders: { Authorization: null } }),
  })
  let rules = requestRules(endpoint.provider, endpoint.model, {
    thinking: options.thinking ?? false,
  })

  async function review(
    call: PromptCall,
    limits: CallLimits = {},
  ): Promise<CallResult> {
    const firstSentAt = new Date()
    let startedAt = firstSentAt
    let abandoned = 0
    const finish = (
      fields: Omit<
        CallResult,
        'startedAt' | 'durationMs' | 'model' | 'abandoned'
      > & {
        model?: string
      },
    ): CallResult => ({
      model: endpoint.model,
      ...fields,
      startedAt,
      durationMs: Date.now() - firstSentAt.getTime(),
      abandoned,
    })

    let completion: OpenAI.Chat.Completions.ChatCompletion | undefined
    for (let adjustments = 0; !completion; adjustments++) {
      const attempts = newAttempts(limits)
      try {
        completion = await create(call, cap(limits), attempts)
        abandoned += attempts.abandoned
        startedAt = attempts.lastSentAt ?? startedAt
      } catch (error) {
        // A body the SDK was reading when the call failed was abandoned.
        abandoned += attempts.abandoned + attempts.answered
        if (attempts.waitRefusedMs !== undefined) {
          return finish({
            usage: NO_USAGE,
            error: {
              message:
                `${endpoint.provider} asked to wait ` +
                `${Math.ceil(attempts.waitRefusedMs / 1000)} s before ` +
                `another attempt, longer than the ${MAX_RETRY_WAIT_MS / 1000} ` +
                `s this action waits (${describe(error).message})`,
              fatal: false,
            },
          })
        }
        if (attempts.refused) {
          return finish({
            usage: NO_USAGE,
            error: {
              message:
                'not sent again: `max-cost-usd` has no room for another ' +
                `attempt (${describe(error).message})`,
              fatal: false,
            },
          })
        }
        const adjusted =
          adjustments < MAX_ADJUSTMENTS ? adjustRules(rules, error) : undefined
        if (!adjusted)
          return finish({ usage: NO_USAGE, error: describe(error) })
        // The server rejected a parameter this provider usually takes: ask
        // again without it, and keep the change for the rest of the run.
        rules = adjusted
      }
    }

    // A proxy or a server that misbehaves may answer 200 with any JSON, or
    // with none: the SDK then hands back whatever it read.
    const answer: Partial<typeof completion> =
      (completion as unknown) instanceof Object ? completion : {}
    const usage = readUsage(answer.usage)
    const model = answer.model || endpoint.model
    const choice = Array.isArray(answer.choices) ? answer.choices[0] : undefined
    if (choice?.finish_reason === 'length') {
      return finish({
        usage,
        model,
        error: {
          message:
            `model output truncated at ${rules.tokenLimit}=` +
            `${cap(limits)} (${usage.reasoningTokens} reasoning tokens)`,
          fatal: false,
          kind: 'truncated',
        },
      })
    }

    try {
      const reply = parseReply(choice?.message.content ?? '')
      return finish({ usage, model, reply })
    } catch (error) {
      if (!(error instanceof ReplyFormatError)) throw error
      return finish({
        usage,
        model,
        error: {
          message: `unusable reply: ${error.message}`,
          fatal: false,
          kind: 'unusable',
        },
      })
    }
  }

  function cap(limits: CallLimits): number {
    return limits.maxOutputTokens ?? rules.maxOutputTokens
  }

  function newAttempts(limits: CallLimits): Attempts {
    return {
      sent: 0,
      abandoned: 0,
      answered: 0,
      refused: false,
      ...(limits.beforeRetry ? { beforeRetry: limits.beforeRetry } : {}),
      stopper: new AbortController(),
    }
  }

  async function create(
    call: PromptCall,
    maxOutputTokens: number,
    attempts: Attempts,
  ): Promise<OpenAI.Chat.Completions.ChatCompletion> {
    // The SDK's timeout stops once headers arrive; this limit also covers
    // a body that never ends, across all attempts and the waits between.
    const limit = timeLimit(
      options.timeoutMs * (options.maxRetries + 1) +
        MAX_RETRY_WAIT_MS * options.maxRetries,
      options.signal,
      attempts.stopper.signal,
    )
    // The SDK hands these fields to fetch as they are.
    const passAttempts: Pick<RequestInit, 'keepalive'> & {
      [ATTEMPTS]: Attempts
    } = { [ATTEMPTS]: attempts }
    try {
      return await client.chat.completions.create(
        requestBody(
          endpoint.model,
          call,
          { ...rules, maxOutputTokens },
          options.promptCacheKey,
        ),
        {
          signal: limit.signal,
          fetchOptions: passAttempts,
        },
      )
    } finally {
      limit.done()
    }
  }

  function describe(error: unknown): CallError {
    if (options.signal?.aborted) {
      return {
        message:
          'the run reached `run-timeout-minutes` before the model answered',
        fatal: false,
      }
    }
    return describeError(error, endpoint)
  }

  return { review }
}

/**
 * The fetch under the SDK: it counts a request's attempts, asks before each
 * retry, and then sends the request.
 */
async function countingAttempts(
  input: string | URL | Request,
  init?: RequestInit,
): Promise<Response> {
  const { [ATTEMPTS]: attempts, ...rest } = (init ?? {}) as RequestInit & {
    [ATTEMPTS]?: Attempts
  }
  if (!attempts) return (await adviseRetry(await fetch(input, init))).response
  attempts.sent += 1
  if (attempts.sent > 1 && attempts.beforeRetry && !attempts.beforeRetry()) {
    // Aborting the caller's signal is the one failure the SDK does not retry.
    attempts.refused = true
    attempts.stopper.abort()
    throw new Error('no room in the budget for another attempt')
  }
  attempts.lastSentAt = new Date()
  let answer: Response
  try {
    answer = await fetch(input, rest)
  } catch (error) {
    if (mayHaveArrived(error)) attempts.abandoned += 1
    throw error
  }
  if (answer.ok) attempts.answered += 1
  const { response, refusedWaitMs } = await adviseRetry(answer)
  if (refusedWaitMs !== undefined) attempts.waitRefusedMs = refusedWaitMs
  return response
}

/** False when the request surely never reached the server. */
function mayHaveArrived(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined
  const code =
    cause && typeof cause === 'object' && 'code' in cause
      ? String(cause.code)
      : ''
  return !['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)
}

/** The request body of a call, following the provider's rules. */
export function requestBody(
  model: string,
  call: PromptCall,
  rules: RequestRules,
  promptCacheKey?: string,
): OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming {
  const body: Record<string, unknown> = {
    model,
    messages: call.messages,
    [rules.tokenLimit]: rules.maxOutputTokens,
    response_format:
      rules.responseFormat === 'json_schema'
        ? { type: 'json_schema', json_schema: REPLY_SCHEMA }
        : { type: 'json_object' },
    ...rules.extraBody,
  }
  if (rules.temperature !== undefined) body.temperature = rules.temperature
  if (rules.reasoningEffort) body.reasoning_effort = rules.reasoningEffort
  if (rules.promptCacheKey && promptCacheKey) {
    body.prompt_cache_key = promptCacheKey
  }
  return body as unknown as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming
}

/**
 * Rules changed after a rejected parameter, or undefined when the error is
 * not one a changed request can fix.
 */
function adjustRules(
  rules: RequestRules,
  error: unknown,
): RequestRules | undefined {
  if (!(error instanceof OpenAI.APIError) || error.status !== 400) {
    return undefined
  }
  const text = `${error.message} ${JSON.stringify(error.error ?? '')}`
  if (rules.tokenLimit === 'max_tokens' && /max_tokens/.test(text)) {
    return { ...rules, tokenLimit: 'max_completion_tokens' }
  }
  if (rules.temperature !== undefined && /temperature/.test(text)) {
    const { temperature: _dropped, ...rest } = rules
    return rest
  }
  if (
    rules.responseFormat === 'json_schema' &&
    /response_format|json_schema/.test(text)
  ) {
    return { ...rules, responseFormat: 'json_object' }
  }
  return undefined
}
