/**
 * The run: each stage in order, in its own log group. Data moves forward
 * only, and this is the one place that decides the step fails.
 */
import { createHash } from 'node:crypto'
import * as core from '@actions/core'
import { buildCostReport } from './cost/ledger'
import { placeFindings } from './diff/anchor'
import type { DiffFile } from './diff/model'
import { parseFile } from './diff/parse'
import { chosenTotal, estimateRoutes } from './estimate'
import { SEVERITIES } from './findings'
import { failOn, isForkPullRequest, skipReason } from './gate'
import { readingGitHub } from './github/errors'
import { readHistory, type History } from './github/history'
import { createOctokit, type Octokit } from './github/octokit'
import {
  CONFIG_PATH,
  compareCommits,
  listFiles,
  fetchPullRequest,
  readGuidelines,
  readRepositoryConfig,
  readVisibility,
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
  type ModelClient,
  type ModelEndpoint,
} from './llm/client'
import { reviewedPaths, runCalls, type LaneCall } from './llm/calls'
import { promptBudget } from './llm/providers'
import {
  planCalls,
  type FilePart,
  type Plan,
  type PromptContext,
} from './prompt/build'
import { INSTRUCTIONS } from './prompt/instructions'
import { loadTokenCounter } from './prompt/tokens'
import { postingError, publish, type Published } from './publish'
import { logUntrusted } from './report/log'
import type { RunRecord } from './report/markers'
import { runNotes, unlistedNote } from './report/notes'
import {
  annotate,
  costLine,
  emptySummary,
  reviewOutcome,
  setOutputs,
  usdOf,
  writeSummary,
} from './report/outputs'
import { formatUsd } from './report/text'
import {
  assignLanes,
  chooseRoute,
  fallbackFor,
  missingKey,
  type LanePlan,
  type Route,
} from './route'
import { decideScope, type ReviewScope } from './scope'
import { redactFile, redactPullRequest } from './redact'
import { selectFiles, settleStatuses, type SkipReason } from './select'
import {
  carryForward,
  distinctFindings,
  StandingFindings,
  type Verdict,
} from './standing'
import { parseRepositoryConfig, type RepositoryConfig } from './repo-config'
import { readSettings, type PullRequestInfo, type Settings } from './settings'

// Calls after the first run this many at a time: enough to keep a large
// review short, few enough for providers' concurrency limits.
const PARALLEL_CALLS = 3

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
  readonly clientFor: (endpoint: ModelEndpoint) => ModelClient
  /** The settings again, with the repository's config file applied. */
  readonly configure: (config: RepositoryConfig) => Settings
  /**
   * A login whose earlier reviews are trusted besides `reviewer-login`:
   * the local CLI posts with a person's token.
   */
  readonly trustedLogin: (octokit: Octokit) => Promise<string | undefined>
}

