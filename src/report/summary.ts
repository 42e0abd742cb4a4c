/**
 * The job summary and step outputs: what was reviewed, where the code went
 * and why, and what it cost, call by call. Model text is escaped: the
 * summary is rendered as HTML.
 */
import type { Placement } from '../diff/anchor'
import { cacheHitRatio, type CostReport } from '../cost/ledger'
import { costOf } from '../cost/cost'
import { findPrice } from '../cost/prices'
import type { ModelPrice } from '../cost/prices'
import { ASSUMED_OUTPUT_TOKENS, type RouteEstimate } from '../estimate'
import type { LaneKind, Route } from '../route'
import { SKIP_REASON_TEXT, type FileStatus } from '../select'
import {
  codePath,
  escapeHtml,
  formatCount,
  formatUsd,
  inlineText,
  tableCell,
  tablePath,
} from './text'

export interface CallSummary {
  /** The lane the call belongs to: default, escalated or sensitive. */
  readonly lane?: LaneKind
  /** The files the call showed the model. */
  readonly paths: readonly string[]
  /** Why the call produced no findings, if it failed. */
  readonly error?: string
  /** Items of the reply dropped for not matching the schema. */
  readonly rejected: number
}

export interface RunSummary {
  /** One sentence on how the run ended. */
  readonly headline: string
  readonly route?: Route
  readonly cost?: CostReport
  readonly calls: readonly CallSummary[]
  /** The lanes files were routed to, when there is more than the default. */
  readonly lanes?: ReadonlyArray<{
    readonly kind: LaneKind
    readonly provider: string
    readonly model: string
    readonly paths: readonly string[]
  }>
  /** Sensitive files no private provider could take. */
  readonly withheld?: readonly string[]
  readonly statuses: readonly FileStatus[]
  readonly placements: readonly Placement[]
  /** Inline placements the posted review put in its body after all. */
  readonly demoted?: ReadonlySet<Placement>
  /** What was reviewed: the whole pull request or the latest changes. */
  readonly scope?: string
  readonly review?: {
    readonly url?: string
    /** A new review, or an earlier one amended because nothing was new. */
    readonly action: 'posted' | 'amended'
    readonly inline: number
    readonly inBody: number
    readonly alreadyPosted: number
    readonly dryRun: boolean
  }
  readonly notes: readonly string[]
  readonly pricing: Readonly<Record<string, ModelPrice>>
  /** What earlier runs on this pull request cost, in US dollars. */
  readonly spentBeforeUsd: number
  /** `mode: estimate`: the review priced per route, no model called. */
  readonly estimates?: readonly RouteEstimate[]
}

/** Renders the job summary as Markdown with a little HTML. */
export function renderSummary(run: RunSummary): string {
  return [
    `## ${headline(run)}`,
    routeLine(run.route),
    run.scope ? `**Scope:** ${escapeHtml(run.scope)}` : '',
    reviewLine(run.review),
    // Notes quote file names and provider errors, as in the review.
    ...run.notes.map((note) => `> [!NOTE]\n> ${inlineText(note)}`),
    estimateTable(run.estimates),
    callTable(run),
    costNotes(run),
    lanesSection(run),
    filesSection(run.statuses),
    findingsSection(run.placements, run.demoted),
  ]
    .filter((part) => part !== '')
    .join('\n\n')
    .concat('\n')
}

function headline(run: RunSummary): string {
  const cost = run.cost
  if (!cost || cost.calls.length === 0 || !run.route) {
    return `Cost-aware review: ${escapeHtml(run.headline)}`
  }
  const dollars = cost.usd === undefined ? 'cost unknown' : formatUsd(cost.usd)
  const cached = Math.round(cacheHitRatio(cost.usage) * 100)
  return (
    `Cost-aware review: ${dollars} · ${run.route.endpoint.provider} ` +
    `\`${run.route.endpoint.model}\` · ${cached}% of input cached`
  )
}

function routeLine(route: Route | undefined): string {
  if (!route) return ''
  return (
    `**Route:** ${route.endpoint.provider} \`${route.endpoint.model}\` at ` +
    `${escapeHtml(route.endpoint.baseUrl)}: ${escapeHtml(route.reason)}.`
  )
}

