/**
 * The notes of a run: what the reader of the review and the summary should
 * know: redactions, text addressed to AI reviewers, files left out and
 * why, calls that failed, reply items that were dropped.
 */
import type { CallOutcome } from '../llm/calls'
import { findInjectionAttempts } from '../prompt/injection'
import type { FilePart } from '../prompt/build'
import type { ReviewScope } from '../scope'
import type { PullRequestInfo } from '../settings'
import { codePath, cut } from './text'

// The files endpoint lists at most this many files of a pull request.
const LISTED_FILES = 3000

/**
 * The files of the pull request GitHub did not list, so that none was
 * seen: a note when there are any.
 */
export function unlistedNote(
  pull: PullRequestInfo,
  scope: ReviewScope,
): string[] {
  const listed = scope.statuses.length
  const changed = pull.changedFiles ?? 0
  if (listed < LISTED_FILES || changed <= listed) return []
  const count = (n: number): string => n.toLocaleString('en-US')
  return [
    `GitHub lists only the first ${count(LISTED_FILES)} files of a pull ` +
      `request, and this one changes ${count(changed)}: ` +
      `${count(changed - listed)} were not reviewed. Split the pull request ` +
      'to have them reviewed.',
  ]
}

/** What the reader should know about this run, in the review and summary. */
export function runNotes(
  pull: PullRequestInfo,
  scope: ReviewScope,
  tooLarge: readonly FilePart[],
  overBudget: readonly string[],
  outOfTime: readonly string[],
  withheld: readonly string[],
  outcomes: readonly CallOutcome[],
  /** The files every call that showed them answered for. */
  reviewed: ReadonlySet<string>,
): string[] {
  const notes: string[] = [...unlistedNote(pull, scope)]
  const attempts = findInjectionAttempts(
    pull.title,
    pull.body,
    scope.files,
    (path, line) => `${codePath(path)}:${line}`,
  )
  if (attempts.length > 0) {
    notes.push(
      `This pull request contains text addressed to AI reviewers ` +
        `(${list(attempts)}). It was given to the model as data, ` +
        'never as instructions.',
    )
  }
  if (withheld.length > 0) {
    notes.push(
      `Not reviewed because they match \`sensitive-paths\` and no private ` +
        `provider is configured: ${paths(withheld)}.`,
    )
  }
  if (tooLarge.length > 0) {
    notes.push(
      `Too large for one model call, not reviewed: ` +
        `${list(
          tooLarge.map(
            ({ path, fromLine }) =>
              codePath(path) +
              (fromLine === undefined ? '' : ` (from line ${fromLine})`),
          ),
        )}. ` +
        'Raise `max-prompt-tokens` to include them.',
    )
  }
  if (overBudget.length > 0) {
    notes.push(
      'Not reviewed because the next call would exceed `max-cost-usd`: ' +
        `${paths(overBudget)}.`,
    )
  }
  if (outOfTime.length > 0) {
    notes.push(
      'Not reviewed because the run reached `run-timeout-minutes`: ' +
        `${paths(outOfTime)}.`,
    )
  }
  // One note per error: an outage fails every call the same way, and a
  // note per call would repeat it, with its files, for each of them.
  const failed = new Map<string, { calls: number; lost: Set<string> }>()
  for (const outcome of outcomes) {
    if (outcome.split) continue
    const error = outcome.result.error
    const lost = outcome.call.paths.filter((path) => !reviewed.has(path))
    if (!error || lost.length === 0) continue
    const message = cut(error.message, MAX_ERROR_LENGTH)
    const group = failed.get(message) ?? { calls: 0, lost: new Set() }
    group.calls++
    for (const path of lost) group.lost.add(path)
    failed.set(message, group)
  }
  for (const [message, { calls, lost }] of failed) {
    notes.push(
      `${calls === 1 ? 'A model call' : `${calls} model calls`} failed ` +
        `(${message}); not reviewed: ${paths([...lost])}.`,
    )
  }
  const abandoned = outcomes.reduce(
    (sum, outcome) =>
      sum +
      outcome.attempts.reduce(
        (count, { result }) => count + result.abandoned,
        0,
      ),
    0,
  )
  if (abandoned > 0) {
    notes.push(
      `${abandoned} ${abandoned === 1 ? 'request was' : 'requests were'} ` +
        'given up before the provider answered (a timeout); the provider ' +
        'may bill them, and the cost shown cannot include that.',
    )
  }
  const rejected = outcomes.flatMap(
    (outcome) => outcome.result.reply?.rejected ?? [],
  )
  if (rejected.length > 0) {
    const shown = rejected.slice(0, MAX_REJECTED_SHOWN)
    const more = rejected.length - shown.length
    notes.push(
      `${rejected.length} ${rejected.length === 1 ? 'item' : 'items'} of ` +
        "the model's reply did not match the expected shape and " +
        `${rejected.length === 1 ? 'was' : 'were'} dropped: ` +
        `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}.`,
    )
  }
  return notes
}

// Notes name files and quote errors; both are capped so that a pull
// request of thousands of files, or an error page, cannot outgrow the
// review body.
const MAX_LISTED = 20
// Dropped items quoted in full, each with the start of its text.
const MAX_REJECTED_SHOWN = 5
const MAX_ERROR_LENGTH = 300

/** File names, as code: they may hold Markdown, mentions or HTML. */
function paths(items: readonly string[]): string {
  return list(items.map(codePath))
}

function list(items: readonly string[]): string {
  const shown = items.slice(0, MAX_LISTED).join(', ')
  const more = items.length - MAX_LISTED
  return more > 0 ? `${shown} and ${more} more (see the job summary)` : shown
}
