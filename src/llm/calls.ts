/**
 * Making the planned calls within the budget and the run's deadline. The
 * first call goes alone so that it writes the shared prefix to the
 * provider's cache; the rest follow a few at a time and read that prefix at
 * a tenth of the price. Before each request its worst case is reserved
 * against `max-cost-usd`, so the run never spends more than the budget.
 *
 * A call that fails in a way a second request can fix gets one: a reply
 * cut off at the output cap, or a prompt over the context window, is split
 * into smaller calls (or, for a single hunk, given a larger cap); an
 * unusable reply is asked for once more; a provider failure goes to the
 * fallback provider when the user chose one.
 */
import * as core from '@actions/core'
import { costOf, worstCost } from '../cost/cost'
import { findPrice, type ModelPrice } from '../cost/prices'
import type { PromptCall } from '../prompt/build'
import { logUntrusted } from '../report/log'
import { formatCount, formatUsd } from '../report/text'
import type { Lane } from '../route'
import type { CallResult, ModelClient, ModelEndpoint } from './client'
import { requestRules } from './providers'

export interface LaneCall {
  readonly lane: Lane
  readonly call: PromptCall
}

export interface Attempt {
  readonly endpoint: ModelEndpoint
  readonly result: CallResult
}

export interface CallOutcome extends LaneCall {
  /** Every request made for the call, the last one's result counts. */
  readonly attempts: readonly Attempt[]
  readonly result: CallResult
  /** Set when smaller calls, which follow it, replaced this one. */
  readonly split?: true
}

/**
 * The files every call that showed them answered for: a file split across
 * calls is reviewed only when each part was. `unmade` lists the files of
 * calls never made.
 */
export function reviewedPaths(
  outcomes: readonly CallOutcome[],
  unmade: readonly string[],
): Set<string> {
  const lost = new Set([
    ...unmade,
    ...outcomes.flatMap((outcome) =>
      outcome.result.reply || outcome.split ? [] : outcome.call.paths,
    ),
  ])
  return new Set(
    outcomes.flatMap((outcome) =>
      outcome.result.reply
        ? outcome.call.paths.filter((path) => !lost.has(path))
        : [],
    ),
  )
}

export interface CallsOptions {
  readonly clientFor: (endpoint: ModelEndpoint) => ModelClient
  readonly fallbackFor: (lane: Lane) => ModelEndpoint | undefined
  readonly maxCostUsd?: number
  /** How messages name `max-cost-usd`: the input, or the config's key. */
  readonly budgetLabel?: string
  readonly pricing: Readonly<Record<string, ModelPrice>>
  /** DeepSeek's thinking mode, which changes its output cap. */
  readonly thinking: boolean
  /** How many calls may run at once after the first. */
  readonly parallel: number
  /** No call starts after this time. */
  readonly deadline?: Date
}

export interface CallsReport {
  /** The calls made, in plan order; a split call is followed by its parts. */
  readonly outcomes: readonly CallOutcome[]
  /** Files of the calls not made because of the budget. */
  readonly overBudget: readonly string[]
  /** Files of the calls not made because the run's deadline passed. */
  readonly outOfTime: readonly string[]
}

// Below this many output tokens a review is likely to be cut off: better
// not to make the call than to pay for a truncated one.
const MIN_OUTPUT_TOKENS = 1024

// A split call's parts may be split once more, no further.
const MAX_SPLIT_DEPTH = 2

type Stop = 'budget' | 'fatal' | 'deadline'

export async function runCalls(
  work: readonly LaneCall[],
  options: CallsOptions,
): Promise<CallsReport> {
  if (options.maxCostUsd !== undefined) requirePrices(work, options)
  const runner = new Runner(options, work.length)
  const done: Array<CallOutcome[] | undefined> = []

  const runOne = async (index: number): Promise<void> => {
    const item = work[index]
    if (item) done[index] = await runner.execute(index, item, 0)
  }
  await runOne(0)
  await pool(work.length - 1, Math.max(1, options.parallel), (n) =>
    runOne(n + 1),
  )

  // Only the budget and the deadline leave files unreviewed on purpose; a
  // fatal error fails the run and says why.
  const unmade = [...new Set(runner.unmade)]
  return {
    outcomes: done.flatMap((outcomes) => outcomes ?? []),
    overBudget: runner.stop === 'budget' ? unmade : [],
    outOfTime: runner.stop === 'deadline' ? unmade : [],
  }
}

class Runner {
  #stop: Stop | undefined
  readonly #budget: Budget
  /** Files of calls, or parts of a split call, never made. */
  readonly unmade: string[] = []

  constructor(
    readonly options: CallsOptions,
    readonly count: number,
  ) {
    this.#budget = new Budget(options.maxCostUsd)
  }

