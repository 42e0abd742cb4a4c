// The emulator's memory: repositories, their pull requests, and everything
// clients have posted. Owner and repository names are matched without case,
// as GitHub does.

import { isRecord } from './github-http'
import type { GitHubFile, PullRequestSetup } from './github-types'

type Json = Record<string, unknown>

export interface PullState {
  owner: string
  repo: string
  number: number
  /** The served pull request; its `head.sha` follows setHead(). */
  pull: Json
  headSha: string
  baseSha: string
  files: GitHubFile[]
  /** The files at every head the pull request has had. */
  filesByHead: Map<string, GitHubFile[]>
  reviews: Json[]
  reviewComments: Json[]
  issueComments: Json[]
}

export interface RepoState {
  owner: string
  repo: string
  repository: Json | null
  /** ref → path → text */
  contents: Map<string, Map<string, string>>
  defaultRef: string | undefined
  /** sha → parent shas */
  parents: Map<string, string[]>
  compareFiles: Map<string, GitHubFile[]>
  pulls: Map<number, PullState>
}

export interface Store {
  readonly reviews: Json[]
  readonly reviewComments: Json[]
  readonly issueComments: Json[]
  addPullRequest(setup: PullRequestSetup): void
  setHead(
    owner: string,
    repo: string,
    number: number,
    sha: string,
    files: GitHubFile[],
  ): void
  findRepo(owner: string, repo: string): RepoState | undefined
  findPull(owner: string, repo: string, number: number): PullState | undefined
  /** Ids are unique across reviews and comments, which keeps logs clear. */
  nextId(): number
}

export function createStore(): Store {
  const repos = new Map<string, RepoState>()
  const reviews: Json[] = []
  const reviewComments: Json[] = []
  const issueComments: Json[] = []
  let lastId = 1_000

  function findRepo(owner: string, repo: string): RepoState | undefined {
    return repos.get(repoKey(owner, repo))
  }

  function findPull(
    owner: string,
    repo: string,
    number: number,
  ): PullState | undefined {
    return findRepo(owner, repo)?.pulls.get(number)
  }

  function addPullRequest(setup: PullRequestSetup): void {
    const pull = structuredClone(setup.pull)
    const headSha = readSha(pull, 'head', setup)
    const baseSha = readSha(pull, 'base', setup)
    const repo = upsertRepo(repos, setup)
    const previous = repo.pulls.get(setup.number)
    const files = [...setup.files]
    const filesByHead = new Map<string, GitHubFile[]>()
    for (const sha of setup.knownHeads ?? []) filesByHead.set(sha, files)
    filesByHead.set(headSha, files)

    // Re-adding a pull request reconfigures it; what was posted stays.
    repo.pulls.set(setup.number, {
      owner: setup.owner,
      repo: setup.repo,
      number: setup.number,
      pull,
      headSha,
      baseSha,
      files,
      filesByHead,
      reviews: previous?.reviews ?? [],
      reviewComments: previous?.reviewComments ?? [],
      issueComments: previous?.issueComments ?? [],
    })
  }

  function setHead(
    owner: string,
    repo: string,
    number: number,
    sha: string,
    files: GitHubFile[],
  ): void {
    const repoState = findRepo(owner, repo)
    const state = repoState?.pulls.get(number)
    if (repoState === undefined || state === undefined) {
      throw new Error(
        `setHead: no pull request ${owner}/${repo}#${number}; ` +
          'call addPullRequest() first',
      )
    }

    // The pushed commit sits on top of the old head, so compare can reach it.
    if (!repoState.parents.has(sha)) {
      repoState.parents.set(sha, [state.headSha])
    }
    state.headSha = sha
    state.files = [...files]
    state.filesByHead.set(sha, state.files)
    updatePullTotals(state)
  }

  return {
    reviews,
    reviewComments,
    issueComments,
    addPullRequest,
    setHead,
    findRepo,
    findPull,
    nextId: () => ++lastId,
  }
}

function repoKey(owner: string, repo: string): string {
  return `${owner}/${repo}`.toLowerCase()
}

/** Creates the repository on first sight, then merges each setup into it. */
function upsertRepo(
  repos: Map<string, RepoState>,
  setup: PullRequestSetup,
): RepoState {
  const key = repoKey(setup.owner, setup.repo)
  const repo: RepoState = repos.get(key) ?? {
    owner: setup.owner,
    repo: setup.repo,
    repository: defaultRepository(setup),
    contents: new Map(),
    defaultRef: undefined,
    parents: new Map(),
    compareFiles: new Map(),
    pulls: new Map(),
  }
  repos.set(key, repo)

  if (setup.repository !== undefined) repo.repository = setup.repository
  if (setup.defaultRef !== undefined) repo.defaultRef = setup.defaultRef
  for (const [ref, files] of Object.entries(setup.contents ?? {})) {
    const known = repo.contents.get(ref) ?? new Map<string, string>()
    for (const [path, text] of Object.entries(files)) known.set(path, text)
    repo.contents.set(ref, known)
  }
  for (const commit of setup.commits ?? []) {
    repo.parents.set(commit.sha, [...commit.parents])
  }
  for (const [range, files] of Object.entries(setup.compareFiles ?? {})) {
    repo.compareFiles.set(range, files)
  }
  return repo
}

/** Without a configured repository, serve the one the pull's base names. */
function defaultRepository(setup: PullRequestSetup): Json {
  const base = setup.pull['base']
  const baseRepo = isRecord(base) ? base['repo'] : undefined
  if (isRecord(baseRepo)) return structuredClone(baseRepo)
  return {
    name: setup.repo,
    full_name: `${setup.owner}/${setup.repo}`,
    owner: { login: setup.owner },
    private: false,
    default_branch: 'main',
  }
}

function readSha(
  pull: Json,
  end: 'head' | 'base',
  setup: PullRequestSetup,
): string {
  const branch = pull[end]
  const sha = isRecord(branch) ? branch['sha'] : undefined
  if (typeof sha !== 'string' || sha === '') {
    throw new Error(
      `addPullRequest: ${setup.owner}/${setup.repo}#${setup.number} ` +
        `has no ${end}.sha in its pull object; GitHub always sends one`,
    )
  }
  return sha
}

// A push changes what GET pulls/{n} reports, not only the files list.
function updatePullTotals(state: PullState): void {
  const head = state.pull['head']
  if (isRecord(head)) head['sha'] = state.headSha
  state.pull['changed_files'] = state.files.length
  state.pull['additions'] = sum(state.files, (file) => file.additions)
  state.pull['deletions'] = sum(state.files, (file) => file.deletions)
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0)
}
