/**
 * What earlier runs of this action left on the pull request: its own
 * reviews, found by their hidden record, with the heads they covered, the
 * comments they made and what they cost.
 */
import {
  parseReviewMarker,
  type ReviewRecord,
  type RunRecord,
} from '../report/markers'
import type { Octokit } from './octokit'
import type { RepoRef } from './pull-request'

export interface PriorReview {
  readonly id: number
  readonly body: string
  readonly record: ReviewRecord
}

export interface History {
  /** This action's reviews, oldest first. */
  readonly reviews: readonly PriorReview[]
  /** The most recent run, if any. */
  readonly lastRun?: RunRecord
  /** What all earlier runs cost, in US dollars, where known. */
  readonly spentUsd: number
}

export const NO_HISTORY: History = {
  reviews: [],
  spentUsd: 0,
}

/**
 * Reads this action's earlier reviews. Only reviews written by one of the
 * `trusted` logins, the accounts this action posts as, count: anyone may
 * review a public pull request, and a forged record must not be able to
 * hide findings from a later run or clear its `fail-on` check.
 */
export async function readHistory(
  octokit: Octokit,
  repo: RepoRef,
  number: number,
  trusted: readonly string[],
): Promise<History> {
  const logins = new Set(trusted.map((login) => login.toLowerCase()))
  const listed = await octokit.paginate(octokit.rest.pulls.listReviews, {
    owner: repo.owner,
    repo: repo.name,
    pull_number: number,
    per_page: 100,
  })
  return historyOf(
    listed.flatMap((review) => {
      const login = review.user?.login.toLowerCase()
      if (login === undefined || !logins.has(login)) return []
      const record = parseReviewMarker(review.body)
      return record ? [{ id: review.id, body: review.body, record }] : []
    }),
  )
}

export function historyOf(reviews: readonly PriorReview[]): History {
  const runs = reviews.flatMap((review) => review.record.runs)
  const lastRun = runs.at(-1)
  return {
    reviews,
    ...(lastRun ? { lastRun } : {}),
    spentUsd: runs.reduce((sum, run) => sum + (run.usd ?? 0), 0),
  }
}