export async function review(
  initial: Settings,
  dependencies: Partial<Dependencies> = {},
): Promise<void> {
  const started = Date.now()
  let settings = initial
  const { event } = settings
  const skip = skipReason(settings)
  if (skip || !event.pullRequest) {
    core.notice(`Not reviewed: ${skip}.`)
    await writeSummary({
      ...emptySummary(settings),
      headline: `not reviewed: ${skip}`,
    })
    return
  }

  const repo: RepoRef = event.repository
  // The repository config may move the deadline; GitHub requests read it
  // when they start, and have a while after it to post what was reviewed.
  let deadline = new Date(started + settings.runTimeoutMs)
  const octokit =
    dependencies.octokit ??
    createOctokit(settings.githubToken, settings.apiUrl, {
      until: () => deadline.getTime() + POSTING_GRACE_MS,
    })
  // The local CLI's event names only the number; a runner's has it all.
  const { number } = event.pullRequest
  const where = `${repo.owner}/${repo.name}#${number}`
  const pull =
    event.pullRequest.headSha === ''
      ? await readingGitHub(`reading pull request ${where}`, () =>
          fetchPullRequest(octokit, repo, number),
        )
      : event.pullRequest
  if (isForkPullRequest(pull, repo, event.name)) {
    await skipForkPullRequest(settings)
    return
  }
  if (
    event.name === 'pull_request_target' &&
    settings.workspaceHead === pull.headSha
  ) {
    core.warning(
      "The workspace holds the pull request's head commit under " +
        'pull_request_target: code from the pull request can run with this ' +
        "workflow's secrets and write token. This action needs no checkout; " +
        'remove the checkout step, or check out the base branch.',
    )
  }

  // The repository's own settings, from the base revision like the
  // guidelines: a pull request cannot change how it is reviewed.
  const configText = await readingGitHub(`reading ${CONFIG_PATH}`, () =>
    readRepositoryConfig(octokit, repo, pull.baseSha),
  )
  if (configText !== null) {
    const configure =
      dependencies.configure ?? ((config) => readSettings(undefined, config))
    settings = configure(parseRepositoryConfig(configText, CONFIG_PATH))
    core.info(
      `Settings from ${CONFIG_PATH} at ${pull.baseSha.slice(0, 7)} applied`,
    )
  }
  deadline = new Date(started + settings.runTimeoutMs)

  // Route
  const route = await core.group('Route', async () => {
    const chosen = await chooseRoute(settings, () =>
      readVisibility(octokit, repo),
    )
    core.info(`Provider: ${chosen.endpoint.provider} ${chosen.endpoint.model}`)
    core.info(`Because: ${chosen.reason}`)
    const fallback = settings.fallbackProvider
    if (fallback === chosen.endpoint.provider) {
      const chose =
        chosen.privacy === 'public' ? 'public-provider' : 'private-provider'
      core.warning(
        `${settings.labels['fallback-provider']} is "${fallback}", the ` +
          `provider \`${chose}\` already sends this repository's reviews ` +
          'to, so it backs up nothing here. Choose a different provider to ' +
          'take the calls that fail, or remove it.',
      )
    }
    return chosen
  })
  const keyInput = settings.mode === 'review' ? missingKey(route) : undefined
  if (keyInput) {
    throw new Error(
      `Input \`${keyInput}\` is empty, and this ${route.privacy} repository's ` +
        `reviews go to ${route.endpoint.provider} (${route.reason}). Pass the ` +
        `key from a secret, e.g. \`${keyInput}: \${{ secrets.` +
        `${keyInput.replace(/-/g, '_').toUpperCase()} }}\`.`,
    )
  }

  // Pull request, its earlier reviews by this action, and what to review
  const cliLogin = await dependencies.trustedLogin?.(octokit)
  const trusted = [settings.reviewerLogin, ...(cliLogin ? [cliLogin] : [])]
  const poster = checkingAuthor(
    dependencies.poster ??
      (settings.dryRun
        ? printingPoster(logUntrusted)
        : githubPoster(octokit, repo, pull.number)),
    trusted,
  )
  const { files, guidelines, history } = await core.group('Pull request', () =>
    readingGitHub(`reading the changes of ${where}`, () =>
      readChanges(octokit, repo, pull, settings, trusted),
    ),
  )
  if (
    history.lastRun?.head === pull.headSha &&
    !history.lastRun.missed?.length &&
    !history.lastRun.missedMore &&
    !settings.reviewAgain &&
    settings.mode === 'review'
  ) {
    await finishAlreadyReviewed(settings, pull, route, history, poster)
    return
  }

  const selection = selectFiles(files, settings)
  const scope = await core.group('Scope', async () => {
    const lastHead = history.lastRun?.head
    const comparison =
      lastHead && lastHead !== pull.headSha
        ? await readingGitHub(
            `comparing ${lastHead.slice(0, 7)} with the head`,
            () => compareCommits(octokit, repo, lastHead, pull.headSha),
          )
        : undefined
    const decided = decideScope({
      selection,
      headSha: pull.headSha,
      ...(lastHead ? { lastHead } : {}),
      ...(comparison ? { comparison } : {}),
      ...(history.lastRun?.missed ? { missed: history.lastRun.missed } : {}),
      missedMore: history.lastRun?.missedMore === 1,
    })
    core.info(decided.description)
    // File names are the pull request author's text.
    logUntrusted(
      decided.statuses
        .map(
          (status) =>
            `${status.reviewed ? 'review' : `skip (${status.reason})`}: ${status.path}`,
        )
        .join('\n'),
    )
    return decided
  })

  // Anchored against what the model saw, so quotes of redacted lines match.
  const seenFiles = files.map((file) => redactFile(file).value)
  const earlier = new StandingFindings(
    carryForward(history.lastRun?.standing ?? [], scope.moves, seenFiles),
  )
  if (scope.files.length === 0) {
    await finishWithoutModel(settings, pull, route, scope, history, poster, {
      earlier,
    })
    return
  }

  // Redaction: no provider sees a credential found in the pull request.
  const redacted = redactPullRequest(pull, guidelines, scope.files)
  if (redacted.total > 0) core.info(redacted.note)

  // Lanes, prompts and model calls
  const lanes = assignLanes(route, redacted.files, settings)
  const planFor = async (
    endpoint: ModelEndpoint,
    files: readonly DiffFile[],
  ): Promise<Plan> =>
    planCalls(
      {
        title: redacted.title,
        description: redacted.description,
        guidelines: redacted.guidelines,
        files,
      },
      {
        count: await loadTokenCounter(endpoint.provider),
        maxPromptTokens: promptBudget(
          endpoint.provider,
          endpoint.model,
          settings.maxPromptTokens,
          settings.deepseekThinking,
        ),
      },
    )

  if (settings.mode === 'estimate') {
    await estimateReview(settings, route, lanes, redacted.files, redacted)
    return
  }

  const work: LaneCall[] = []
  const tooLarge: FilePart[] = []
  for (const lane of lanes.lanes) {
    const plan = await planFor(lane.endpoint, lane.files)
    tooLarge.push(...plan.tooLarge)
    work.push(...plan.calls.map((call) => ({ lane, call })))
  }
  core.info(`${work.length} model call(s) planned`)

  const clients = new Map<string, ModelClient>()
  const clientFor = (endpoint: ModelEndpoint): ModelClient => {
    const key = `${endpoint.provider} ${endpoint.baseUrl} ${endpoint.model}`
    const client =
      clients.get(key) ??
      dependencies.clientFor?.(endpoint) ??
      createModelClient(endpoint, {
        timeoutMs: settings.requestTimeoutMs,
        maxRetries: 2,
        promptCacheKey: promptCacheKey(guidelines),
        thinking: settings.deepseekThinking,
        signal: AbortSignal.timeout(
          Math.max(0, deadline.getTime() - Date.now()),
        ),
      })
    clients.set(key, client)
    return client
  }
  const { outcomes, overBudget, outOfTime } = await core.group(
    'Model calls',
    () =>
      runCalls(work, {
        clientFor,
        fallbackFor: (lane) => fallbackFor(lane, settings),
        pricing: settings.pricing,
        thinking: settings.deepseekThinking,
        parallel: PARALLEL_CALLS,
        deadline,
        ...(settings.maxCostUsd !== undefined
          ? {
              maxCostUsd: settings.maxCostUsd,
              budgetLabel: settings.labels['max-cost-usd'],
            }
          : {}),
      }),
  )

  // Findings: from every answered call. A file split across calls counts
  // as reviewed only when every part was answered, and none was too large
  // to send.
  const answeredPaths = new Set(
    outcomes.flatMap((outcome) =>
      outcome.result.reply ? outcome.call.paths : [],
    ),
  )
  const reviewed = reviewedPaths(outcomes, [
    ...overBudget,
    ...outOfTime,
    ...tooLarge.map((part) => part.path),
  ])
  const placements = distinctFindings(
    placeFindings(
      outcomes.flatMap((outcome) => outcome.result.reply?.findings ?? []),
      seenFiles,
      answeredPaths,
      // Removed lines of an incremental diff are numbered in the last
      // reviewed head, not in the base GitHub anchors LEFT comments to.
      { left: (path) => scope.whole.has(path) },
    ),
  )
  const statuses = settleStatuses(scope.statuses, {
    reviewed,
    withheld: lanes.withheld,
    tooLarge: tooLarge.map((part) => part.path),
    overBudget,
    outOfTime,
  })
  const verdict = earlier.with(placements)
  const missed = statuses.flatMap((status) =>
    status.reason && RETRIED.has(status.reason) ? [status.path] : [],
  )
  const notes = [
    ...(redacted.total > 0 ? [redacted.note] : []),
    ...runNotes(
      pull,
      scope,
      tooLarge,
      overBudget,
      outOfTime,
      lanes.withheld,
      outcomes,
      reviewed,
    ),
  ]
  const cost = buildCostReport(
    outcomes.flatMap((outcome) =>
      outcome.attempts.map(({ endpoint, result }) => ({
        model: endpoint.model,
        startedAt: result.startedAt,
        usage: result.usage,
      })),
    ),
    settings.pricing,
  )

  // Review
  const anyReply = outcomes.some((outcome) => outcome.result.reply)
  let published: Published | undefined
  let failure: Error | undefined
  if (anyReply) {
    try {
      published = await core.group('Review', () =>
        publish(
          poster,
          {
            headSha: pull.headSha,
            summaries: outcomes.map(
              (outcome) => outcome.result.reply?.summary ?? '',
            ),
            placements,
            statuses,
            scope: scope.description,
            notes,
            costLine: costLine(route, cost, history),
            run: {
              head: pull.headSha,
              ...usdOf(cost),
              ...recordOf(verdict, missed),
            },
          },
          history,
          earlier,
          `Re-reviewed ${pull.headSha.slice(0, 7)}: no new findings. ` +
            costLine(route, cost, history),
        ),
      )
    } catch (error) {
      // The model's work is paid for: keep every finding in the summary
      // and as annotations, then fail with what to change.
      failure = postingError(error)
      annotate(placements)
    }
  }

  // Report
  await writeSummary({
    headline: failure
      ? 'reviewed, but the review could not be posted'
      : anyReply
        ? 'reviewed'
        : 'no review posted: every model call failed',
    route,
    cost,
    calls: outcomes.flatMap((outcome) =>
      outcome.attempts.map(({ endpoint, result }) => ({
        lane: outcome.lane.kind,
        provider: endpoint.provider,
        paths: outcome.call.paths,
        rejected: result.reply?.rejected.length ?? 0,
        ...(result.error ? { error: result.error.message } : {}),
      })),
    ),
    lanes: lanes.lanes.map((lane) => ({
      kind: lane.kind,
      provider: lane.endpoint.provider,
      model: lane.endpoint.model,
      paths: lane.files.map((file) => file.path),
    })),
    withheld: lanes.withheld,
    statuses,
    placements,
    scope: scope.description,
    ...(published ? { review: reviewOutcome(published, settings) } : {}),
    ...(published ? { demoted: published.demoted } : {}),
    notes: failure ? [failure.message, ...notes] : notes,
    pricing: settings.pricing,
    spentBeforeUsd: history.spentUsd,
  })
  setOutputs(route, cost, published)

  if (failure) throw failure
  const fatal = outcomes.find((outcome) => outcome.result.error?.fatal)
  if (fatal?.result.error) throw new Error(fatal.result.error.message)
  if (outcomes.length === 0 && overBudget.length > 0) {
    throw new Error(
      `\`max-cost-usd\` (${formatUsd(settings.maxCostUsd ?? 0)}) is too ` +
        'small for even one model call, so nothing was reviewed. Raise it, ' +
        'or lower `max-prompt-tokens` to make each call smaller.',
    )
  }
  if (!anyReply) {
    throw new Error('Every model call failed; see the job summary.')
  }
  for (const note of notes) core.warning(note)
  failOn(settings, verdict.counts, verdict.carried)
}

