/**
 * Estimates: what a review would cost on each configured route, from the
 * planned prompts and the price table, without calling any model.
 */
import { costOf, NO_USAGE } from './cost/cost'
import { findPrice, type ModelPrice } from './cost/prices'
import type { ModelEndpoint } from './llm/client'
import type { DiffFile } from './diff/model'
import { promptBudget, requestRules } from './llm/providers'
import {
  planCalls,
  type Plan,
  type PromptCall,
  type PromptContext,
} from './prompt/build'
import { INSTRUCTIONS } from './prompt/instructions'
import { loadTokenCounter, type TokenCounter } from './prompt/tokens'
import { endpointFor, type LanePlan, type Route } from './route'
import type { Settings } from './settings'

/**
 * Output tokens assumed per call for the expected figure. The demo's
 * reply, a summary and five findings, is about 600 tokens; 1,000 leaves
 * room for a busier review. The worst case uses the output cap instead.
 */
export const ASSUMED_OUTPUT_TOKENS = 1000

export interface RouteEstimate {
  readonly label: string
  readonly endpoint: ModelEndpoint
  readonly calls: number
  readonly promptTokens: number
  /** Prompt tokens the shared prefix lets the cache serve. */
  readonly cachedTokens: number
  /** Undefined when the model has no known price. */
  readonly expectedUsd?: number
  readonly worstUsd?: number
  /** Files with a part too large for one call: not reviewed on this route. */
  readonly tooLarge: readonly string[]
}

/**
 * Prices planned calls on an endpoint. The first call is assumed to miss
 * the cache; every later one reads the shared prefix from it.
 */
function estimateCalls(
  label: string,
  endpoint: ModelEndpoint,
  { calls, tooLarge }: Plan,
  count: TokenCounter,
  pricing: Readonly<Record<string, ModelPrice>>,
  at: Date,
  options: { thinking: boolean } = { thinking: false },
): RouteEstimate {
  const prefix = calls.length > 1 ? sharedPrefixTokens(calls, count) : 0
  const promptTokens = calls.reduce(
    (sum, call) => sum + call.estimatedTokens,
    0,
  )
  const cachedTokens = prefix * Math.max(0, calls.length - 1)
  const cap = requestRules(
    endpoint.provider,
    endpoint.model,
    options,
  ).maxOutputTokens
  const price = findPrice(endpoint.model, pricing)

  const priced = (outputPerCall: number, cached: number): number | undefined =>
    price
      ? costOf(
          {
            ...NO_USAGE,
            inputTokens: promptTokens,
            cachedInputTokens: cached,
            outputTokens: outputPerCall * calls.length,
          },
          price,
          at,
        ).usd
      : undefined

  const expectedUsd = priced(ASSUMED_OUTPUT_TOKENS, cachedTokens)
  const worstUsd = priced(cap, 0)
  return {
    label,
    endpoint,
    calls: calls.length,
    promptTokens,
    cachedTokens,
    ...(expectedUsd !== undefined ? { expectedUsd } : {}),
    ...(worstUsd !== undefined ? { worstUsd } : {}),
    tooLarge: [...new Set(tooLarge.map((part) => part.path))],
  }
}

/** Tokens every call shares: the instructions and the user prefix. */
function sharedPrefixTokens(
  calls: readonly PromptCall[],
  count: TokenCounter,
): number {
  const user = calls[0]?.messages[1]?.content ?? ''
  const prefix = user.slice(0, user.indexOf('<diff>\n') + '<diff>\n'.length)
  return count(INSTRUCTIONS) + count(prefix)
}

/**
 * The review priced on the chosen route, lane by lane, and on every other
 * configured provider for comparison.
 */
export async function estimateRoutes(
  settings: Settings,
  route: Route,
  lanes: LanePlan,
  files: readonly DiffFile[],
  prompt: PromptContext,
): Promise<RouteEstimate[]> {
  const at = new Date()
  const estimate = async (
    label: string,
    endpoint: ModelEndpoint,
    shown: readonly DiffFile[],
  ): Promise<RouteEstimate> => {
    const count = await loadTokenCounter(endpoint.provider)
    const plan = planCalls(
      { ...prompt, files: shown },
      {
        count,
        maxPromptTokens: promptBudget(
          endpoint.provider,
          endpoint.model,
          settings.maxPromptTokens,
          settings.deepseekThinking,
        ),
      },
    )
    return estimateCalls(label, endpoint, plan, count, settings.pricing, at, {
      thinking: settings.deepseekThinking,
    })
  }

  const estimates: RouteEstimate[] = []
  const label = {
    default: 'chosen route',
    escalated: 'chosen route, escalated files',
    sensitive: 'chosen route, sensitive files',
  } as const
  for (const lane of lanes.lanes) {
    estimates.push(await estimate(label[lane.kind], lane.endpoint, lane.files))
  }
  // Nothing to review still has a route, at no cost.
  if (lanes.lanes.length === 0) {
    estimates.push(await estimate(label.default, route.endpoint, []))
  }
  const others = new Set([
    settings.publicProvider,
    settings.privateProvider,
    ...(settings.fallbackProvider ? [settings.fallbackProvider] : []),
  ])
  others.delete(route.endpoint.provider)
  for (const provider of others) {
    const described =
      provider !== 'self-hosted' ||
      (settings.selfHosted.baseUrl !== undefined &&
        settings.selfHosted.model !== undefined)
    if (!described) continue
    estimates.push(
      await estimate(
        `${provider}, for comparison`,
        endpointFor(provider, settings),
        files,
      ),
    )
  }
  return estimates
}

/** The expected cost on the chosen route; undefined if a price is unknown. */
export function chosenTotal(
  estimates: readonly RouteEstimate[],
): number | undefined {
  return estimates
    .filter((row) => row.label.startsWith('chosen'))
    .reduce<number | undefined>(
      (sum, row) =>
        sum === undefined || row.expectedUsd === undefined
          ? undefined
          : sum + row.expectedUsd,
      0,
    )
}
