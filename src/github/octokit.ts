/**
 * The one place the GitHub client is assembled: REST methods and pagination
 * from @actions/github (which also honours the runner's proxy settings),
 * plus retries, GitHub's primary and secondary rate limits, and time
 * limits, so that a request GitHub never answers cannot hold the job.
 */
import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { defaults } from '@actions/github/lib/utils'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { timeLimit } from '../time-limit'

// Retrying cannot fix these: the request itself, or its token, is wrong.
const NEVER_RETRIED = [400, 401, 403, 404, 410, 422, 451]

// Rate-limit waits above this would outlast a typical job; fail instead.
const MAX_WAIT_SECONDS = 120

/** The client type: REST methods and pagination. */
export type Octokit = ReturnType<typeof getOctokit>

export interface TimeLimits {
  /** How long one attempt may wait for GitHub's answer, in milliseconds. */
  readonly requestTimeoutMs?: number
  /** When, in epoch milliseconds, every request gives up. */
  readonly until?: () => number
  /** The unit of the waits between retries: 1, 4, then 9 of them. */
  readonly retryUnitMs?: number
}

// GitHub answers API requests within seconds, and itself gives up on a
// request after ten; a minute is room for a slow network.
const REQUEST_TIMEOUT_MS = 60_000

/** Builds the client for the REST API at `baseUrl` (GITHUB_API_URL). */
export function createOctokit(
  token: string,
  baseUrl: string,
  limits: TimeLimits = {},
): Octokit {
  const timeout = limits.requestTimeoutMs ?? REQUEST_TIMEOUT_MS
  // The runner's proxy-aware fetch, given a time limit per attempt: a
  // retry starts with a fresh one, the run's deadline stays.
  const proxyFetch = (defaults.request?.fetch ?? fetch) as typeof fetch
  const limitedFetch: typeof fetch = (url, init) => {
    const left = limits.until ? limits.until() - Date.now() : Infinity
    // Not stopped when the headers arrive, since Octokit reads the body
    // after; unreferenced, so that it never holds the job open.
    const limit = timeLimit(
      Math.max(0, Math.min(timeout, left)),
      init?.signal ?? undefined,
    )
    limit.unref()
    return proxyFetch(url, { ...init, signal: limit.signal })
  }
  return getOctokit(
    token,
    {
      baseUrl,
      // Replacing `request` drops the runner's defaults; keep its agent.
      request: { ...defaults.request, fetch: limitedFetch },
      retry: {
        doNotRetry: NEVER_RETRIED,
        retryAfterBaseValue: limits.retryUnitMs ?? 1000,
      },
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