async function readChanges(
  octokit: Octokit,
  repo: RepoRef,
  pull: PullRequestInfo,
  settings: Settings,
  trusted: readonly string[],
): Promise<{
  files: DiffFile[]
  guidelines: string | null
  history: History
}> {
  const listed = await listFiles(octokit, repo, pull.number)
  core.info(`${listed.length} files changed in #${pull.number}`)
  const guidelines = await readGuidelines(
    octokit,
    repo,
    settings.guidelinesFile,
    pull.baseSha,
    settings.labels['guidelines-file'],
  )
  core.info(
    guidelines === null
      ? `No guidelines file at ${settings.guidelinesFile}`
      : `Guidelines: ${settings.guidelinesFile} (${guidelines.length} characters)`,
  )
  const history = await readHistory(octokit, repo, pull.number, trusted)
  core.info(
    history.reviews.length === 0
      ? 'No earlier review by this action'
      : `${history.reviews.length} earlier review(s) by this action; last ` +
          `reviewed head ${history.lastRun?.head.slice(0, 7) ?? 'unknown'}`,
  )
  return { files: listed.map(parseFile), guidelines, history }
}

/**
 * `mode: estimate`: the review priced on the chosen route, lane by lane,
 * and on every other configured provider, with no model called and
 * nothing posted.
 */
