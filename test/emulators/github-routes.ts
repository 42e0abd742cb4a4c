// The REST routes the emulator knows, each with the documentation link
// GitHub puts in its error bodies. Anything else answers 404.

import type { RouteContext } from './github-context'
import type { Reply } from './github-http'
import {
  getAuthenticatedUser,
  createIssueComment,
  createReview,
  getPull,
  listFiles,
  listIssueComments,
  listReviewComments,
  listReviews,
  updateIssueComment,
  updateReview,
} from './github-pulls'
import { compare, getContents, getRepository } from './github-repos'

export interface Route {
  method: string
  pattern: RegExp
  docs: string
  /** Writes need `pull-requests: write` (or `issues: write`). */
  write: boolean
  handle(context: RouteContext): Reply
}

export const ROUTES: readonly Route[] = [
  route(
    'GET',
    '/user',
    getAuthenticatedUser,
    'users/users#get-the-authenticated-user',
  ),
  route(
    'GET',
    '/repos/:owner/:repo',
    getRepository,
    'repos/repos#get-a-repository',
  ),
  route(
    'GET',
    '/repos/:owner/:repo/pulls/:number',
    getPull,
    'pulls/pulls#get-a-pull-request',
  ),
  route(
    'GET',
    '/repos/:owner/:repo/pulls/:number/files',
    listFiles,
    'pulls/pulls#list-pull-requests-files',
  ),
  route(
    'GET',
    '/repos/:owner/:repo/pulls/:number/reviews',
    listReviews,
    'pulls/reviews#list-reviews-for-a-pull-request',
  ),
  route(
    'POST',
    '/repos/:owner/:repo/pulls/:number/reviews',
    createReview,
    'pulls/reviews#create-a-review-for-a-pull-request',
  ),
  route(
    'PUT',
    '/repos/:owner/:repo/pulls/:number/reviews/:id',
    updateReview,
    'pulls/reviews#update-a-review-for-a-pull-request',
  ),
  route(
    'GET',
    '/repos/:owner/:repo/pulls/:number/comments',
    listReviewComments,
    'pulls/comments#list-review-comments-on-a-pull-request',
  ),
  route(
    'GET',
    '/repos/:owner/:repo/issues/:number/comments',
    listIssueComments,
    'issues/comments#list-issue-comments',
  ),
  route(
    'POST',
    '/repos/:owner/:repo/issues/:number/comments',
    createIssueComment,
    'issues/comments#create-an-issue-comment',
  ),
  route(
    'PATCH',
    '/repos/:owner/:repo/issues/comments/:id',
    updateIssueComment,
    'issues/comments#update-an-issue-comment',
  ),
  route(
    'GET',
    '/repos/:owner/:repo/contents/*path',
    getContents,
    'repos/contents#get-repository-content',
  ),
  route(
    'GET',
    '/repos/:owner/:repo/compare/*basehead',
    compare,
    'commits/commits#compare-two-commits',
  ),
]

/**
 * Builds a route from a template: `:name` matches one path segment (and
 * `:number`/`:id` only digits), `*name` the rest of the path.
 */
function route(
  method: string,
  template: string,
  handle: (context: RouteContext) => Reply,
  docsAnchor: string,
): Route {
  const source = template
    .replace(/:(number|id)\b/g, '(?<$1>\\d+)')
    .replace(/:(\w+)/g, '(?<$1>[^/]+)')
    .replace(/\*(\w+)/g, '(?<$1>.*)')
  return {
    method,
    pattern: new RegExp(`^${source}$`),
    docs: `https://docs.github.com/rest/${docsAnchor}`,
    write: method !== 'GET',
    handle,
  }
}

/** The route for a request, with its parameters percent-decoded. */
export function matchRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const candidate of ROUTES) {
    if (candidate.method !== method) continue
    const match = candidate.pattern.exec(path)
    if (match === null) continue
    // A route without parameters, such as /user, has no groups at all.
    const params = decodeParams(match.groups ?? {})
    return params && { route: candidate, params }
  }
  return undefined
}

function decodeParams(
  groups: Record<string, string>,
): Record<string, string> | undefined {
  try {
    return Object.fromEntries(
      Object.entries(groups).map(([name, value]) => [
        name,
        decodeURIComponent(value),
      ]),
    )
  } catch {
    // A malformed %-escape names nothing GitHub could find.
    return undefined
  }
}