  get stopped(): boolean {
    return this.#stop !== undefined
  }

  get stop(): Stop | undefined {
    return this.#stop
  }

  /**
   * One planned call with whatever retries it needs; [] if not made, and
   * then its files are unmade.
   */
  async execute(
    index: number,
    item: LaneCall,
    depth: number,
  ): Promise<CallOutcome[]> {
    const made = this.stopped ? [] : await this.#make(index, item, depth)
    if (made.length === 0) this.unmade.push(...item.call.paths)
    return made
  }

  async #make(
    index: number,
    item: LaneCall,
    depth: number,
  ): Promise<CallOutcome[]> {
    const { lane, call } = item
    if (
      this.options.deadline &&
      Date.now() >= this.options.deadline.getTime()
    ) {
      this.#halt(
        'deadline',
        `Not making call ${index + 1}: the run's deadline has passed.`,
      )
      return []
    }
    core.info(
      `Call ${index + 1}/${this.count}${depth > 0 ? ` (part)` : ''} (${lane.kind}, ` +
        `${lane.endpoint.provider} ${lane.endpoint.model}): ${call.paths.length} ` +
        `files, about ${formatCount(call.estimatedTokens)} prompt tokens`,
    )
    const first = await this.#attempt(index, lane.endpoint, call)
    if (!first) return []
    const attempts = [first]
    let error = first.result.error

    // A reply cut off, or a prompt too long: smaller calls, when possible.
    if (error?.kind === 'truncated' || error?.kind === 'too-long') {
      const parts = depth < MAX_SPLIT_DEPTH ? (call.split?.() ?? []) : []
      if (parts.length >= 2) {
        core.warning(
          `Call ${index + 1} failed (${error.message}); splitting it into ` +
            `${parts.length} smaller calls.`,
        )
        const failed = {
          ...item,
          attempts,
          result: first.result,
          split: true as const,
        }
        const rest: CallOutcome[] = []
        for (const part of parts) {
          rest.push(
            ...(await this.execute(index, { lane, call: part }, depth + 1)),
          )
        }
        return [failed, ...rest]
      }
      if (error.kind === 'truncated') {
        const cap = 2 * outputCap(lane.endpoint, this.options)
        core.warning(
          `Call ${index + 1} was cut off; asking once more with ${cap} output tokens.`,
        )
        const again = await this.#attempt(index, lane.endpoint, call, cap)
        if (again) attempts.push(again)
      }
    } else if (error?.kind === 'unusable') {
      core.warning(`Call ${index + 1}: ${error.message}; asking once more.`)
      const again = await this.#attempt(index, lane.endpoint, call)
      if (again) attempts.push(again)
    }

    error = last(attempts).result.error
    const fallback = this.options.fallbackFor(lane)
    if (error && !error.kind && fallback) {
      core.warning(
        `Call ${index + 1} failed on ${lane.endpoint.provider} ` +
          `(${error.message}); trying the fallback provider ${fallback.provider}.`,
      )
      const second = await this.#attempt(index, fallback, call)
      if (second) attempts.push(second)
    }

    const { result } = last(attempts)
    if (result.error?.fatal) this.#stop ??= 'fatal'
    return [{ ...item, attempts, result }]
  }

  /** One request, paid for from the budget; undefined if it cannot be. */
  async #attempt(
    index: number,
    endpoint: ModelEndpoint,
    call: PromptCall,
    cap = outputCap(endpoint, this.options),
  ): Promise<Attempt | undefined> {
    const reservation = await this.#budget.reserve(
      endpoint,
      call,
      cap,
      this.options,
    )
    if (!reservation) {
      this.#halt(
        'budget',
        `Not making call ${index + 1}: the ${formatUsd(this.#budget.limit ?? 0)} ` +
          `budget has ${formatUsd(this.#budget.left())} left, too little for it.`,
      )
      return undefined
    }
    // Each time the SDK sends the request again, the budget holds its
    // worst case once more, or the call ends.
    const held = [reservation]
    const result = await this.options.clientFor(endpoint).review(call, {
      maxOutputTokens: reservation.maxOutputTokens,
      beforeRetry: () => {
        const again = this.#budget.holdAgain(reservation)
        if (again) held.push(again)
        return again !== undefined
      },
    })
    const price = findPrice(endpoint.model, this.options.pricing)
    // A request abandoned before its answer may be billed: it counts
    // against the budget at its worst case.
    this.#budget.settle(
      held,
      (price ? costOf(result.usage, price, result.startedAt).usd : 0) +
        result.abandoned * reservation.usd,
    )

    const { usage } = result
    const cached = usage.inputTokens
      ? Math.round((100 * usage.cachedInputTokens) / usage.inputTokens)
      : 0
    // A failure quotes the provider's error or the model's reply.
    logUntrusted(
      `  ${formatCount(usage.inputTokens)} prompt tokens (${cached}% cached), ` +
        `${formatCount(usage.outputTokens)} output tokens` +
        (result.error ? `; failed: ${result.error.message}` : ''),
    )
    return { endpoint, result }
  }

  #halt(stop: Stop, message: string): void {
    if (!this.#stop) core.warning(message)
    this.#stop ??= stop
  }
}