async function estimateReview(
  settings: Settings,
  route: Route,
  lanes: LanePlan,
  files: readonly DiffFile[],
  prompt: PromptContext,
): Promise<void> {
  const estimates = await estimateRoutes(settings, route, lanes, files, prompt)
  const chosen = chosenTotal(estimates)
  core.info(
    `Estimate: ${chosen === undefined ? 'no price known' : formatUsd(chosen)} ` +
      `on ${route.endpoint.provider} ${route.endpoint.model}; no model was called.`,
  )
  await writeSummary({
    ...emptySummary(settings),
    headline:
      `estimate: ${chosen === undefined ? 'cost unknown' : formatUsd(chosen)} ` +
      'on the chosen route; no model was called',
    route,
    estimates,
  })
  core.setOutput('provider', route.endpoint.provider)
  core.setOutput('model', route.endpoint.model)
  core.setOutput(
    'estimated-cost-usd',
    chosen === undefined ? '' : chosen.toFixed(8),
  )
  core.setOutput('cost-usd', '0.00000000')
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
  { earlier }: { earlier: StandingFindings },
): Promise<void> {
  const verdict = earlier.with([])
  const reason =
    scope.kind === 'incremental'
      ? 'nothing to review: no reviewed file changed since the last review'
      : 'nothing to review: every changed file is skipped'
  core.info(`${reason}; no model is called.`)
  const cost = buildCostReport([], settings.pricing)
  const line = costLine(route, cost, history)
  const published = await core.group('Review', () =>
    publishing(
      poster,
      {
        headSha: pull.headSha,
        summaries: [
          `${capitalise(reason)} (see below), so no model was called.`,
        ],
        placements: [],
        statuses: scope.statuses,
        scope: scope.description,
        notes: unlistedNote(pull, scope),
        costLine: line,
        run: { head: pull.headSha, usd: 0, ...recordOf(verdict, []) },
      },
      history,
      earlier,
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
    notes: [...unlistedNote(pull, scope), 'No model was called: 0 tokens, $0.'],
    spentBeforeUsd: history.spentUsd,
  })
  setOutputs(route, cost, published)
  for (const note of unlistedNote(pull, scope)) core.warning(note)
  failOn(settings, verdict.counts, verdict.carried)
}

