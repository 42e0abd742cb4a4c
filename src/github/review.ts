/**
 * Posting the review. The poster is an interface so that a dry run, the
 * local CLI or a test can print or record the review instead.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Side } from '../diff/model'
import { timedOut } from './errors'
import type { Octokit } from './octokit'
import { statusOf, type RepoRef } from './pull-request'

export interface ReviewComment {
  readonly path: string
  readonly line: number
  readonly side: Side
  readonly start_line?: number
  readonly start_side?: Side
  readonly body: string
}

export interface ReviewDraft {
  /** The head commit the comments' line numbers refer to. */
  readonly commitId: string
  readonly body: string
  readonly comments: readonly ReviewComment[]
}

export interface PostedReview {
  /** Undefined when nothing was posted (a dry run). */
  readonly id?: number
  readonly url?: string
  /** The account GitHub says posted the review. */
  readonly author?: string
}

export interface ReviewPoster {
  post(draft: ReviewDraft): Promise<PostedReview>
  /** Replaces the body of an earlier review of this action. */
  update(reviewId: number, body: string): Promise<PostedReview>
}

/** Posts one review with event COMMENT: this action never approves. */
export function githubPoster(
  octokit: Octokit,
  repo: RepoRef,
  number: number,
): ReviewPoster {
  const postedOf = (data: {
    id: number
    html_url: string
    user: { login: string } | null
  }): PostedReview => ({
    id: data.id,
    url: data.html_url,
    ...(data.user ? { author: data.user.login } : {}),
  })

  /** The review GitHub stored for this draft, if it did. */
  const stored = async (
    draft: ReviewDraft,
  ): Promise<PostedReview | undefined> => {
    const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, {
      owner: repo.owner,
      repo: repo.name,
      pull_number: number,
      per_page: 100,
    })
    const record = lastLine(draft.body)
    const found = reviews.find(
      (review) =>
        review.commit_id === draft.commitId && lastLine(review.body) === record,
    )
    return found ? postedOf(found) : undefined
  }

  return {
    async post(draft) {
      // A review GitHub did not answer for, or failed on, may still have
      // been stored: it is looked for before it is sent again, so that a
      // slow answer never posts the review twice.
      for (let attempt = 1; ; attempt++) {
        try {
          const { data } = await octokit.rest.pulls.createReview({
            owner: repo.owner,
            repo: repo.name,
            pull_number: number,
            commit_id: draft.commitId,
            event: 'COMMENT',
            body: draft.body,
            comments: draft.comments.map((comment) => ({ ...comment })),
            request: { retries: 0 },
          })
          return postedOf(data)
        } catch (error) {
          const status = statusOf(error)
          const unsure =
            timedOut(error) || status === undefined || status >= 500
          if (!unsure || attempt === POST_ATTEMPTS) throw error
          // GitHub may still be storing it: wait, then look.
          await sleep(POST_RETRY_WAIT_MS * attempt)
          const found = await stored(draft)
          if (found) return found
        }
      }
    },
    async update(reviewId, body) {
      const { data } = await octokit.rest.pulls.updateReview({
        owner: repo.owner,
        repo: repo.name,
        pull_number: number,
        review_id: reviewId,
        body,
      })
      return {
        id: data.id,
        url: data.html_url,
        ...(data.user ? { author: data.user.login } : {}),
      }
    },
  }
}

// Sending a review is tried this many times, a little longer apart each
// time, when GitHub's answer leaves it unknown whether it was stored.
const POST_ATTEMPTS = 3
const POST_RETRY_WAIT_MS = 2000

function lastLine(body: string | null | undefined): string {
  return (body ?? '').trimEnd().split('\n').at(-1) ?? ''
}

/** Prints the review to the log instead of posting it. */
export function printingPoster(print: (text: string) => void): ReviewPoster {
  return {
    post(draft) {
      print(formatDraft(draft))
      return Promise.resolve({})
    },
    update(reviewId, body) {
      print(`Would replace the body of review ${reviewId} with:\n${body}`)
      return Promise.resolve({})
    },
  }
}

/** A review as plain text, for logs and dry runs. */
export function formatDraft(draft: ReviewDraft): string {
  const comments = draft.comments.map((comment) => {
    const range =
      comment.start_line !== undefined
        ? `${comment.start_line}-${comment.line}`
        : `${comment.line}`
    return `--- ${comment.path}:${range} (${comment.side})\n${comment.body}`
  })
  return [draft.body, ...comments].join('\n\n')
}
