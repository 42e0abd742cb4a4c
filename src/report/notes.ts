/**
 * The notes of a run: what the reader of the review and the summary should
 * know: redactions, text addressed to AI reviewers, files left out and
 * why, calls that failed, reply items that were dropped.
 */
import type { CallOutcome } from '../llm/calls'
import { findInjectionAttempts } from '../prompt/injection'
import type { ReviewScope } from '../scope'
import type { PullRequestInfo } from '../settings'

/** What the reader should know about this run, in the review and summary. */
export function runNotes(
  pull: PullRequestInfo,
  scope: ReviewScope,
  tooLarge: ReadonlyArray<{ path: string; label: string }>,
  overBudget: readonly string[],
  outOfTime: readonly string[],
  withheld: readonly string[],
  outcomes: readonly CallOutcome[],
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
  if (withheld.length > 0) {
    notes.push(
      `Not reviewed because they match \`sensitive-paths\` and no private ` +
        `provider is configured: ${withheld.join(', ')}.`,
    )
  }
  if (tooLarge.length > 0) {
    notes.push(
      `Too large for one model call, not reviewed: ` +
        `${tooLarge.map((part) => part.label).join(', ')}. ` +
        'Raise `max-prompt-tokens` to include them.',
    )
  }
  if (overBudget.length > 0) {
    notes.push(
      'Not reviewed because the next call would exceed `max-cost-usd`: ' +
        `${overBudget.join(', ')}.`,
    )
  }
  if (outOfTime.length > 0) {
    notes.push(
      'Not reviewed because the run reached `run-timeout-minutes`: ' +
        `${outOfTime.join(', ')}.`,
    )
  }
  const reviewed = new Set(
    outcomes.flatMap((outcome) =>
      outcome.result.reply ? outcome.call.paths : [],
    ),
  )
  for (const outcome of outcomes) {
    const error = outcome.result.error
    const lost = outcome.call.paths.filter((path) => !reviewed.has(path))
    if (error && lost.length > 0) {
      notes.push(
        `A model call failed (${error.message}); not reviewed: ${lost.join(', ')}.`,
      )
    }
  }
  const rejected = outcomes.reduce(
    (sum, outcome) => sum + (outcome.result.reply?.rejected.length ?? 0),
    0,
  )
  if (rejected > 0) {
    notes.push(
      `${rejected} ${rejected === 1 ? 'item' : 'items'} of the model's reply ` +
        'did not match the expected shape and were dropped.',
    )
  }
  return notes
}
