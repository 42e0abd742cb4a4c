// Validation of "create a review" requests, as strict as GitHub: any one bad
// comment rejects the whole review, so nothing is stored.

import { ACTIONS_LOGIN } from './github-context'
import { commentableLines, sameHunk, type Side } from './github-diff'
import { isRecord } from './github-http'
import type { GitHubFile } from './github-types'

/**
 * Texts GitHub answers in a 422's `errors`. Those marked "ours" could not be
 * confirmed against GitHub and are the emulator's own wording.
 */
export const REVIEW_ERRORS = {
  lineNotInDiff: 'Pull request review thread line must be part of the diff',
  startLineNotInHunk:
    'Pull request review thread start line must be part of the same hunk ' +
    'as the line.',
  pathUnresolved: 'Path could not be resolved',
  lineUnresolved: 'Line could not be resolved',
  bodyTooLong: 'Body is too long (maximum is 65536 characters)',
  // Ours: GitHub documents that COMMENT and REQUEST_CHANGES need a body,
  // not the text it answers when one is missing.
  bodyBlank: "Body can't be blank",
  actionsApprove: 'GitHub Actions is not permitted to approve pull requests.',
  commitNotInPull: 'commit_id is not part of the pull request',
  onePending: 'User can only have one pending review per pull request',
  // Ours: the order and side rules come from GitHub's docs, not its errors.
  startLineAfterLine:
    'Pull request review thread start line must precede the line.',
  startSideMismatch:
    'Pull request review thread start side must match the side.',
  // Ours: GitHub still maps diff-relative `position`, but this emulator does
  // not, so a client relying on it fails loudly instead of silently.
  positionUnsupported:
    'Pull request review thread position is not supported by this ' +
    'emulator; use line and side.',
} as const

export const MAX_BODY_LENGTH = 65_536

const EVENTS = ['APPROVE', 'REQUEST_CHANGES', 'COMMENT'] as const
const SIDES: readonly unknown[] = ['LEFT', 'RIGHT']

export type ReviewEvent = (typeof EVENTS)[number]

export interface ReviewComment {
  path: string
  body: string
  line: number
  side: Side
  startLine: number | null
  startSide: Side | null
}

export interface ReviewRequest {
  body: string
  /** Undefined leaves the review PENDING. */
  event: ReviewEvent | undefined
  commitId: string | undefined
  comments: ReviewComment[]
  /** The comments exactly as the client sent them. */
  submitted: unknown[]
}

/**
 * Why GitHub refuses a review, both answered 422: a schema problem has only
 * a message ("Invalid request. ..."), a broken rule has an `errors` text.
 */
export type ReviewRejection =
  | { kind: 'invalid'; message: string }
  | { kind: 'unprocessable'; error: string }

/** What the validator needs to know about the pull request and the caller. */
export interface ReviewContext {
  headSha: string
  /** Every head the pull request has had, the current one included. */
  knownHeads: ReadonlySet<string>
  /** The files of the head a commit_id names, for line checks. */
  filesAt(sha: string): readonly GitHubFile[]
  login: string
  hasPendingReview: boolean
}

/** GitHub limits characters, not UTF-16 units, so count code points. */
export function isTooLong(body: string): boolean {
  if (body.length <= MAX_BODY_LENGTH) return false
  return Array.from(body).length > MAX_BODY_LENGTH
}

export function checkReview(
  input: Record<string, unknown>,
  context: ReviewContext,
): ReviewRequest | ReviewRejection {
  const parsed = parseReview(input)
  if ('kind' in parsed) return parsed

  const error =
    checkSubmission(parsed, context) ??
    checkCommit(parsed, context) ??
    firstCommentError(
      parsed.comments,
      context.filesAt(parsed.commitId ?? context.headSha),
    )
  return error === undefined ? parsed : { kind: 'unprocessable', error }
}

function checkSubmission(
  review: ReviewRequest,
  context: ReviewContext,
): string | undefined {
  if (isTooLong(review.body)) return REVIEW_ERRORS.bodyTooLong
  if (review.event === undefined && context.hasPendingReview) {
    return REVIEW_ERRORS.onePending
  }
  if (review.event === 'APPROVE' && context.login === ACTIONS_LOGIN) {
    return REVIEW_ERRORS.actionsApprove
  }
  const needsBody =
    review.event === 'COMMENT' || review.event === 'REQUEST_CHANGES'
  if (needsBody && review.body.trim() === '') return REVIEW_ERRORS.bodyBlank
  return undefined
}

function checkCommit(
  review: ReviewRequest,
  context: ReviewContext,
): string | undefined {
  const sha = review.commitId
  if (sha === undefined || context.knownHeads.has(sha)) return undefined
  return REVIEW_ERRORS.commitNotInPull
}

