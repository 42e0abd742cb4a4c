// The public shapes of the GitHub emulator. The end-to-end suites import these
// through `./github`, so a change here is a change to their contract.

/** One entry of GitHub's "List pull request files" response. */
export interface GitHubFile {
  filename: string
  status: string
  additions: number
  deletions: number
  changes: number
  /** Absent for binary files, pure renames and very large diffs. */
  patch?: string
  previous_filename?: string
  sha?: string
  blob_url?: string
  raw_url?: string
  contents_url?: string
}

/** Everything the emulator needs to serve one pull request. */
export interface PullRequestSetup {
  owner: string
  repo: string
  number: number
  files: GitHubFile[]
  /** Served at GET pulls/{n}; must contain `head.sha` and `base.sha`. */
  pull: Record<string, unknown>
  /** Served at GET /repos/{o}/{r}; `null` answers 404. */
  repository?: Record<string, unknown> | null
  /** File text by ref, then by path. */
  contents?: Record<string, Record<string, string>>
  /** The ref read when a contents request has no `?ref`. */
  defaultRef?: string
  /** The commit graph the compare endpoint walks. */
  commits?: Array<{ sha: string; parents: string[] }>
  /** Files answered by compare, keyed `${base}...${head}`. */
  compareFiles?: Record<string, GitHubFile[]>
  /** Earlier head shas still accepted as a review's `commit_id`. */
  knownHeads?: string[]
}

/**
 * One comment of a stored review, as the client submitted it. The emulator
 * stores a review only when every comment has these fields, so they can be
 * read without checks.
 */
export interface SubmittedComment {
  path: string
  body: string
  line: number
  /** Absent means RIGHT. */
  side?: 'LEFT' | 'RIGHT'
  start_line?: number | null
  start_side?: 'LEFT' | 'RIGHT' | null
}

/** One request the emulator received, with the status it answered. */
export interface RecordedRequest {
  method: string
  /** The pathname as received, including any `/api/v3` prefix. */
  path: string
  query: Record<string, string>
  /** Lower-cased names; repeated headers are joined with ", ". */
  headers: Record<string, string>
  /** Parsed JSON, the raw text when it was not JSON, or undefined. */
  body: unknown
  /** 0 while the request is still unanswered (delayed or hanging). */
  status: number
  at: number
}

/** A scripted misbehaviour for requests that match. */
export interface FaultSpec {
  /** Default: any method. */
  method?: string
  /** Matched against the pathname without the `/api/v3` prefix. */
  path: RegExp
  /** How many matching requests it affects. Default 1. */
  times?: number
  /** Answer with this status instead of the normal answer. */
  status?: number
  /** Added to the answer, faulty or normal. */
  headers?: Record<string, string>
  /** Body of the faulty answer; a string is sent as text. */
  body?: unknown
  /** Wait before answering (then the fault or the normal answer). */
  delayMs?: number
  /** Never answer; the connection is dropped by close(). */
  hang?: boolean
}

export interface GitHubEmulator {
  /** http://127.0.0.1:PORT, usable as GITHUB_API_URL. */
  readonly url: string
  readonly requests: RecordedRequest[]
  /** Accepted reviews, each with the `comments` array as submitted. */
  readonly reviews: Array<Record<string, unknown>>
  readonly reviewComments: Array<Record<string, unknown>>
  readonly issueComments: Array<Record<string, unknown>>
  /** Every 4xx/5xx answered to a write (any method but GET and HEAD). */
  readonly rejections: Array<{
    status: number
    body: unknown
    request: RecordedRequest
  }>
  /** Adds a pull request, or replaces one with the same number. */
  addPullRequest(setup: PullRequestSetup): void
  inject(fault: FaultSpec): void
  /** Simulates a push: the old head stays acceptable as a commit_id. */
  setHead(
    owner: string,
    repo: string,
    number: number,
    sha: string,
    files: GitHubFile[],
  ): void
  /** Stops the server and drops open connections, hanging ones included. */
  close(): Promise<void>
}

export interface GitHubEmulatorOptions {
  /** Accepted tokens. Default: any non-empty token. */
  tokens?: string[]
  /** Tokens without `pull-requests: write`: every write answers 403. */
  readOnlyTokens?: string[]
  /** Token → login of the user it acts as. */
  logins?: Record<string, string>
  /** Send x-ratelimit-* headers. GHES with rate limiting off omits them. */
  rateLimitHeaders?: boolean
}