/**
 * A re-run on a head this action already reviewed: calling the model again
 * would pay for the same review twice, so the run only notes itself on
 * the last review, unless `review-again` asks for a new one.
 */
async function finishAlreadyReviewed(
  settings: Settings,
  pull: PullRequestInfo,
  route: Route,
  history: History,
  poster: ReviewPoster,
): Promise<void> {
  const head = pull.headSha.slice(0, 7)
  const reason =
    `${head} was already reviewed, so no model was called; set ` +
    '`review-again: true` to review it anew'
  core.info(capitalise(reason))
  const cost = buildCostReport([], settings.pricing)
  const last = history.lastRun
  const published = await core.group('Review', () =>
    publishing(
      poster,
      {
        headSha: pull.headSha,
        summaries: [],
        placements: [],
        statuses: [],
        scope: '',
        notes: [],
        costLine: '',
        run: {
          head: pull.headSha,
          usd: 0,
          ...(last?.found ? { found: last.found } : {}),
          ...(last?.standing ? { standing: last.standing } : {}),
        },
      },
      history,
      new StandingFindings(last?.standing ?? []),
      `Re-run at ${head}: already reviewed, no model called, $0. ` +
        `All runs on this pull request: ${formatUsd(history.spentUsd)}.`,
    ),
  )
  await writeSummary({
    ...emptySummary(settings),
    headline: reason,
    route,
    review: reviewOutcome(published, settings),
    spentBeforeUsd: history.spentUsd,
  })
  setOutputs(route, cost, published)
  // The check keeps the verdict of the run that reviewed this head.
  failOn(settings, history.lastRun?.found ?? {})
}