function firstCommentError(
  comments: readonly ReviewComment[],
  files: readonly GitHubFile[],
): string | undefined {
  for (const comment of comments) {
    const error = commentError(comment, files)
    if (error !== undefined) return error
  }
  return undefined
}

function commentError(
  comment: ReviewComment,
  files: readonly GitHubFile[],
): string | undefined {
  if (isTooLong(comment.body)) return REVIEW_ERRORS.bodyTooLong
  if (comment.body.trim() === '') return REVIEW_ERRORS.bodyBlank

  const file = files.find((candidate) => candidate.filename === comment.path)
  if (file === undefined) return REVIEW_ERRORS.pathUnresolved
  if (file.patch === undefined) return REVIEW_ERRORS.lineUnresolved

  const lines = commentableLines(file.patch)
  const onSide = comment.side === 'LEFT' ? lines.left : lines.right
  if (!onSide.has(comment.line)) return REVIEW_ERRORS.lineNotInDiff

  if (comment.startLine === null) return undefined
  if (comment.startSide !== comment.side) {
    return REVIEW_ERRORS.startSideMismatch
  }
  if (comment.startLine >= comment.line) {
    return REVIEW_ERRORS.startLineAfterLine
  }
  if (!sameHunk(file.patch, comment.side, comment.startLine, comment.line)) {
    return REVIEW_ERRORS.startLineNotInHunk
  }
  return undefined
}

// Schema checks: GitHub answers type errors with "Invalid request." before
// looking at the diff at all.

function parseReview(
  input: Record<string, unknown>,
): ReviewRequest | ReviewRejection {
  const { body = null, event = null, commit_id: commitId = null } = input
  const comments = input['comments'] ?? []

  if (body !== null && typeof body !== 'string') {
    return invalid(`For 'properties/body', ${show(body)} is not a string.`)
  }
  if (commitId !== null && typeof commitId !== 'string') {
    return invalid(
      `For 'properties/commit_id', ${show(commitId)} is not a string.`,
    )
  }
  if (event !== null && event !== '' && !isEvent(event)) {
    return invalid(
      `For 'properties/event', ${show(event)} is not one of ` +
        `${show(EVENTS)}.`,
    )
  }
  if (!Array.isArray(comments)) {
    return invalid(
      `For 'properties/comments', ${show(comments)} is not an array.`,
    )
  }

  const parsed: ReviewComment[] = []
  for (const [index, raw] of comments.entries()) {
    const comment = parseComment(raw, index)
    if ('kind' in comment) return comment
    parsed.push(comment)
  }
  return {
    body: body ?? '',
    event: isEvent(event) ? event : undefined,
    commitId: commitId ?? undefined,
    comments: parsed,
    submitted: comments,
  }
}

function parseComment(
  raw: unknown,
  index: number,
): ReviewComment | ReviewRejection {
  const where = `'items/comments/${index}'`
  if (!isRecord(raw)) {
    return invalid(`For ${where}, ${show(raw)} is not an object.`)
  }

  const { path, body, line, side = 'RIGHT', position } = raw
  const { start_line: startLine = null, start_side: startSide = null } = raw

  if (typeof path !== 'string') return invalid(`"path" wasn't supplied.`)
  if (typeof body !== 'string') return invalid(`"body" wasn't supplied.`)
  if (position !== undefined) {
    return { kind: 'unprocessable', error: REVIEW_ERRORS.positionUnsupported }
  }
  if (!Number.isInteger(line)) {
    return invalid(`For ${where}, "line" ${show(line)} is not an integer.`)
  }
  if (startLine !== null && !Number.isInteger(startLine)) {
    return invalid(`For ${where}, "start_line" is not an integer.`)
  }
  const badStartSide = startSide !== null && !SIDES.includes(startSide)
  if (!SIDES.includes(side) || badStartSide) {
    return invalid(`For ${where}, side must be one of ["LEFT", "RIGHT"].`)
  }

  const lineSide = side as Side
  return {
    path,
    body,
    line: line as number,
    side: lineSide,
    startLine: startLine as number | null,
    startSide: startLine === null ? null : ((startSide ?? lineSide) as Side),
  }
}

function isEvent(value: unknown): value is ReviewEvent {
  return EVENTS.some((event) => event === value)
}

function invalid(detail: string): ReviewRejection {
  return { kind: 'invalid', message: `Invalid request.\n\n${detail}` }
}

function show(value: unknown): string {
  // A missing field: JSON has no undefined, so show it as String() does.
  return value === undefined ? 'undefined' : JSON.stringify(value)
}