/** The last of a list known to hold at least its first element. */
function last<T>(items: readonly [T, ...T[]] | T[]): T {
  return items[items.length - 1] as T
}

function outputCap(endpoint: ModelEndpoint, options: CallsOptions): number {
  return requestRules(endpoint.provider, endpoint.model, {
    thinking: options.thinking,
  }).maxOutputTokens
}

interface Reservation {
  readonly maxOutputTokens: number
  readonly usd: number
}

// The prompt's size is estimated with a tokenizer that may not be the
// provider's, and chat templates add tokens of their own: the worst case
// allows this much more.
const PROMPT_MARGIN = { factor: 1.05, tokens: 200 }

/**
 * Money spent and money held for requests in flight. A request's worst
 * case (a larger prompt than estimated, all of it at the dearest input
 * price, the whole output cap, peak rates) is
 * held until it settles; when the budget cannot cover the cap, the cap is
 * lowered to what it can cover, down to a floor below which the request
 * is not made. Requests in flight usually cost far less than is held for
 * them, so a request that does not fit waits for them before giving up.
 */
class Budget {
  #spent = 0
  #held = 0
  #inFlight = 0
  #settled: Array<() => void> = []

  constructor(readonly limit: number | undefined) {}

  left(): number {
    return (this.limit ?? Infinity) - this.#spent - this.#held
  }

  async reserve(
    endpoint: ModelEndpoint,
    call: PromptCall,
    cap: number,
    options: CallsOptions,
  ): Promise<Reservation | undefined> {
    const price = findPrice(endpoint.model, options.pricing)
    for (;;) {
      const reservation =
        this.limit === undefined || !price
          ? { maxOutputTokens: cap, usd: 0 }
          : this.#tryReserve(price, call, cap)
      if (reservation) {
        this.#held += reservation.usd
        this.#inFlight++
        return reservation
      }
      if (this.#inFlight === 0) return undefined
      await new Promise<void>((resolve) => this.#settled.push(resolve))
    }
  }

  /** The reservation the budget allows now, if any; nothing held yet. */
  #tryReserve(
    price: ModelPrice,
    call: PromptCall,
    cap: number,
  ): Reservation | undefined {
    // At the peak rates: a retry of this request, after a rate limit, may
    // start once the off-peak hours have ended.
    const { offPeak: _, ...peak } = price
    const at = new Date()
    const promptTokens = Math.ceil(
      call.estimatedTokens * PROMPT_MARGIN.factor + PROMPT_MARGIN.tokens,
    )
    const worst = (outputTokens: number): number =>
      worstCost(promptTokens, outputTokens, peak, at)
    const perOutputToken = worst(1) - worst(0)
    const affordable = Math.floor((this.left() - worst(0)) / perOutputToken)
    const maxOutputTokens = Math.min(cap, affordable)
    if (maxOutputTokens < MIN_OUTPUT_TOKENS) return undefined
    return { maxOutputTokens, usd: worst(maxOutputTokens) }
  }

  /** The same worst case held once more for a retry, if the budget allows. */
  holdAgain(reservation: Reservation): Reservation | undefined {
    if (reservation.usd > this.left()) return undefined
    this.#held += reservation.usd
    return reservation
  }

  /** Ends a call: what it held is released, what it cost is spent. */
  settle(held: readonly Reservation[], usd: number): void {
    for (const reservation of held) this.#held -= reservation.usd
    this.#spent += usd
    this.#inFlight--
    for (const wake of this.#settled.splice(0)) wake()
  }
}

/** Runs `task(0..count-1)` with at most `limit` at a time. */
async function pool(
  count: number,
  limit: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker))
}

function requirePrices(work: readonly LaneCall[], options: CallsOptions): void {
  const models = new Set(
    work.flatMap(({ lane }) => {
      const fallback = options.fallbackFor(lane)
      return [lane.endpoint.model, ...(fallback ? [fallback.model] : [])]
    }),
  )
  for (const model of models) {
    if (!findPrice(model, options.pricing)) {
      throw new Error(
        `${options.budgetLabel ?? 'Input `max-cost-usd`'} ` +
          `is set, but no price is known for "${model}", so the budget ` +
          'cannot be enforced. Add the model to the `pricing` input.',
      )
    }
  }
}
