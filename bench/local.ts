/**
 * The action's local work on one pull request: parsing the listed files,
 * choosing which to review and planning the prompts. None of it waits on
 * the network, so it is timed in-process.
 */
import { parseFile } from '../src/diff/parse'
import { planCalls } from '../src/prompt/build'
import type { TokenCounter } from '../src/prompt/tokens'
import { selectFiles } from '../src/select'
import type { Fixture } from './fixtures'
import { median } from './stats'

// The action's default `max-prompt-tokens`.
const MAX_PROMPT_TOKENS = 60_000
// The defaults of `include` and `exclude`: nothing beyond the built-in
// rules for lockfiles, generated, vendored and binary files.
const DEFAULT_GLOBS = { include: [], exclude: [] }

/** What bench/local-work.ts prints about one fixture in a fresh process. */
export interface LocalWorkReport {
  readonly slug: string
  readonly provider: string
  /** Loading the tokenizer and counting a first string, once per run. */
  readonly tokenizerLoadMs: number
  readonly medianMs: number
  /** Resident set size before any work: Node, tsx and the modules. */
  readonly startRssKb: number
  /** Peak resident set size of the whole process. */
  readonly maxRssKb: number
}

/** Runs the local work once; returns how many model calls it planned. */
export function localWork(fixture: Fixture, count: TokenCounter): number {
  const selection = selectFiles(fixture.files.map(parseFile), DEFAULT_GLOBS)
  const plan = planCalls(
    {
      title: fixture.event.pull_request.title ?? '',
      description: fixture.event.pull_request.body ?? '',
      guidelines: fixture.guidelines,
      files: selection.reviewed,
    },
    { count, maxPromptTokens: MAX_PROMPT_TOKENS },
  )
  return plan.calls.length
}

/** The median milliseconds of `repetitions` runs of the local work. */
export function timeLocalWork(
  fixture: Fixture,
  count: TokenCounter,
  repetitions = 20,
): number {
  const samples: number[] = []
  for (let index = 0; index < repetitions; index++) {
    const started = performance.now()
    localWork(fixture, count)
    samples.push(performance.now() - started)
  }
  return median(samples)
}

/** The paths the action's selection reviews, by its own rules. */
export function selectedPaths(fixture: Fixture): string[] {
  const selection = selectFiles(fixture.files.map(parseFile), DEFAULT_GLOBS)
  return selection.reviewed.map((file) => file.path)
}
