/**
 * Publishing: one review per run with only what is new. Findings an earlier
 * review already posted are not repeated; a run with nothing new amends the
 * last review instead of adding one; and when GitHub refuses the inline
 * comments, the review is posted again with fewer of them, down to none, so
 * that one bad anchor never costs the whole review.
 */
import * as core from '@actions/core'
import type { InlinePlacement, Placement } from './diff/anchor'
import type { History } from './github/history'
import { timedOut } from './github/errors'
import { statusOf } from './github/pull-request'
import type { PostedReview, ReviewPoster } from './github/review'
import { withRun } from './report/markers'
import {
  amendedBody,
  composeReview,
  type ReviewInput,
} from './report/review-body'
import type { StandingFindings } from './standing'

export interface Published extends PostedReview {
  readonly action: 'posted' | 'amended'
  /** Inline comments posted. */
  readonly inline: number
  /** Findings posted in the body. */
  readonly inBody: number
  /** Findings left out because an earlier review posted them. */
  readonly alreadyPosted: number
  /** Findings placed inline that went into the body instead: refused, or over the cap. */
  readonly demoted: ReadonlySet<Placement>
}

// After a 422, each attempt trusts fewer anchors: first all, then only
// single lines that the pull request adds (the anchors least likely to
// disagree with GitHub's view of the diff), then none.
const ATTEMPTS: ReadonlyArray<(placement: InlinePlacement) => boolean> = [
  () => true,
  (placement) =>
    placement.side === 'RIGHT' &&
    placement.anchorKind === 'add' &&
    placement.startLine === undefined,
  () => false,
]

export async function publish(
  poster: ReviewPoster,
  input: Omit<ReviewInput, 'alreadyPosted'>,
  history: History,
  earlier: StandingFindings,
  footer: string,
): Promise<Published> {
  const fresh = earlier.news(input.placements)
  const alreadyPosted = input.placements.filter((placement) =>
    earlier.covers(placement),
  ).length
  const latest = history.reviews.at(-1)

  if (fresh.length === 0 && latest) {
    const body = amendedBody(
      latest.body,
      withRun(latest.record, input.run),
      footer,
    )
    const updated = await poster.update(latest.id, body)
    core.info(`Nothing new: amended review ${latest.id}`)
    return {
      ...updated,
      action: 'amended',
      inline: 0,
      inBody: 0,
      alreadyPosted,
      demoted: new Set(),
    }
  }

  const full: ReviewInput = { ...input, placements: fresh, alreadyPosted }
  let refused: number | undefined
  for (const [attempt, inline] of ATTEMPTS.entries()) {
    const draft = composeReview(full, inline)
    // Each attempt's comments are a subset of the last one's: the same
    // number means the same comments, which GitHub just refused.
    if (draft.comments.length === refused) continue
    try {
      const posted = await poster.post(draft)
      core.info(
        posted.id === undefined
          ? `Review printed, not posted: ${draft.comments.length} inline comments`
          : `Posted review ${posted.url ?? posted.id} with ` +
              `${draft.comments.length} inline comments`,
      )
      return {
        ...posted,
        action: 'posted',
        inline: draft.comments.length,
        inBody: fresh.length - draft.comments.length,
        alreadyPosted,
        demoted: draft.demoted,
      }
    } catch (error) {
      const last = attempt === ATTEMPTS.length - 1
      if (statusOf(error) !== 422 || draft.comments.length === 0 || last) {
        throw error
      }
      refused = draft.comments.length
      core.warning(
        `GitHub refused the review (${(error as Error).message}); posting ` +
          "it again with fewer of the review's inline comments, the rest in " +
          'its body.',
      )
    }
  }
  throw new Error(
    'Bug: the last attempt to post the review had no inline comment and ' +
      'cannot have been refused for one; please open an issue.',
  )
}

/** A posting failure in words that say what to change. */
export function postingError(error: unknown): Error {
  if (timedOut(error)) {
    return new Error(
      'GitHub did not answer in time while posting the review. Look at the ' +
        'pull request before re-running the job: GitHub may have stored it. ' +
        'Every finding is in the job summary and in the annotations of this ' +
        'step.',
      { cause: error },
    )
  }
  const message = error instanceof Error ? error.message : String(error)
  if (statusOf(error) === 403) {
    return new Error(
      `GitHub refused to post the review (403: ${message}). The token lacks ` +
        '`pull-requests: write`: add `permissions: { contents: read, ' +
        'pull-requests: write }` to the job. Every finding is in the job ' +
        'summary and in the annotations of this step.',
      { cause: error },
    )
  }
  return new Error(
    `Could not post the review: ${message}. Every finding is in the job ` +
      'summary and in the annotations of this step.',
    { cause: error },
  )
}
