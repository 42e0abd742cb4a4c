/**
 * The one place the GitHub client is assembled: REST methods and pagination
 * from @actions/github (which also honours the runner's proxy settings),
 * plus retries and GitHub's primary and secondary rate limits.
 */
import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'

// Retrying cannot fix these: the request itself, or its token, is wrong.
const NEVER_RETRIED = [400, 401, 403, 404, 410, 422, 451]

// Rate-limit waits above this would outlast a typical job; fail instead.
const MAX_WAIT_SECONDS = 120

/** The client type: REST methods and pagination. */
export type Octokit = ReturnType<typeof getOctokit>

/** Builds the client for the REST API at `baseUrl` (GITHUB_API_URL). */
export function createOctokit(token: string, baseUrl: string): Octokit {
  return getOctokit(
    token,
    {
      baseUrl,
      retry: { doNotRetry: NEVER_RETRIED },
      throttle: {
        onRateLimit: (retryAfter, options, _octokit, retryCount) =>
          waitOrGiveUp('rate limit', retryAfter, options, retryCount),
        onSecondaryRateLimit: (retryAfter, options, _octokit, retryCount) =>
          waitOrGiveUp('secondary rate limit', retryAfter, options, retryCount),
      },
    },
    retry,
    throttling,
  )
}

function waitOrGiveUp(
  limit: string,
  retryAfter: number,
  options: { method?: string; url?: string },
  retryCount: number,
): boolean {
  const request = `${options.method ?? ''} ${options.url ?? ''}`.trim()
  if (retryCount < 2 && retryAfter <= MAX_WAIT_SECONDS) {
    core.warning(
      `GitHub's ${limit} was hit on ${request}; retrying in ${retryAfter} s.`,
    )
    return true
  }
  core.warning(`GitHub's ${limit} was hit on ${request}; giving up.`)
  return false
}