function reviewLine(review: RunSummary['review']): string {
  if (!review) return ''
  const link = (text: string): string =>
    review.url ? `[${text}](${review.url})` : text
  const where = review.dryRun
    ? 'Dry run: the review was printed to the log, not posted'
    : review.action === 'amended'
      ? `Nothing new to post; ${link('the last review')} was amended`
      : link('Review posted')
  const counts =
    review.action === 'amended'
      ? ''
      : `, with ${plural(review.inline, 'inline comment')} and ` +
        `${plural(review.inBody, 'finding')} in its body`
  const earlier =
    review.alreadyPosted > 0
      ? ` ${plural(review.alreadyPosted, 'finding')} posted by an earlier ` +
        'review not repeated.'
      : ''
  return `**Review:** ${where}${counts}.${earlier}`
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

function callTable(run: RunSummary): string {
  const cost = run.cost
  if (!cost || cost.calls.length === 0) return ''
  const rows = cost.calls.map((call, index) => {
    const usage = call.usage
    const summary = run.calls[index]
    const status = summary?.error ? ` ⚠️ ${tableCell(summary.error)}` : ''
    const lane =
      summary?.lane && summary.lane !== 'default' ? ` (${summary.lane})` : ''
    return (
      `| ${index + 1} | \`${escapeHtml(call.model)}\`${lane} | ${summary?.paths.length ?? 0} | ` +
      `${formatCount(usage.inputTokens - usage.cachedInputTokens)} | ` +
      `${formatCount(usage.cachedInputTokens)} (${percent(cacheHitRatio(usage))}) | ` +
      `${formatCount(usage.outputTokens)} (${formatCount(usage.reasoningTokens)}) | ` +
      `${call.cost ? formatUsd(call.cost.usd) : 'unknown'}${status} |`
    )
  })
  const total = cost.usage
  const files = new Set(run.calls.flatMap((call) => call.paths)).size
  rows.push(
    `| **Total** | | ${files} | ` +
      `${formatCount(total.inputTokens - total.cachedInputTokens)} | ` +
      `${formatCount(total.cachedInputTokens)} (${percent(cacheHitRatio(total))}) | ` +
      `${formatCount(total.outputTokens)} (${formatCount(total.reasoningTokens)}) | ` +
      `**${cost.usd === undefined ? 'unknown' : formatUsd(cost.usd)}** |`,
  )
  return [
    '| Call | Model | Files | Uncached input | Cached input (share) | Output (reasoning) | Cost |',
    '|---:|---|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n')
}

function costNotes(run: RunSummary): string {
  const cost = run.cost
  if (!cost || cost.calls.length === 0) return ''
  const lines: string[] = []

  if (cost.unpriced.length > 0) {
    lines.push(
      `No dollar figure: no price is known for ` +
        `${cost.unpriced.map((model) => `\`${escapeHtml(model)}\``).join(', ')}. ` +
        'Add one with the `pricing` input.',
    )
  }
  if (cost.savingsUsd !== undefined && cost.savingsUsd > 0) {
    lines.push(`The prompt cache saved ${formatUsd(cost.savingsUsd)}.`)
  }
  if (run.spentBeforeUsd > 0 && cost.usd !== undefined) {
    lines.push(
      `All runs on this pull request, this one included: ` +
        `${formatUsd(run.spentBeforeUsd + cost.usd)}.`,
    )
  }
  if (cost.comparisons.length > 0) {
    const others = cost.comparisons
      .map((c) => `\`${c.model}\` ${formatUsd(c.usd)}`)
      .join(', ')
    lines.push(`The same tokens on other models: ${others}.`)
  }

  const models = [...new Set(cost.calls.map((call) => call.model))]
  for (const model of models) {
    const price = findPrice(model, run.pricing)
    if (!price) continue
    const rates = [...new Set(cost.calls.map((c) => c.cost?.rate))]
      .filter((rate) => rate !== undefined)
      .join(' and ')
    lines.push(
      `Prices: \`${escapeHtml(model)}\` at ${rates} rates from ` +
        `${escapeHtml(price.source)}; price table of ${cost.tableDate}.`,
    )
  }
  return lines.join('\n')
}