/**
 * GitHub runs pull_request workflows from forks without secrets and with a
 * read-only token: no review could be made or posted. The run ends
 * neutrally and says how to review such pull requests.
 */
async function skipForkPullRequest(settings: Settings): Promise<void> {
  const reason =
    'this pull request comes from a fork, and GitHub runs pull_request ' +
    'workflows from forks without secrets and with a read-only token'
  core.notice(
    `Not reviewed: ${reason}. To review fork pull requests, use the ` +
      'pull_request_target recipe in the README, which never checks out ' +
      "the pull request's code.",
  )
  await writeSummary({
    ...emptySummary(settings),
    headline: `not reviewed: ${reason}`,
  })
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

/**
 * Warns when GitHub says the review was posted by an account whose reviews
 * the next run will not trust: it would review everything again and
 * repeat every comment.
 */
function checkingAuthor(
  poster: ReviewPoster,
  trusted: readonly string[],
): ReviewPoster {
  const logins = new Set(trusted.map((login) => login.toLowerCase()))
  const check = (posted: PostedReview): PostedReview => {
    if (posted.author && !logins.has(posted.author.toLowerCase())) {
      core.warning(
        `The review was posted as ${posted.author}, but \`reviewer-login\` ` +
          `is ${trusted[0] ?? ''}: later runs will not recognise it and will ` +
          `repeat its comments. Set \`reviewer-login: ${posted.author}\`.`,
      )
    }
    return posted
  }
  return {
    post: async (draft) => check(await poster.post(draft)),
    update: async (id, body) => check(await poster.update(id, body)),
  }
}

/** Publishes; a GitHub failure becomes a message that says what to do. */
async function publishing(
  ...args: Parameters<typeof publish>
): Promise<Published> {
  try {
    return await publish(...args)
  } catch (error) {
    throw postingError(error)
  }
}

// After the deadline stops the model calls, GitHub requests may still run
// this long: enough to post the review of what was done.
const POSTING_GRACE_MS = 120_000

// Files a run could not review for reasons that may not hold next time;
// the next run on the same head reviews them instead of stopping.
const RETRIED: ReadonlySet<SkipReason> = new Set([
  'call-failed',
  'over-budget',
  'out-of-time',
])

// A review's record must leave room for its text: past these, the record
// keeps the most severe findings and says the list of missed files was cut.
const MAX_STANDING = 200
const MAX_MISSED_CHARS = 10_000

/** What a run's record keeps of its verdict and of the files it missed. */
function recordOf(
  verdict: Verdict,
  missed: readonly string[],
): Pick<RunRecord, 'found' | 'standing' | 'missed' | 'missedMore'> {
  const standing = [...verdict.standing]
    .sort((a, b) => SEVERITIES.indexOf(a.v) - SEVERITIES.indexOf(b.v))
    .slice(0, MAX_STANDING)
  const kept = JSON.stringify(missed).length <= MAX_MISSED_CHARS
  return {
    found: verdict.counts,
    ...(standing.length > 0 ? { standing } : {}),
    ...(missed.length > 0
      ? kept
        ? { missed }
        : { missedMore: 1 as const }
      : {}),
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
