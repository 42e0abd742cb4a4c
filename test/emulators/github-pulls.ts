// Handlers for a pull request and its conversation: the pull itself, its
// files and diff, reviews, review comments and issue comments.

import { ACTIONS_LOGIN, param, type RouteContext } from './github-context'
import { changedLineCount, diffHunkFor, synthesizeDiff } from './github-diff'
import {
  failure,
  invalidRequest,
  isRecord,
  json,
  notFound,
  paginate,
  text,
  unprocessable,
  type Reply,
} from './github-http'
import {
  checkReview,
  isTooLong,
  REVIEW_ERRORS,
  type ReviewComment,
  type ReviewEvent,
  type ReviewRequest,
} from './github-review'
import type { PullState } from './github-store'

type Json = Record<string, unknown>

/** GitHub lists at most this many files for one pull request. */
const MAX_LISTED_FILES = 3_000
const MAX_DIFF_FILES = 300
const MAX_DIFF_LINES = 20_000

const DIFF_MEDIA = /application\/vnd\.github(?:\.v3)?\.diff/
const PATCH_MEDIA = /application\/vnd\.github(?:\.v3)?\.patch/

const STATES: Record<ReviewEvent, string> = {
  APPROVE: 'APPROVED',
  REQUEST_CHANGES: 'CHANGES_REQUESTED',
  COMMENT: 'COMMENTED',
}

function findPull(context: RouteContext): PullState | undefined {
  return context.store.findPull(
    param(context, 'owner'),
    param(context, 'repo'),
    Number(param(context, 'number')),
  )
}

export function getPull(context: RouteContext): Reply {
  const state = findPull(context)
  if (state === undefined) return notFound(context.docs)

  const accept = context.headers['accept'] ?? ''
  if (DIFF_MEDIA.test(accept)) return diffReply(state, context.docs)
  if (PATCH_MEDIA.test(accept)) {
    // GitHub serves this; the emulator has no commits to build it from.
    return json({ message: `Unsupported 'Accept' header: ${accept}` }, 415)
  }
  // GitHub's answer always carries these; webhook fixtures may lack them.
  return json({ labels: [], draft: false, ...state.pull })
}

function diffReply(state: PullState, docs: string): Reply {
  if (state.files.length > MAX_DIFF_FILES) {
    return diffTooLarge(`maximum number of files (${MAX_DIFF_FILES})`, docs)
  }
  if (changedLineCount(state.files) > MAX_DIFF_LINES) {
    return diffTooLarge(`maximum number of lines (${MAX_DIFF_LINES})`, docs)
  }
  return text(
    synthesizeDiff(state.files),
    'application/vnd.github.diff; charset=utf-8',
  )
}

function diffTooLarge(limit: string, docs: string): Reply {
  return json(
    {
      message:
        `Sorry, the diff exceeded the ${limit}. Consider using ` +
        "'List pull requests files' API or locally cloning the repository " +
        'instead.',
      errors: [{ resource: 'PullRequest', field: 'diff', code: 'too_large' }],
      documentation_url: docs,
      status: '406',
    },
    406,
  )
}

export function listFiles(context: RouteContext): Reply {
  const state = findPull(context)
  if (state === undefined) return notFound(context.docs)
  return paginate(state.files.slice(0, MAX_LISTED_FILES), context.url)
}

export function listReviews(context: RouteContext): Reply {
  const state = findPull(context)
  if (state === undefined) return notFound(context.docs)
  return paginate(state.reviews.map(publicReview), context.url)
}

export function listReviewComments(context: RouteContext): Reply {
  const state = findPull(context)
  if (state === undefined) return notFound(context.docs)
  return paginate(state.reviewComments, context.url)
}

export function createReview(context: RouteContext): Reply {
  const state = findPull(context)
  if (state === undefined) return notFound(context.docs)

  const checked = checkReview(context.body, {
    headSha: state.headSha,
    knownHeads: new Set(state.filesByHead.keys()),
    filesAt: (sha) => state.filesByHead.get(sha) ?? state.files,
    login: context.login,
    hasPendingReview: state.reviews.some(
      (review) =>
        review['state'] === 'PENDING' && loginOf(review) === context.login,
    ),
  })
  if ('kind' in checked) {
    return checked.kind === 'invalid'
      ? invalidRequest(checked.message, context.docs)
      : unprocessable(checked.error, context.docs)
  }

  const { store } = context
  const review = newReview(checked, state, context)
  state.reviews.push(review)
  store.reviews.push(review)

  // GitHub shows a pending review's comments only to their author; the
  // emulator lists them to everyone.
  for (const comment of checked.comments) {
    const stored = reviewComment(comment, review, state, context)
    state.reviewComments.push(stored)
    store.reviewComments.push(stored)
  }
  return json(publicReview(review))
}

/** A stored review: GitHub's fields plus the comments as submitted. */
function newReview(
  checked: ReviewRequest,
  state: PullState,
  context: RouteContext,
): Json {
  const id = context.store.nextId()
  const { event } = checked
  return {
    id,
    node_id: nodeId('PRR', id),
    user: userFor(context.login),
    body: checked.body,
    state: event === undefined ? 'PENDING' : STATES[event],
    html_url: `${pullHtmlUrl(state)}#pullrequestreview-${id}`,
    pull_request_url: pullUrl(state, context.apiBase),
    author_association: 'NONE',
    commit_id: checked.commitId ?? state.headSha,
    submitted_at: event === undefined ? null : timestamp(),
    comments: checked.submitted,
  }
}

