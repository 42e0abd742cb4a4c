/**
 * Reading the pull request through the REST API: its files (paginated, not
 * the diff media type, which GitHub refuses for large pull requests), the
 * guidelines file at the base revision, and, when the event does not say,
 * the repository's visibility. No checkout is needed.
 */
import type { PatchSource } from '../diff/parse'
import type { PullRequestInfo, Visibility } from '../settings'
import type { Octokit } from './octokit'

export interface RepoRef {
  readonly owner: string
  readonly name: string
}

/** GitHub lists at most this many files of a pull request. */
export const MAX_LISTED_FILES = 3000

/** Every file of the pull request, with its patch where GitHub sends one. */
export async function listFiles(
  octokit: Octokit,
  repo: RepoRef,
  number: number,
): Promise<PatchSource[]> {
  return octokit.paginate(octokit.rest.pulls.listFiles, {
    owner: repo.owner,
    repo: repo.name,
    pull_number: number,
    per_page: 100,
  })
}

/**
 * The guidelines file as it is at `ref`, the base revision: a pull request
 * must not be able to rewrite the rules it is reviewed by. Null when the
 * file does not exist.
 */
export async function readGuidelines(
  octokit: Octokit,
  repo: RepoRef,
  path: string,
  ref: string,
  label = 'Input `guidelines-file`',
): Promise<string | null> {
  return readFileAt(octokit, repo, path, ref, `${label} is`)
}

/** Where a repository keeps this action's settings. */
export const CONFIG_PATH = '.github/cost-aware-review.yml'

/** The repository config at `ref`, the base revision; null when absent. */
export async function readRepositoryConfig(
  octokit: Octokit,
  repo: RepoRef,
  ref: string,
): Promise<string | null> {
  return readFileAt(octokit, repo, CONFIG_PATH, ref, 'The repository config is')
}

async function readFileAt(
  octokit: Octokit,
  repo: RepoRef,
  path: string,
  ref: string,
  what: string,
): Promise<string | null> {
  try {
    const response = await octokit.rest.repos.getContent({
      owner: repo.owner,
      repo: repo.name,
      path,
      ref,
      mediaType: { format: 'raw' },
    })
    // With the raw media type the body is the file's text.
    const data: unknown = response.data
    if (typeof data === 'string') return data
    throw new Error(
      `${what} "${path}", which is not a file at ${ref.slice(0, 7)}; ` +
        'name a text file.',
    )
  } catch (error) {
    if (statusOf(error) === 404) return null
    throw error
  }
}

/** The repository's visibility from the API; undefined when it fails. */
export async function readVisibility(
  octokit: Octokit,
  repo: RepoRef,
): Promise<Visibility | undefined> {
  const { data } = await octokit.rest.repos.get({
    owner: repo.owner,
    repo: repo.name,
  })
  if (
    data.visibility === 'public' ||
    data.visibility === 'private' ||
    data.visibility === 'internal'
  ) {
    return data.visibility
  }
  // Anything but an explicit `private: false` counts as private.
  return (data.private as boolean | undefined) === false ? 'public' : 'private'
}

/** The HTTP status of an Octokit error, if it has one. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const status = (error as { status?: unknown }).status
  return typeof status === 'number' ? status : undefined
}

export interface Comparison {
  /** "ahead" when `base` is an ancestor of `head`. */
  readonly status: string
  readonly files: PatchSource[]
}

/**
 * Compares two commits; undefined when GitHub no longer knows `base`, as
 * after a force-push that dropped it.
 */
export async function compareCommits(
  octokit: Octokit,
  repo: RepoRef,
  base: string,
  head: string,
): Promise<Comparison | undefined> {
  try {
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
      owner: repo.owner,
      repo: repo.name,
      basehead: `${base}...${head}`,
    })
    return { status: data.status, files: data.files ?? [] }
  } catch (error) {
    if (statusOf(error) === 404) return undefined
    throw error
  }
}

/**
 * The pull request's details from the API, for the local CLI, whose event
 * names only its number.
 */
export async function fetchPullRequest(
  octokit: Octokit,
  repo: RepoRef,
  number: number,
): Promise<PullRequestInfo> {
  const { data } = await octokit.rest.pulls.get({
    owner: repo.owner,
    repo: repo.name,
    pull_number: number,
  })
  const headRepo = data.head.repo as { full_name: string } | null
  return {
    number,
    title: data.title,
    body: data.body ?? '',
    draft: data.draft === true,
    headSha: data.head.sha,
    baseSha: data.base.sha,
    // The head repository is gone when a fork was deleted.
    ...(headRepo ? { headRepo: headRepo.full_name } : {}),
    author: data.user.login,
    authorIsBot: data.user.type === 'Bot',
    labels: data.labels.map((label) => label.name),
    changedFiles: data.changed_files,
  }
}
