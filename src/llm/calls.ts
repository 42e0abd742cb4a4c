/**
 * Making the planned calls: in order, within the budget, each on its lane's
 * endpoint and, when that fails and the user chose one, on the fallback of
 * the same privacy class.
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
}

export interface CallsReport {
  readonly outcomes: readonly CallOutcome[]
  /** Files of the calls not made because of the budget. */
  readonly overBudget: readonly string[]
}

export async function runCalls(
  work: readonly LaneCall[],
  options: CallsOptions,
): Promise<CallsReport> {
  if (options.maxCostUsd !== undefined) requirePrices(work, options)
  const outcomes: CallOutcome[] = []
  let spent = 0

  for (const [index, item] of work.entries()) {
    const { lane, call } = item
    const worst = worstCase(call, lane.endpoint, options)
    if (options.maxCostUsd !== undefined && spent + worst > options.maxCostUsd) {
      core.warning(
        `Stopping before call ${index + 1}: it could cost up to ` +
          `${formatUsd(worst)}, and ${formatUsd(spent)} of the ` +
          `${formatUsd(options.maxCostUsd)} budget is spent.`,
      )
      return {
        outcomes,
        overBudget: work.slice(index).flatMap((rest) => rest.call.paths),
      }
    }

    core.info(
      `Call ${index + 1}/${work.length} (${lane.kind}, ` +
        `${lane.endpoint.provider} ${lane.endpoint.model}): ` +
        `${call.paths.length} files, about ${formatCount(call.estimatedTokens)} ` +
        'prompt tokens',
    )
    const attempts: Attempt[] = [await attempt(lane.endpoint, call, options)]
    const failed = attempts[0]?.result
    spent += billed(attempts[0]!, options)
    const fallback = options.fallbackFor(lane)
    const affordable =
      fallback !== undefined &&
      (options.maxCostUsd === undefined ||
        spent + worstCase(call, fallback, options) <= options.maxCostUsd)
    if (failed && !failed.reply && fallback && affordable) {
      core.warning(
        `Call ${index + 1} failed on ${lane.endpoint.provider} ` +
          `(${failed.error?.message ?? 'no reply'}); trying the fallback ` +
          `provider ${fallback.provider}.`,
      )
      const second = await attempt(fallback, call, options)
      attempts.push(second)
      spent += billed(second, options)
    }

    const result = attempts.at(-1)!.result
    outcomes.push({ ...item, attempts, result })
    if (result.error?.fatal) break
  }
  return { outcomes, overBudget: [] }
}

async function attempt(
  endpoint: ModelEndpoint,
  call: PromptCall,
  options: CallsOptions,
): Promise<Attempt> {
  const result = await options.clientFor(endpoint).review(call)
  const { usage } = result
  core.info(
    `  ${formatCount(usage.inputTokens)} prompt tokens ` +
      `(${formatCount(usage.cachedInputTokens)} cached), ` +
      `${formatCount(usage.outputTokens)} output tokens` +
      (result.error ? `; failed: ${result.error.message}` : ''),
  )
  return { endpoint, result }
}

function billed({ endpoint, result }: Attempt, options: CallsOptions): number {
  const price = findPrice(endpoint.model, options.pricing)
  return price ? costOf(result.usage, price, result.startedAt).usd : 0
}

/** A call's highest possible cost: no cache hit and the whole output cap. */
function worstCase(
  call: PromptCall,
  endpoint: ModelEndpoint,
  options: CallsOptions,
): number {
  const price = findPrice(endpoint.model, options.pricing)
  if (!price) return 0
  const rules = requestRules(endpoint.provider, endpoint.model, {
    thinking: options.thinking,
  })
  return costOf(
    {
      inputTokens: call.estimatedTokens,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: rules.maxOutputTokens,
      reasoningTokens: 0,
    },
    price,
    new Date(),
  ).usd
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
