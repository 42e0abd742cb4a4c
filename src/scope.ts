/**
 * The scope of a review: the whole pull request, or, after a push to a pull
 * request this action already reviewed, only what changed since the head it
 * reviewed last. Comments are still anchored against the whole pull
 * request's diff, since that is what GitHub validates them against.
 */
import type { DiffFile } from './diff/model'
import { parseFile } from './diff/parse'
import type { Comparison } from './github/pull-request'
import type { FileStatus, Selection } from './select'
import type { Moves } from './standing'

export type ScopeKind = 'full' | 'incremental'

export interface ReviewScope {
  readonly kind: ScopeKind
  /** The files shown to the model, with the hunks to review. */
  readonly files: readonly DiffFile[]
  /** Every file of the pull request with its status in this review. */
  readonly statuses: readonly FileStatus[]
  /** One sentence on what was reviewed, for the review and the summary. */
  readonly description: string
  /**
   * The files shown as the pull request changes them, not only since the
   * last review: their removed lines are numbered in the base.
   */
  readonly whole: ReadonlySet<string>
  /** How the last reviewed head leads to this one. */
  readonly moves: Moves
}

export interface ScopeInput {
  readonly selection: Selection
  readonly headSha: string
  /** The head the last review covered, if this action reviewed before. */
  readonly lastHead?: string
  /** GitHub's comparison of `lastHead` with the head; undefined if unknown. */
  readonly comparison?: Comparison
  /** Files the last run meant to review but could not. */
  readonly missed?: readonly string[]
  /** Set when the last run missed more files than it could list. */
  readonly missedMore?: boolean
}

// GitHub's compare endpoint lists at most this many files: a longer list
// may have been cut, so it cannot tell what changed.
const MAX_COMPARED_FILES = 300

/** Decides what to review. */
export function decideScope(input: ScopeInput): ReviewScope {
  const { selection, lastHead, comparison } = input
  const full = (description: string, moves: Moves): ReviewScope => ({
    kind: 'full',
    files: selection.reviewed,
    statuses: selection.statuses,
    description,
    whole: new Set(selection.reviewed.map((file) => file.path)),
    moves,
  })
  const same: Moves = { kind: 'same' }
  const unknown: Moves = { kind: 'unknown' }

  const missed = new Set(input.missed ?? [])
  if (!lastHead) return full('Reviewed the whole pull request.', same)
  if (lastHead === input.headSha) {
    if (input.missedMore) {
      return full(
        `Reviewed the whole pull request again: the last run at ` +
          `${short(lastHead)} could not review many of its files.`,
        same,
      )
    }
    if (missed.size > 0) {
      const files = selection.reviewed.filter((file) => missed.has(file.path))
      return only(
        selection,
        files,
        `Reviewed the files the last run at ${short(lastHead)} could not.`,
        same,
      )
    }
    return full(
      `Reviewed the whole pull request again at ${short(lastHead)}, which ` +
        'was reviewed before.',
      same,
    )
  }
  if (!comparison || comparison.status !== 'ahead') {
    return full(
      `Reviewed the whole pull request: the last reviewed head ` +
        `${short(lastHead)} is no longer part of its history (force-push?).`,
      unknown,
    )
  }
  if (comparison.files.length >= MAX_COMPARED_FILES) {
    return full(
      `Reviewed the whole pull request: GitHub lists at most ` +
        `${MAX_COMPARED_FILES} of the files changed since ${short(lastHead)}.`,
      unknown,
    )
  }
  const changes = comparison.files.map(parseFile)
  if (input.missedMore) {
    return full(
      `Reviewed the whole pull request: the last review, at ` +
        `${short(lastHead)}, could not review many of its files.`,
      { kind: 'compared', changes },
    )
  }

  // Only what the new commits touched, and only where the pull request
  // itself is reviewed: a lockfile stays a lockfile. A file the comparison
  // shows without its patch, or that the last run missed, is shown whole.
  const changed = new Map(changes.map((file) => [file.path, file]))
  const files = selection.reviewed.flatMap((file) => {
    const since = changed.get(file.path)
    if (missed.has(file.path) || (since && since.hunks.length === 0)) {
      return [file]
    }
    return since ? [since] : []
  })
  return only(
    selection,
    files,
    `Reviewed the changes since ${short(lastHead)}, the head of the last ` +
      'review' +
      (missed.size > 0 ? ', and the files that review could not.' : '.'),
    { kind: 'compared', changes },
  )
}

/** A scope of some of the selected files, the others unchanged since. */
function only(
  selection: Selection,
  files: readonly DiffFile[],
  description: string,
  moves: Moves,
): ReviewScope {
  const shown = new Set(files.map((file) => file.path))
  const whole = new Set(
    selection.reviewed
      .filter((file) => files.includes(file))
      .map((file) => file.path),
  )
  return {
    kind: 'incremental',
    files,
    statuses: selection.statuses.map((status): FileStatus =>
      status.reviewed && !shown.has(status.path)
        ? { ...status, reviewed: false, reason: 'unchanged-since-review' }
        : status,
    ),
    description,
    whole,
    moves,
  }
}

function short(sha: string): string {
  return sha.slice(0, 7)
}
