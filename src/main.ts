/**
 * The run: each stage in order, in its own log group. Data moves forward
 * only, and this is the one place that decides the step fails.
 */
import * as core from '@actions/core'
import { placeFindings, type Placement } from './diff/anchor'
import { parseFile } from './diff/parse'
import { buildCostReport, cacheHitRatio, type CostReport } from './cost/ledger'
import { findPrice } from './cost/prices'
import { costOf } from './cost/cost'
import { createOctokit, type Octokit } from './github/octokit'
import {
  listFiles,
  readGuidelines,
  readVisibility,
  statusOf,
  type RepoRef,
} from './github/pull-request'
import {
  githubPoster,
  printingPoster,
  type PostedReview,
  type ReviewPoster,
} from './github/review'
import {
  createModelClient,
  type CallResult,
  type ModelClient,
} from './llm/client'
import { requestRules } from './llm/providers'
import { planCalls, type PromptCall } from './prompt/build'
import { findInjectionAttempts } from './prompt/injection'
import { INSTRUCTIONS } from './prompt/instructions'
import { loadTokenCounter } from './prompt/tokens'
import { composeReview, type ReviewInput } from './report/review-body'
import { renderSummary, type RunSummary } from './report/summary'
import { formatCount, formatUsd } from './report/text'
import { chooseRoute, missingKey, type Route } from './route'
import { selectFiles } from './select'
import { readSettings, type PullRequestInfo, type Settings } from './settings'
import { createHash } from 'node:crypto'

const SUPPORTED_EVENTS = new Set(['pull_request', 'pull_request_target'])

/** Runs the action; never throws. */
export async function run(): Promise<void> {
  try {
    const settings = readSettings()
    await review(settings)
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
  dependencies?: Partial<Dependencies>,
): Promise<void> {
  const event = settings.event
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
    dependencies?.octokit ?? createOctokit(settings.githubToken, settings.apiUrl)

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

  const { files, guidelines } = await core.group('Pull request', async () => {
    const listed = await listFiles(octokit, repo, pull.number)
    core.info(`${listed.length} files changed in #${pull.number}`)
    const text = await readGuidelines(
      octokit,
      repo,
      settings.guidelinesFile,
      pull.baseSha,
    )
    core.info(
      text === null
        ? `No guidelines file at ${settings.guidelinesFile}`
        : `Guidelines: ${settings.guidelinesFile} (${text.length} characters)`,
    )
    return { files: listed.map(parseFile), guidelines: text }
  })

  const selection = await core.group('Selection', async () => {
    const selected = selectFiles(files, settings)
    for (const status of selected.statuses) {
      core.info(
        `${status.reviewed ? 'review' : `skip (${status.reason})`}: ${status.path}`,
      )
    }
    return selected
  })

  const poster =
    dependencies?.poster ??
    (settings.dryRun
      ? printingPoster((text) => core.info(text))
      : githubPoster(octokit, repo, pull.number))

  if (selection.reviewed.length === 0) {
    await finishWithoutModel(settings, pull, route, selection.statuses, poster)
    return
  }

  const plan = planCalls(
    {
      title: pull.title,
      description: pull.body,
      guidelines,
      files: selection.reviewed,
    },
    {
      count: await loadTokenCounter(route.endpoint.provider),
      maxPromptTokens: settings.maxPromptTokens,
    },
  )
  core.info(`${plan.calls.length} model call(s) planned`)

  const client =
    dependencies?.clientFor?.(route) ??
    createModelClient(route.endpoint, {
      timeoutMs: settings.requestTimeoutMs,
      maxRetries: 2,
      promptCacheKey: promptCacheKey(guidelines),
    })

  const { results, unreviewed } = await core.group('Model calls', () =>
    callModel(client, plan.calls, route, settings),
  )

  const notes: string[] = []
  const attempts = findInjectionAttempts(pull.title, pull.body, selection.reviewed)
  if (attempts.length > 0) {
    notes.push(
      `This pull request contains text addressed to AI reviewers ` +
        `(${attempts.join(', ')}). It was given to the model as data, ` +
        'never as instructions.',
    )
  }
  if (plan.tooLarge.length > 0) {
    notes.push(
      `Too large for one model call, not reviewed: ${plan.tooLarge.join(', ')}. ` +
        'Raise `max-prompt-tokens` to include them.',
    )
  }
  if (unreviewed.length > 0) {
    notes.push(
      `Not reviewed because the next call would exceed \`max-cost-usd\`: ` +
        `${unreviewed.join(', ')}.`,
    )
  }
  results.forEach((result, index) => {
    if (result.error) {
      notes.push(
        `Call ${index + 1} of ${results.length} failed (${result.error.message}); ` +
          `not reviewed: ${plan.calls[index]?.paths.join(', ')}.`,
      )
    }
  })

  const findings = results.flatMap((result) => result.reply?.findings ?? [])
  const reviewedPaths = new Set(
    plan.calls
      .slice(0, results.length)
      .filter((_, index) => results[index]?.reply)
      .flatMap((call) => call.paths),
  )
  const placements = placeFindings(findings, files, reviewedPaths)
  const cost = buildCostReport(
    results.map((result) => ({
      model: route.endpoint.model,
      startedAt: result.startedAt,
      usage: result.usage,
    })),
    settings.pricing,
  )

  const fatal = results.find((result) => result.error?.fatal)
  const anyReply = results.some((result) => result.reply)
  let posted: (PostedReview & { inlineCount: number }) | undefined
  let reviewInput: ReviewInput | undefined
  if (anyReply) {
    reviewInput = {
      headSha: pull.headSha,
      summaries: results.map((result) => result.reply?.summary ?? ''),
      placements,
      statuses: selection.statuses,
      notes,
      costLine: costLine(route, cost),
      ...(cost.usd !== undefined ? { usd: cost.usd } : {}),
    }
    posted = await core.group('Review', () => post(poster, reviewInput!))
  }

  const inline = posted?.inlineCount ?? 0
  const summary: RunSummary = {
    headline: anyReply ? 'reviewed' : 'no review posted: every model call failed',
    route,
    cost,
    calls: plan.calls.slice(0, results.length).map((call, index) => ({
      paths: call.paths,
      rejected: results[index]?.reply?.rejected.length ?? 0,
      ...(results[index]?.error ? { error: results[index]!.error!.message } : {}),
    })),
    statuses: selection.statuses,
    placements,
    ...(posted
      ? {
          review: {
            ...(posted.url ? { url: posted.url } : {}),
            inline,
            inBody: placements.length - inline,
            dryRun: settings.dryRun,
          },
        }
      : {}),
    notes,
    pricing: settings.pricing,
  }
  await writeSummary(summary)
  setOutputs(route, cost, { inline, findings: placements.length }, posted?.id)

  if (fatal?.error) {
    throw new Error(fatal.error.message)
  }
  if (!anyReply) {
    throw new Error('Every model call failed; see the job summary.')
  }
  for (const note of notes) core.warning(note)
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
    if (price) {
      spent += costOf(usage, price, result.startedAt).usd
    }
    if (result.error?.fatal) break
  }
  return { results, unreviewed: [] }
}

