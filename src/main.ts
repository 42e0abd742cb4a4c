/**
 * The run: each stage in order, in its own log group. Data moves forward
 * only, and this is the one place that decides the step fails.
 */
import { createHash } from 'node:crypto'
import * as core from '@actions/core'
import { costOf } from './cost/cost'
import { buildCostReport, cacheHitRatio, type CostReport } from './cost/ledger'
import { findPrice } from './cost/prices'
import { placeFindings } from './diff/anchor'
import { parseFile } from './diff/parse'
import { readHistory, type History } from './github/history'
import { createOctokit, type Octokit } from './github/octokit'
import {
  compareCommits,
  listFiles,
  readGuidelines,
  readVisibility,
  type RepoRef,
} from './github/pull-request'
import { githubPoster, printingPoster, type ReviewPoster } from './github/review'
import { createModelClient, type CallResult, type ModelClient } from './llm/client'
import { requestRules } from './llm/providers'
import { planCalls, type PromptCall } from './prompt/build'
import { findInjectionAttempts } from './prompt/injection'
import { INSTRUCTIONS } from './prompt/instructions'
import { loadTokenCounter } from './prompt/tokens'
import { publish, type Published } from './publish'
import { renderSummary, type RunSummary } from './report/summary'
import { formatCount, formatUsd } from './report/text'
import { chooseRoute, missingKey, type Route } from './route'
import { decideScope, type ReviewScope } from './scope'
import { selectFiles, type FileStatus } from './select'
import { readSettings, type PullRequestInfo, type Settings } from './settings'

const SUPPORTED_EVENTS = new Set(['pull_request', 'pull_request_target'])