export function updateReview(context: RouteContext): Reply {
  const state = findPull(context)
  const id = Number(param(context, 'id'))
  const review = state?.reviews.find((candidate) => candidate['id'] === id)
  if (review === undefined) return notFound(context.docs)

  const rejected = checkBody(context)
  if (rejected !== undefined) return rejected

  review['body'] = context.body['body']
  return json(publicReview(review))
}

export function listIssueComments(context: RouteContext): Reply {
  const state = findPull(context)
  if (state === undefined) return notFound(context.docs)
  return paginate(state.issueComments, context.url)
}

export function createIssueComment(context: RouteContext): Reply {
  const state = findPull(context)
  if (state === undefined) return notFound(context.docs)

  const rejected = checkBody(context)
  if (rejected !== undefined) return rejected

  const id = context.store.nextId()
  const now = timestamp()
  const comment: Json = {
    id,
    node_id: nodeId('IC', id),
    url: `${repoUrl(state, context.apiBase)}/issues/comments/${id}`,
    html_url: `${pullHtmlUrl(state)}#issuecomment-${id}`,
    issue_url: `${repoUrl(state, context.apiBase)}/issues/${state.number}`,
    user: userFor(context.login),
    body: context.body['body'],
    created_at: now,
    updated_at: now,
    author_association: 'NONE',
  }
  state.issueComments.push(comment)
  context.store.issueComments.push(comment)
  return json(comment, 201)
}

export function updateIssueComment(context: RouteContext): Reply {
  const repo = context.store.findRepo(
    param(context, 'owner'),
    param(context, 'repo'),
  )
  const id = Number(param(context, 'id'))
  const comment = [...(repo?.pulls.values() ?? [])]
    .flatMap((pull) => pull.issueComments)
    .find((candidate) => candidate['id'] === id)
  if (comment === undefined) return notFound(context.docs)

  const rejected = checkBody(context)
  if (rejected !== undefined) return rejected

  comment['body'] = context.body['body']
  comment['updated_at'] = timestamp()
  return json(comment)
}

function checkBody(context: RouteContext): Reply | undefined {
  const body = context.body['body']
  if (typeof body !== 'string') {
    return invalidRequest(
      `Invalid request.\n\n"body" wasn't supplied.`,
      context.docs,
    )
  }
  if (body.trim() === '') {
    return unprocessable(REVIEW_ERRORS.bodyBlank, context.docs)
  }
  if (isTooLong(body)) {
    return unprocessable(REVIEW_ERRORS.bodyTooLong, context.docs)
  }
  return undefined
}

/** A stored review comment, shaped like GitHub's answer for it. */
function reviewComment(
  comment: ReviewComment,
  review: Json,
  state: PullState,
  context: RouteContext,
): Json {
  const id = context.store.nextId()
  const commitId = review['commit_id']
  const files = state.filesByHead.get(String(commitId)) ?? state.files
  const patch = files.find((file) => file.filename === comment.path)?.patch
  const now = timestamp()
  return {
    id,
    node_id: nodeId('PRRC', id),
    pull_request_review_id: review['id'],
    diff_hunk: diffHunkFor(patch ?? '', comment.side, comment.line),
    path: comment.path,
    commit_id: commitId,
    original_commit_id: commitId,
    user: review['user'],
    body: comment.body,
    created_at: now,
    updated_at: now,
    html_url: `${pullHtmlUrl(state)}#discussion_r${id}`,
    pull_request_url: review['pull_request_url'],
    author_association: 'NONE',
    start_line: comment.startLine,
    original_start_line: comment.startLine,
    start_side: comment.startSide,
    line: comment.line,
    original_line: comment.line,
    side: comment.side,
    subject_type: 'line',
  }
}

/** The review as the API shows it: the submitted comments are not part. */
function publicReview(review: Json): Json {
  const { comments: _submitted, ...shown } = review
  return shown
}

/**
 * GET /user: the token's own user. An installation token, as the workflow
 * token is, has no user and GitHub refuses the request.
 */
export function getAuthenticatedUser(context: RouteContext): Reply {
  if (context.login.endsWith('[bot]')) {
    return failure(403, 'Resource not accessible by integration', context.docs)
  }
  return json(userFor(context.login))
}

/** The user a token acts as; bots are typed so clients can skip them. */
function userFor(login: string): Json {
  return {
    login,
    id: login === ACTIONS_LOGIN ? 41_898_282 : stableId(login),
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false,
  }
}

function loginOf(record: Json): unknown {
  const user = record['user']
  return isRecord(user) ? user['login'] : undefined
}

function stableId(login: string): number {
  let hash = 7
  for (const char of login) hash = (hash * 31 + char.charCodeAt(0)) % 1e8
  return hash
}

function nodeId(prefix: string, id: unknown): string {
  return `${prefix}_${Buffer.from(`emulator:${String(id)}`).toString('base64')}`
}

/** GitHub's timestamps have no milliseconds. */
function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function repoUrl(state: PullState, apiBase: string): string {
  return `${apiBase}/repos/${state.owner}/${state.repo}`
}

function pullUrl(state: PullState, apiBase: string): string {
  return `${repoUrl(state, apiBase)}/pulls/${state.number}`
}

function pullHtmlUrl(state: PullState): string {
  const html = state.pull['html_url']
  if (typeof html === 'string') return html
  return `https://github.com/${state.owner}/${state.repo}/pull/${state.number}`
}
