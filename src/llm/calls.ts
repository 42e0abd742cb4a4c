/**
 * Making the planned calls within the budget. The first call goes alone so
 * that it writes the shared prefix to the provider's cache; the rest follow
 * a few at a time and read that prefix at a tenth of the price. Before each
 * call its worst case is reserved against `max-cost-usd`, so the run can
 * never spend more than the budget, whatever the calls in flight return.
 */
import * as core from '@actions/core'
import { costOf } from '../cost/cost'
import { findPrice, type ModelPrice } from '../cost/prices'
import type { PromptCall } from '../prompt/build'
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
  /** Every request made for the call, the fallback's last. */
  readonly attempts: readonly Attempt[]
  /** The last attempt's result: the one whose findings count. */
  readonly result: CallResult
}

export interface CallsOptions {
  readonly clientFor: (endpoint: ModelEndpoint) => ModelClient
  readonly fallbackFor: (lane: Lane) => ModelEndpoint | undefined
  readonly maxCostUsd?: number
  readonly pricing: Readonly<Record<string, ModelPrice>>
  /** DeepSeek's thinking mode, which changes its output cap. */
  readonly thinking: boolean
  /** How many calls may run at once after the first. */
  readonly parallel: number
}

export interface CallsReport {
  /** The calls made, in plan order. */
  readonly outcomes: readonly CallOutcome[]
  /** Files of the calls not made because of the budget. */
  readonly overBudget: readonly string[]
}

// Below this many output tokens a review is likely to be cut off: better
// not to make the call than to pay for a truncated one.
const MIN_OUTPUT_TOKENS = 1024

export async function runCalls(
  work: readonly LaneCall[],
  options: CallsOptions,
): Promise<CallsReport> {
  if (options.maxCostUsd !== undefined) requirePrices(work, options)
  const budget = new Budget(options.maxCostUsd)
  const outcomes: Array<CallOutcome | undefined> = []
  let stop: 'budget' | 'fatal' | undefined

  const runOne = async (index: number): Promise<void> => {
    const item = work[index]!
    if (stop) return
    const first = reserve(item.lane.endpoint, item.call, budget, options)
    if (!first) {
      core.warning(
        `Not making call ${index + 1}: the ${formatUsd(budget.limit ?? 0)} ` +
          `budget has ${formatUsd(budget.left())} left, too little for it.`,
      )
      stop = 'budget'
      return
    }
    const outcome = await callWithFallback(index, work.length, item, first, budget, options)
    outcomes[index] = outcome
    if (outcome.result.error?.fatal) stop ??= 'fatal'
  }

  if (work.length > 0) await runOne(0)
  await pool(work.length - 1, Math.max(1, options.parallel), (n) => runOne(n + 1))

  // A fatal error fails the run and says why; only the budget leaves
  // files unreviewed on purpose.
  const unmade = work.filter((_, index) => outcomes[index] === undefined)
  return {
    outcomes: outcomes.filter((outcome) => outcome !== undefined),
    overBudget:
      stop === 'budget' ? unmade.flatMap((item) => item.call.paths) : [],
  }
}

async function callWithFallback(
  index: number,
  count: number,
  item: LaneCall,
  first: Reservation,
  budget: Budget,
  options: CallsOptions,
): Promise<CallOutcome> {
  const { lane, call } = item
  core.info(
    `Call ${index + 1}/${count} (${lane.kind}, ${lane.endpoint.provider} ` +
      `${lane.endpoint.model}): ${call.paths.length} files, about ` +
      `${formatCount(call.estimatedTokens)} prompt tokens`,
  )
  const attempts = [await attempt(first, call, budget, options)]

  const failed = attempts[0]!.result
  const fallback = options.fallbackFor(lane)
  const second =
    !failed.reply && fallback ? reserve(fallback, call, budget, options) : undefined
  if (second) {
    core.warning(
      `Call ${index + 1} failed on ${lane.endpoint.provider} ` +
        `(${failed.error?.message ?? 'no reply'}); trying the fallback ` +
        `provider ${second.endpoint.provider}.`,
    )
    attempts.push(await attempt(second, call, budget, options))
  }
  return { ...item, attempts, result: attempts.at(-1)!.result }
}

async function attempt(
  reservation: Reservation,
  call: PromptCall,
  budget: Budget,
  options: CallsOptions,
): Promise<Attempt> {
  const { endpoint } = reservation
  const result = await options
    .clientFor(endpoint)
    .review(call, { maxOutputTokens: reservation.maxOutputTokens })
  const price = findPrice(endpoint.model, options.pricing)
  budget.settle(
    reservation,
    price ? costOf(result.usage, price, result.startedAt).usd : 0,
  )
  const { usage } = result
  const cached = usage.inputTokens
    ? Math.round((100 * usage.cachedInputTokens) / usage.inputTokens)
    : 0
  core.info(
    `  ${formatCount(usage.inputTokens)} prompt tokens (${cached}% cached), ` +
      `${formatCount(usage.outputTokens)} output tokens` +
      (result.error ? `; failed: ${result.error.message}` : ''),
  )
  return { endpoint, result }
}

interface Reservation {
  readonly endpoint: ModelEndpoint
  readonly maxOutputTokens: number
  readonly usd: number
}

/**
 * Reserves a call's worst case (no cache hit, the whole output cap). When
 * the budget cannot cover the usual cap, the cap is lowered to what it
 * can cover, down to a floor; below that the call is not made.
 */
function reserve(
  endpoint: ModelEndpoint,
  call: PromptCall,
  budget: Budget,
  options: CallsOptions,
): Reservation | undefined {
  const rules = requestRules(endpoint.provider, endpoint.model, {
    thinking: options.thinking,
  })
  const price = findPrice(endpoint.model, options.pricing)
  if (budget.limit === undefined || !price) {
    return { endpoint, maxOutputTokens: rules.maxOutputTokens, usd: 0 }
  }
  const at = new Date()
  const worst = (outputTokens: number): number =>
    costOf(
      {
        inputTokens: call.estimatedTokens,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens,
        reasoningTokens: 0,
      },
      price,
      at,
    ).usd
  const left = budget.left()
  const perOutputToken = worst(1) - worst(0)
  const affordable = Math.floor((left - worst(0)) / perOutputToken)
  const maxOutputTokens = Math.min(rules.maxOutputTokens, affordable)
  if (maxOutputTokens < MIN_OUTPUT_TOKENS) return undefined
  const reservation = { endpoint, maxOutputTokens, usd: worst(maxOutputTokens) }
  budget.hold(reservation.usd)
  return reservation
}

/** Money spent and money held for calls in flight. */
class Budget {
  #spent = 0
  #held = 0

  constructor(readonly limit: number | undefined) {}

  left(): number {
    return (this.limit ?? Infinity) - this.#spent - this.#held
  }

  hold(usd: number): void {
    this.#held += usd
  }

  settle(reservation: Reservation, usd: number): void {
    this.#held -= reservation.usd
    this.#spent += usd
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
        `Input \`max-cost-usd\` is set, but no price is known for ` +
          `"${model}", so the budget cannot be enforced. Add the model to ` +
          'the `pricing` input.',
      )
    }
  }
}