function estimateTable(estimates: RunSummary['estimates']): string {
  if (!estimates || estimates.length === 0) return ''
  const usd = (value: number | undefined): string =>
    value === undefined ? 'no price' : formatUsd(value)
  const rows = estimates.map(
    (row) =>
      `| ${row.label} | ${row.endpoint.provider} \`${escapeHtml(row.endpoint.model)}\` | ` +
      `${row.calls} | ${formatCount(row.promptTokens)} | ${formatCount(row.cachedTokens)} | ` +
      `${usd(row.expectedUsd)} | ${usd(row.worstUsd)} |`,
  )
  return [
    '| Route | Model | Calls | Prompt tokens | Cached after the first call | Expected | Worst case |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `Expected: ${formatCount(ASSUMED_OUTPUT_TOKENS)} output tokens per call and the shared ` +
      'prefix read from the cache by every call after the first. Worst case: no cache ' +
      'hit and every call writing up to its output cap. Prompt tokens are counted with ' +
      'the o200k tokenizer (DeepSeek: plus 10%).',
  ].join('\n')
}

/**
 * Which files left the default route and why, and what escalation cost
 * beside the default model.
 */
function lanesSection(run: RunSummary): string {
  const lanes = run.lanes ?? []
  const withheld = run.withheld ?? []
  if (lanes.every((lane) => lane.kind === 'default') && withheld.length === 0) {
    return ''
  }
  const lines = ['**Routing by file:**']
  for (const lane of lanes) {
    const label = {
      default: 'Default route',
      escalated: 'Escalated (`escalate-paths` / `escalate-min-changes`)',
      sensitive: 'Sensitive (`sensitive-paths`), kept off the public provider',
    }[lane.kind]
    lines.push(
      `- ${label}: ${lane.provider} \`${escapeHtml(lane.model)}\`, ` +
        `${lane.paths.length} ${lane.paths.length === 1 ? 'file' : 'files'}` +
        (lane.kind === 'default'
          ? ''
          : `: ${lane.paths.map(codePath).join(', ')}`),
    )
  }
  if (withheld.length > 0) {
    lines.push(
      `- Sensitive, not reviewed (no private provider configured): ` +
        withheld.map(codePath).join(', '),
    )
  }
  const escalation = escalationCost(run)
  if (escalation) lines.push(escalation)
  return lines.join('\n')
}

function escalationCost(run: RunSummary): string {
  const cost = run.cost
  const defaultModel = run.route?.endpoint.model
  if (!cost || !defaultModel) return ''
  const escalated = cost.calls.filter(
    (_, index) => run.calls[index]?.lane === 'escalated',
  )
  const price = findPrice(defaultModel, run.pricing)
  if (escalated.length === 0 || !price) return ''
  const spent = escalated.reduce((sum, call) => sum + (call.cost?.usd ?? 0), 0)
  const instead = escalated.reduce(
    (sum, call) => sum + costOf(call.usage, price, call.startedAt).usd,
    0,
  )
  return (
    `Escalated calls cost ${formatUsd(spent)}; the same tokens on ` +
    `\`${escapeHtml(defaultModel)}\` would have cost ${formatUsd(instead)}.`
  )
}

function filesSection(statuses: readonly FileStatus[]): string {
  if (statuses.length === 0) return ''
  const reviewed = statuses.filter((status) => status.reviewed).length
  const rows = statuses.map((status) => {
    const state = status.reviewed
      ? 'reviewed'
      : `not reviewed: ${status.reason ? SKIP_REASON_TEXT[status.reason] : 'skipped'}`
    const path =
      status.previousPath !== undefined
        ? `${tablePath(status.previousPath)} → ${tablePath(status.path)}`
        : tablePath(status.path)
    return `| ${path} | ${state} |`
  })
  return (
    `<details><summary>Files: ${reviewed} reviewed, ` +
    `${statuses.length - reviewed} not reviewed</summary>\n\n` +
    `| File | Status |\n|---|---|\n${rows.join('\n')}\n\n</details>`
  )
}

function findingsSection(
  placements: readonly Placement[],
  demoted: ReadonlySet<Placement> = new Set(),
): string {
  if (placements.length === 0) return ''
  const rows = placements.map((placement) => {
    // The path is the pull request author's: code, so that none of it
    // renders.
    const line =
      placement.kind === 'inline' ? placement.line : placement.finding.line
    const at =
      placement.kind === 'inline' && !demoted.has(placement)
        ? `${line} (${placement.side})`
        : `${line} (in the body)`
    return (
      `| ${tablePath(placement.path)}:${at} | ${placement.finding.severity} | ` +
      `${tableCell(placement.finding.body)} |`
    )
  })
  return (
    `<details><summary>Findings (${placements.length})</summary>\n\n` +
    `| Where | Severity | Finding |\n|---|---|---|\n${rows.join('\n')}\n\n</details>`
  )
}
