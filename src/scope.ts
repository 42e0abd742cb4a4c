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

export type ScopeKind = 'full' | 'incremental'

export interface ReviewScope {
  readonly kind: ScopeKind
  /** The files shown to the model, with the hunks to review. */
  readonly files: readonly DiffFile[]
  /** Every file of the pull request with its status in this review. */
  readonly statuses: readonly FileStatus[]
  /** One sentence on what was reviewed, for the review and the summary. */
  readonly description: string
}

export interface ScopeInput {
  readonly selection: Selection
  readonly headSha: string
  /** The head the last review covered, if this action reviewed before. */
  readonly lastHead?: string
  /** GitHub's comparison of `lastHead` with the head; undefined if unknown. */
  readonly comparison?: Comparison
}

/** Decides what to review. */
export function decideScope(input: ScopeInput): ReviewScope {
  const { selection, lastHead, comparison } = input
  const full = (description: string): ReviewScope => ({
    kind: 'full',
    files: selection.reviewed,
    statuses: selection.statuses,
    description,
  })

  if (!lastHead) return full('Reviewed the whole pull request.')
  if (lastHead === input.headSha) {
    return full(
      `Reviewed the whole pull request again at ${short(lastHead)}, which ` +
        'was reviewed before.',
    )
  }
  if (!comparison || comparison.status !== 'ahead') {
    return full(
      `Reviewed the whole pull request: the last reviewed head ` +
        `${short(lastHead)} is no longer part of its history (force-push?).`,
    )
  }

  // Only what the new commits touched, and only where the pull request
  // itself is reviewed: a lockfile stays a lockfile.
  const changed = new Map(
    comparison.files.map((file) => [file.filename, parseFile(file)]),
  )
  const files = selection.reviewed.flatMap((file) => {
    const since = changed.get(file.path)
    return since && since.hunks.length > 0 ? [since] : []
  })
  const shown = new Set(files.map((file) => file.path))
  const statuses = selection.statuses.map((status): FileStatus =>
    status.reviewed && !shown.has(status.path)
      ? { ...status, reviewed: false, reason: 'unchanged-since-review' }
      : status,
  )
  return {
    kind: 'incremental',
    files,
    statuses,
    description:
      `Reviewed the changes since ${short(lastHead)}, the head of the last ` +
      'review.',
  }
}

function short(sha: string): string {
  return sha.slice(0, 7)
}
