/**
 * Posting the review. The poster is an interface so that a dry run, the
 * local CLI or a test can print or record the review instead.
 */
import type { Side } from '../diff/model'
import type { Octokit } from './octokit'
import type { RepoRef } from './pull-request'

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
  return {
    async post(draft) {
      const { data } = await octokit.rest.pulls.createReview({
        owner: repo.owner,
        repo: repo.name,
        pull_number: number,
        commit_id: draft.commitId,
        event: 'COMMENT',
        body: draft.body,
        comments: draft.comments.map((comment) => ({ ...comment })),
      })
      return {
        id: data.id,
        url: data.html_url,
        ...(data.user ? { author: data.user.login } : {}),
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
