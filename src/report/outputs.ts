/**
 * What a run leaves behind besides the review: the job summary, the step
 * outputs, annotations when no review could hold the findings, and the
 * one-line cost footer.
 */
import * as core from '@actions/core'
import type { Placement } from '../diff/anchor'
import { cacheHitRatio, type CostReport } from '../cost/ledger'
import type { History } from '../github/history'
import type { Published } from '../publish'
import type { Route } from '../route'
import type { FileStatus } from '../select'
import type { Settings } from '../settings'
import { logUntrusted } from './log'
import { renderSummary, type RunSummary } from './summary'
import { formatCount, formatUsd, sanitizeModelText } from './text'

export function reviewOutcome(
  published: Published,
  settings: Settings,
): NonNullable<RunSummary['review']> {
  return {
    ...(published.url ? { url: published.url } : {}),
    action: published.action,
    inline: published.inline,
    inBody: published.inBody,
    alreadyPosted: published.alreadyPosted,
    dryRun: settings.dryRun,
  }
}

export function emptySummary(settings: Settings): RunSummary {
  return {
    headline: '',
    calls: [],
    statuses: [] as FileStatus[],
    placements: [],
    notes: [],
    pricing: settings.pricing,
    spentBeforeUsd: 0,
  }
}

export async function writeSummary(summary: RunSummary): Promise<void> {
  const text = renderSummary(summary)
  try {
    await core.summary.addRaw(text).write()
  } catch (error) {
    // Outside a runner (the local CLI) there is no summary file.
    logUntrusted(text)
    core.debug(`No job summary: ${(error as Error).message}`)
  }
}

export function setOutputs(
  route: Route,
  cost: CostReport,
  published: Published | undefined,
): void {
  core.setOutput('provider', route.endpoint.provider)
  core.setOutput('model', route.endpoint.model)
  core.setOutput('cost-usd', cost.usd === undefined ? '' : cost.usd.toFixed(8))
  core.setOutput('input-tokens', cost.usage.inputTokens)
  core.setOutput('cached-input-tokens', cost.usage.cachedInputTokens)
  core.setOutput('output-tokens', cost.usage.outputTokens)
  core.setOutput('cache-hit-ratio', cacheHitRatio(cost.usage).toFixed(4))
  core.setOutput('comments', published?.inline ?? 0)
  core.setOutput(
    'findings',
    published ? published.inline + published.inBody : 0,
  )
  core.setOutput('review-id', published?.id ?? '')
}

export function usdOf(cost: CostReport): { usd?: number } {
  return cost.usd === undefined ? {} : { usd: Number(cost.usd.toFixed(8)) }
}

export function costLine(
  route: Route,
  cost: CostReport,
  history: History,
): string {
  const dollars = cost.usd === undefined ? 'cost unknown' : formatUsd(cost.usd)
  const cached = Math.round(cacheHitRatio(cost.usage) * 100)
  const total =
    history.reviews.length > 0 && cost.usd !== undefined
      ? ` All runs on this pull request: ${formatUsd(history.spentUsd + cost.usd)}.`
      : ''
  return (
    `Reviewed by cost-aware-review with ${route.endpoint.model}: ${dollars}, ` +
    `${formatCount(cost.usage.inputTokens)} prompt tokens (${cached}% cached), ` +
    `${formatCount(cost.usage.outputTokens)} output tokens.${total}`
  )
}

/** Findings as annotations on their lines, when no review could hold them. */
export function annotate(placements: readonly Placement[]): void {
  for (const placement of placements) {
    const { finding } = placement
    const line = placement.kind === 'inline' ? placement.line : finding.line
    core.warning(sanitizeModelText(finding.body), {
      title: `cost-aware-review (${finding.severity})`,
      file: placement.path,
      startLine: line,
    })
  }
}
