/**
 * GitHub failures in words that say what the action was doing and what to
 * check. Octokit's own messages ("Not Found", "Bad credentials") name
 * neither.
 */
import { statusOf } from './pull-request'

/** Runs a GitHub read, turning its failure into a message that helps. */
export async function readingGitHub<T>(
  doing: string,
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read()
  } catch (error) {
    throw githubFailure(error, doing)
  }
}

export function githubFailure(error: unknown, doing: string): Error {
  if (timedOut(error)) {
    return new Error(
      `GitHub did not answer in time while ${doing}. Re-run the job; if ` +
        'it persists, see githubstatus.com, or raise `run-timeout-minutes` ' +
        'if the run reached it.',
      { cause: error },
    )
  }
  // Octokit reports a request that never got an answer as a 500.
  const status = unreachable(error) ? undefined : statusOf(error)
  const message = error instanceof Error ? error.message : String(error)
  return new Error(
    `GitHub failed while ${doing} (${status ?? 'no answer'}: ${message}). ` +
      hint(status),
    { cause: error },
  )
}

/** A request given up by its time limit, after Octokit's retries. */
export function timedOut(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause.name === 'TimeoutError') return true
  }
  return false
}

/** A request that reached no server: refused, unresolved, cut off. */
export function unreachable(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause.name === 'TypeError' && cause.message === 'fetch failed') {
      return true
    }
  }
  return false
}

function hint(status: number | undefined): string {
  switch (status) {
    case undefined:
      return (
        'Check that the GitHub API is reachable from here (GITHUB_API_URL, ' +
        'proxy settings).'
      )
    case 401:
      return (
        'The token was rejected: check `github-token` (GITHUB_TOKEN for the ' +
        'local CLI).'
      )
    case 403:
      return (
        'The token lacks a permission (the job needs `contents: read` and ' +
        '`pull-requests: write`), or a rate limit was hit.'
      )
    case 404:
      return (
        'Check that the repository and pull request exist and that the ' +
        'token can read them.'
      )
    default:
      return 'Re-run the job; if it persists, see githubstatus.com.'
  }
}
