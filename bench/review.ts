/**
 * The action's own review of a fixture on one route: a first review after a
 * warm-up, then the same review again at once, as when a job is re-run.
 */
import type { RunOptions } from '../test/e2e/harness'
import { mixedFindings, scriptedReviewer } from '../test/e2e/reviewer'
import { loadFixtureSetup, type GitHubFile } from '../test/emulators/github'
import { countTokens, type RecordedCall } from '../test/emulators/llm'
import { runChecked, startEmulators, warmUp, type Emulators } from './emulators'
import type { Fixture, Provider, RouteCase } from './fixtures'

/** One run of the action, as its outputs and the emulators saw it. */
export interface ReviewRun {
  /** The action's `model` output. */
  readonly model: string
  /** Prompt tokens of every model call, cached ones included. */
  readonly promptTokens: number
  readonly cachedTokens: number
  readonly outputTokens: number
  /** The action's `cost-usd`; null when it had no price. */
  readonly usd: number | null
  readonly modelCalls: number
  readonly githubRequests: number
  /** The files whose diff the prompts showed the model. */
  readonly shownPaths: readonly string[]
}

export interface RouteReview {
  readonly first: ReviewRun
  readonly rerun: ReviewRun
  /** The first call's request minus its messages: model, caps, format. */
  readonly requestOptions: Readonly<Record<string, unknown>>
  /** Model calls that reached the other provider: should be none. */
  readonly misrouted: number
}

export async function reviewOnRoute(
  fixture: Fixture,
  route: RouteCase,
): Promise<RouteReview> {
  const setup = loadFixtureSetup(fixture.dir)
  // Findings computed from the patches, so the reply, the output tokens
  // and the posted review are shaped like a real model's.
  const respond = scriptedReviewer((request) =>
    mixedFindings(setup.files, request.prompt),
  )
  const emulators = await startEmulators(respond)
  try {
    emulators.github.addPullRequest(setup)
    await warmUp(emulators, route.provider)

    const options: RunOptions = {
      event: route.event,
      apiUrl: emulators.github.url,
      inputs: { ...emulators.inputs, ...route.inputs },
    }
    const llm = emulators.llm[route.provider]
    const firstCall = llm.calls.length
    const measure = () =>
      measuredRun(emulators, route.provider, options, setup.files)
    const first = await measure()
    // The same review again at once: same head, cache still warm. By
    // default the action skips a head it already reviewed; review-again
    // makes it pay for the review again, which is what is measured here.
    const rerun = await measuredRun(
      emulators,
      route.provider,
      { ...options, inputs: { ...options.inputs, 'review-again': 'true' } },
      setup.files,
    )

    const other = route.provider === 'openai' ? 'deepseek' : 'openai'
    return {
      first,
      rerun,
      requestOptions: withoutMessages(llm.calls[firstCall]),
      misrouted: emulators.llm[other].calls.length,
    }
  } finally {
    await emulators.close()
  }
}

async function measuredRun(
  emulators: Emulators,
  provider: Provider,
  options: RunOptions,
  files: readonly GitHubFile[],
): Promise<ReviewRun> {
  const llm = emulators.llm[provider]
  const callsBefore = llm.calls.length
  const requestsBefore = emulators.github.requests.length

  const run = await runChecked(options)

  const calls = llm.calls.slice(callsBefore)
  const cost = run.outputs['cost-usd'] ?? ''
  return {
    model: run.outputs['model'] ?? '',
    promptTokens: Number(run.outputs['input-tokens'] ?? 0),
    cachedTokens: Number(run.outputs['cached-input-tokens'] ?? 0),
    outputTokens: Number(run.outputs['output-tokens'] ?? 0),
    usd: cost === '' ? null : Number(cost),
    modelCalls: calls.length,
    githubRequests: emulators.github.requests.length - requestsBefore,
    shownPaths: shownPaths(files, calls),
  }
}

function withoutMessages(
  call: RecordedCall | undefined,
): Record<string, unknown> {
  const options = { ...call?.body }
  delete options['messages']
  return options
}

/** The files whose header `FILE: <path>` some prompt carries. */
export function shownPaths(
  files: readonly GitHubFile[],
  calls: readonly RecordedCall[],
): string[] {
  return files
    .filter((file) =>
      calls.some((call) => call.prompt.includes(`FILE: ${file.filename}\n`)),
    )
    .map((file) => file.filename)
}

/** The size of what the model was meant to read: the raw patches. */
export interface PatchSize {
  /** o200k tokens of the raw `patch` text, summed over the files. */
  readonly tokens: number
  /** Additions plus deletions, as GitHub counts them. */
  readonly changedLines: number
}

export function patchSize(
  files: readonly GitHubFile[],
  paths: readonly string[],
): PatchSize {
  const reviewed = files.filter((file) => paths.includes(file.filename))
  return {
    tokens: reviewed.reduce(
      (sum, file) => sum + countTokens(file.patch ?? ''),
      0,
    ),
    changedLines: reviewed.reduce(
      (sum, file) => sum + file.additions + file.deletions,
      0,
    ),
  }
}