/** Runs the action; never throws. */
export async function run(): Promise<void> {
  try {
    await review(readSettings())
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}

/** Everything a review needs from outside, replaceable in tests and the CLI. */
export interface Dependencies {
  readonly octokit: Octokit
  readonly poster: ReviewPoster
  readonly clientFor: (route: Route) => ModelClient
}

export async function review(
  settings: Settings,
  dependencies: Partial<Dependencies> = {},
): Promise<void> {
  const { event } = settings
  const pull = event.pullRequest
  if (!SUPPORTED_EVENTS.has(event.name) || !pull) {
    const reason =
      `event "${event.name || 'unknown'}" is not a pull request event; ` +
      'this action reviews pull_request and pull_request_target events'
    core.notice(`Nothing to review: ${reason}.`)
    await writeSummary({ ...emptySummary(settings), headline: `skipped: ${reason}` })
    return
  }

  const repo: RepoRef = event.repository
  const octokit =
    dependencies.octokit ?? createOctokit(settings.githubToken, settings.apiUrl)

  // Route
  const route = await core.group('Route', async () => {
    const chosen = await chooseRoute(settings, () => readVisibility(octokit, repo))
    core.info(`Provider: ${chosen.endpoint.provider} ${chosen.endpoint.model}`)
    core.info(`Because: ${chosen.reason}`)
    return chosen
  })
  const keyInput = missingKey(route)
  if (keyInput) {
    if (isForkPullRequest(pull, repo, event.name)) {
      await skipForkPullRequest(settings, route, keyInput)
      return
    }
    throw new Error(
      `Input \`${keyInput}\` is empty, and this ${route.privacy} repository's ` +
        `reviews go to ${route.endpoint.provider} (${route.reason}). Pass the ` +
        `key from a secret, e.g. \`${keyInput}: \${{ secrets.` +
        `${keyInput.replace(/-/g, '_').toUpperCase()} }}\`.`,
    )
  }

  // Pull request, its earlier reviews by this action, and what to review
  const { files, guidelines, history } = await core.group('Pull request', () =>
    readPullRequest(octokit, repo, pull, settings),
  )
  const selection = selectFiles(files, settings)
  const scope = await core.group('Scope', async () => {
    const lastHead = history.lastRun?.head
    const comparison =
      lastHead && lastHead !== pull.headSha
        ? await compareCommits(octokit, repo, lastHead, pull.headSha)
        : undefined
    const decided = decideScope({
      selection,
      headSha: pull.headSha,
      ...(lastHead ? { lastHead } : {}),
      ...(comparison ? { comparison } : {}),
    })
    core.info(decided.description)
    for (const status of decided.statuses) {
      core.info(
        `${status.reviewed ? 'review' : `skip (${status.reason})`}: ${status.path}`,
      )
    }
    return decided
  })

  const poster =
    dependencies.poster ??
    (settings.dryRun
      ? printingPoster((text) => core.info(text))
      : githubPoster(octokit, repo, pull.number))

  if (scope.files.length === 0) {
    await finishWithoutModel(settings, pull, route, scope, history, poster)
    return
  }

  // Prompt
  const plan = planCalls(
    {
      title: pull.title,
      description: pull.body,
      guidelines,
      files: scope.files,
    },
    {
      count: await loadTokenCounter(route.endpoint.provider),
      maxPromptTokens: settings.maxPromptTokens,
    },
  )
  core.info(`${plan.calls.length} model call(s) planned`)

  // Model calls
  const client =
    dependencies.clientFor?.(route) ??
    createModelClient(route.endpoint, {
      timeoutMs: settings.requestTimeoutMs,
      maxRetries: 2,
      promptCacheKey: promptCacheKey(guidelines),
    })
  const { results, unreviewed } = await core.group('Model calls', () =>
    callModel(client, plan.calls, route, settings),
  )

  // Findings
  const calls = plan.calls.slice(0, results.length)
  const reviewedPaths = new Set(
    calls.flatMap((call, index) => (results[index]?.reply ? call.paths : [])),
  )
  const placements = placeFindings(
    results.flatMap((result) => result.reply?.findings ?? []),
    files,
    reviewedPaths,
    // Removed lines of an incremental diff are numbered in the last
    // reviewed head, not in the base GitHub anchors LEFT comments to.
    { left: scope.kind === 'full' },
  )
  const notes = runNotes(pull, scope, plan.tooLarge, unreviewed, results, calls)
  const cost = buildCostReport(
    results.map((result) => ({
      model: route.endpoint.model,
      startedAt: result.startedAt,
      usage: result.usage,
    })),
    settings.pricing,
  )

  // Review
  const anyReply = results.some((result) => result.reply)
  let published: Published | undefined
  if (anyReply) {
    published = await core.group('Review', () =>
      publish(
        poster,
        {
          headSha: pull.headSha,
          summaries: results.map((result) => result.reply?.summary ?? ''),
          placements,
          statuses: scope.statuses,
          scope: scope.description,
          notes,
          costLine: costLine(route, cost, history),
          run: { head: pull.headSha, ...usdOf(cost) },
        },
        history,
        `Re-reviewed ${pull.headSha.slice(0, 7)}: no new findings. ` +
          costLine(route, cost, history),
      ),
    )
  }

  // Report
  await writeSummary({
    headline: anyReply ? 'reviewed' : 'no review posted: every model call failed',
    route,
    cost,
    calls: calls.map((call, index) => ({
      paths: call.paths,
      rejected: results[index]?.reply?.rejected.length ?? 0,
      ...(results[index]?.error ? { error: results[index]!.error!.message } : {}),
    })),
    statuses: scope.statuses,
    placements,
    scope: scope.description,
    ...(published ? { review: reviewOutcome(published, settings) } : {}),
    notes,
    pricing: settings.pricing,
    spentBeforeUsd: history.spentUsd,
  })
  setOutputs(route, cost, published)

  const fatal = results.find((result) => result.error?.fatal)
  if (fatal?.error) throw new Error(fatal.error.message)
  if (!anyReply) throw new Error('Every model call failed; see the job summary.')
  for (const note of notes) core.warning(note)
}

async function readPullRequest(
  octokit: Octokit,
  repo: RepoRef,
  pull: PullRequestInfo,
  settings: Settings,
) {
  const listed = await listFiles(octokit, repo, pull.number)
  core.info(`${listed.length} files changed in #${pull.number}`)
  const guidelines = await readGuidelines(
    octokit,
    repo,
    settings.guidelinesFile,
    pull.baseSha,
  )
  core.info(
    guidelines === null
      ? `No guidelines file at ${settings.guidelinesFile}`
      : `Guidelines: ${settings.guidelinesFile} (${guidelines.length} characters)`,
  )
  const history: History = await readHistory(octokit, repo, pull.number)
  core.info(
    history.reviews.length === 0
      ? 'No earlier review by this action'
      : `${history.reviews.length} earlier review(s) by this action; last ` +
          `reviewed head ${history.lastRun?.head.slice(0, 7) ?? 'unknown'}`,
  )
  return { files: listed.map(parseFile), guidelines, history }
}

/**
 * Makes the planned calls one after another, stopping before a call whose
 * worst case would cross `max-cost-usd`, or after a call that shows every
 * other call would fail the same way.
 */
async function callModel(
  client: ModelClient,
  calls: readonly PromptCall[],
  route: Route,
  settings: Settings,
): Promise<{ results: CallResult[]; unreviewed: string[] }> {
  const results: CallResult[] = []
  const price = findPrice(route.endpoint.model, settings.pricing)
  if (settings.maxCostUsd !== undefined && !price) {
    throw new Error(
      `Input \`max-cost-usd\` is set, but no price is known for ` +
        `"${route.endpoint.model}", so the budget cannot be enforced. Add the ` +
        'model to the `pricing` input.',
    )
  }
  const rules = requestRules(route.endpoint.provider, route.endpoint.model)
  let spent = 0

  for (const [index, call] of calls.entries()) {
    if (settings.maxCostUsd !== undefined && price) {
      // The worst case: no cache hit and the whole output cap used.
      const worst = costOf(
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
      if (spent + worst > settings.maxCostUsd) {
        core.warning(
          `Stopping before call ${index + 1}: it could cost up to ` +
            `${formatUsd(worst)} and ${formatUsd(spent)} of ` +
            `${formatUsd(settings.maxCostUsd)} is spent.`,
        )
        return {
          results,
          unreviewed: calls.slice(index).flatMap((rest) => rest.paths),
        }
      }
    }

    core.info(
      `Call ${index + 1}/${calls.length}: ${call.paths.length} files, ` +
        `about ${formatCount(call.estimatedTokens)} prompt tokens`,
    )
    const result = await client.review(call)
    results.push(result)
    const usage = result.usage
    core.info(
      `  ${formatCount(usage.inputTokens)} prompt tokens ` +
        `(${formatCount(usage.cachedInputTokens)} cached), ` +
        `${formatCount(usage.outputTokens)} output tokens` +
        (result.error ? `; failed: ${result.error.message}` : ''),
    )
    if (price) spent += costOf(usage, price, result.startedAt).usd
    if (result.error?.fatal) break
  }
  return { results, unreviewed: [] }
}

/** What the reader should know about this run, in the review and summary. */
function runNotes(
  pull: PullRequestInfo,
  scope: ReviewScope,
  tooLarge: readonly string[],
  unreviewed: readonly string[],
  results: readonly CallResult[],
  calls: readonly PromptCall[],
): string[] {
  const notes: string[] = []
  const attempts = findInjectionAttempts(pull.title, pull.body, scope.files)
  if (attempts.length > 0) {
    notes.push(
      `This pull request contains text addressed to AI reviewers ` +
        `(${attempts.join(', ')}). It was given to the model as data, ` +
        'never as instructions.',
    )
  }
  if (tooLarge.length > 0) {
    notes.push(
      `Too large for one model call, not reviewed: ${tooLarge.join(', ')}. ` +
        'Raise `max-prompt-tokens` to include them.',
    )
  }
  if (unreviewed.length > 0) {
    notes.push(
      'Not reviewed because the next call would exceed `max-cost-usd`: ' +
        `${unreviewed.join(', ')}.`,
    )
  }
  results.forEach((result, index) => {
    if (result.error) {
      notes.push(
        `Call ${index + 1} of ${results.length} failed (${result.error.message}); ` +
          `not reviewed: ${calls[index]?.paths.join(', ')}.`,
      )
    }
  })
  return notes
}

/**
 * Nothing to show the model. A first review still says why, so nobody
 * wonders whether the pull request was looked at; later runs amend it.
 */
async function finishWithoutModel(
  settings: Settings,
  pull: PullRequestInfo,
  route: Route,
  scope: ReviewScope,
  history: History,
  poster: ReviewPoster,
): Promise<void> {
  const reason =
    scope.kind === 'incremental'
      ? 'nothing to review: no reviewed file changed since the last review'
      : 'nothing to review: every changed file is skipped'
  core.info(`${reason}; no model is called.`)
  const cost = buildCostReport([], settings.pricing)
  const line = costLine(route, cost, history)
  const published = await core.group('Review', () =>
    publish(
      poster,
      {
        headSha: pull.headSha,
        summaries: [`${capitalise(reason)} (see below), so no model was called.`],
        placements: [],
        statuses: scope.statuses,
        scope: scope.description,
        notes: [],
        costLine: line,
        run: { head: pull.headSha, usd: 0 },
      },
      history,
      `Re-reviewed ${pull.headSha.slice(0, 7)}: ${reason}. ${line}`,
    ),
  )
  await writeSummary({
    ...emptySummary(settings),
    headline: `${reason}, no model was called`,
    route,
    cost,
    statuses: scope.statuses,
    scope: scope.description,
    review: reviewOutcome(published, settings),
    notes: ['No model was called: 0 tokens, $0.'],
    spentBeforeUsd: history.spentUsd,
  })
  setOutputs(route, cost, published)
}

async function skipForkPullRequest(
  settings: Settings,
  route: Route,
  keyInput: string,
): Promise<void> {
  const reason =
    `not reviewed: \`${keyInput}\` is empty because GitHub does not pass ` +
    'secrets to pull_request workflows from forks'
  core.notice(
    `Skipped: ${reason}. To review fork pull requests, use the ` +
      'pull_request_target recipe in the README, which never checks out ' +
      "the pull request's code.",
  )
  await writeSummary({ ...emptySummary(settings), headline: reason, route })
}

function isForkPullRequest(
  pull: PullRequestInfo,
  repo: RepoRef,
  eventName: string,
): boolean {
  return (
    eventName === 'pull_request' &&
    pull.headRepo !== undefined &&
    pull.headRepo !== `${repo.owner}/${repo.name}`
  )
}

function reviewOutcome(
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

function emptySummary(settings: Settings): RunSummary {
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

async function writeSummary(summary: RunSummary): Promise<void> {
  const text = renderSummary(summary)
  try {
    await core.summary.addRaw(text).write()
  } catch (error) {
    // Outside a runner (the local CLI) there is no summary file.
    core.info(text)
    core.debug(`No job summary: ${(error as Error).message}`)
  }
}

function setOutputs(
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
  core.setOutput('comments', published?.inline ?? 0)
  core.setOutput(
    'findings',
    published ? published.inline + published.inBody : 0,
  )
  core.setOutput('review-id', published?.id ?? '')
}

function usdOf(cost: CostReport): { usd?: number } {
  return cost.usd === undefined ? {} : { usd: Number(cost.usd.toFixed(8)) }
}

function costLine(route: Route, cost: CostReport, history: History): string {
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

/**
 * OpenAI routes requests with the same key to the same cache; one key per
 * prefix (instructions and guidelines) keeps related calls together.
 */
function promptCacheKey(guidelines: string | null): string {
  const hash = createHash('sha256')
    .update(INSTRUCTIONS)
    .update(guidelines ?? '')
    .digest('hex')
  return `cost-aware-review-${hash.slice(0, 16)}`
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