/**
 * Posts the review; when GitHub rejects the inline comments (422), posts it
 * again with every finding in the body, so one bad anchor cannot cost the
 * whole review.
 */
async function post(
  poster: ReviewPoster,
  input: ReviewInput,
): Promise<PostedReview & { inlineCount: number }> {
  const draft = composeReview(input, { inline: true })
  try {
    const posted = await poster.post(draft)
    core.info(`Posted review ${posted.url ?? ''} with ${draft.comments.length} comments`)
    return { ...posted, inlineCount: draft.comments.length }
  } catch (error) {
    if (statusOf(error) !== 422 || draft.comments.length === 0) throw error
    core.warning(
      `GitHub rejected the inline comments (${(error as Error).message}); ` +
        'posting every finding in the review body instead.',
    )
    const fallback = composeReview(input, { inline: false })
    const posted = await poster.post(fallback)
    return { ...posted, inlineCount: 0 }
  }
}

/** A pull request with nothing to review still gets a review saying why. */
async function finishWithoutModel(
  settings: Settings,
  pull: PullRequestInfo,
  route: Route,
  statuses: RunSummary['statuses'],
  poster: ReviewPoster,
): Promise<void> {
  core.info('No file needs a review; no model is called.')
  const cost = buildCostReport([], settings.pricing)
  const input: ReviewInput = {
    headSha: pull.headSha,
    summaries: [
      'Nothing to review: every changed file is skipped (see below), so no ' +
        'model was called.',
    ],
    placements: [],
    statuses,
    notes: [],
    costLine: 'No model call, no cost.',
    usd: 0,
  }
  const posted = await core.group('Review', () => post(poster, input))
  await writeSummary({
    ...emptySummary(settings),
    headline: 'nothing to review: every changed file is skipped, no model was called',
    route,
    cost,
    statuses,
    review: {
      ...(posted.url ? { url: posted.url } : {}),
      inline: 0,
      inBody: 0,
      dryRun: settings.dryRun,
    },
    notes: ['No model was called: 0 tokens, $0.'],
  })
  setOutputs(route, cost, { inline: 0, findings: 0 }, posted.id)
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
      'the pull request\'s code.',
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

function emptySummary(settings: Settings): RunSummary {
  return {
    headline: '',
    calls: [],
    statuses: [],
    placements: [],
    notes: [],
    pricing: settings.pricing,
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
  counts: { inline: number; findings: number },
  reviewId: number | undefined,
): void {
  core.setOutput('provider', route.endpoint.provider)
  core.setOutput('model', route.endpoint.model)
  core.setOutput('cost-usd', cost.usd === undefined ? '' : cost.usd.toFixed(8))
  core.setOutput('input-tokens', cost.usage.inputTokens)
  core.setOutput('cached-input-tokens', cost.usage.cachedInputTokens)
  core.setOutput('output-tokens', cost.usage.outputTokens)
  core.setOutput('comments', counts.inline)
  core.setOutput('findings', counts.findings)
  core.setOutput('review-id', reviewId ?? '')
}

function costLine(route: Route, cost: CostReport): string {
  const dollars = cost.usd === undefined ? 'cost unknown' : formatUsd(cost.usd)
  const cached = Math.round(cacheHitRatio(cost.usage) * 100)
  return (
    `Reviewed by cost-aware-review with ${route.endpoint.model}: ${dollars}, ` +
    `${formatCount(cost.usage.inputTokens)} prompt tokens (${cached}% cached), ` +
    `${formatCount(cost.usage.outputTokens)} output tokens.`
  )
}

/**
 * OpenAI routes requests with the same key to the same cache; one key per
 * prefix (instructions and guidelines) keeps related calls together.
 */
function promptCacheKey(guidelines: string | null): string {
  return (
    'cost-aware-review-' +
    createHash('sha256')
      .update(INSTRUCTIONS)
      .update(guidelines ?? '')
      .digest('hex')
      .slice(0, 16)
  )
}
