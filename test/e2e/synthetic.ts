/**
 * End-to-end runs of small pull requests written in a test: the GitHub
 * emulator serves the files, a DeepSeek and an OpenAI emulator answer with
 * the findings the test scripts, and the bundled action runs between them.
 */
import {
  startGitHubEmulator,
  type GitHubEmulator,
  type GitHubEmulatorOptions,
  type GitHubFile,
  type SubmittedComment,
} from '../emulators/github'
import {
  startLlmEmulator,
  type LlmEmulator,
  type Responder,
} from '../emulators/llm'
import { runAction, type ActionRun } from './harness'
import { scriptedReviewer, type ScriptedFinding } from './reviewer'

export const HEAD_SHA = '4444444444444444444444444444444444444444'
export const BASE_SHA = '3333333333333333333333333333333333333333'

export interface SyntheticPr {
  readonly files: GitHubFile[]
  /** The model's findings; may be partial, as models write them. */
  readonly findings?: Array<
    Partial<ScriptedFinding> & { path: string; line: number; body: string }
  >
  /** Answers instead of the scripted findings, e.g. with unusable replies. */
  readonly respond?: Responder
  readonly title?: string
  readonly body?: string
  /** The event's `changed_files`; by default, how many files there are. */
  readonly changedFiles?: number
  readonly private?: boolean
  /** The event's visibility; null leaves both `private` and `visibility` out. */
  readonly visibility?: 'public' | 'private' | 'internal' | null
  readonly inputs?: Record<string, string>
  /** Text files of the base revision, e.g. the guidelines file. */
  readonly baseContents?: Record<string, string>
  /** Text files of the head revision. */
  readonly headContents?: Record<string, string>
  readonly eventName?: string
  /** The event's action and the pull request's draft flag. */
  readonly action?: string
  readonly draft?: boolean
  /** Which API the self-hosted emulator speaks; vLLM-like by default. */
  readonly selfHostedFlavour?: 'self-hosted' | 'openai'
  /** `self-hosted-url` from the emulator's URL, e.g. without its /v1. */
  readonly selfHostedUrl?: (url: string) => string
  /** A path prefix of GITHUB_API_URL, e.g. /api/v3 for Enterprise Server. */
  readonly apiPath?: string
  readonly githubOptions?: GitHubEmulatorOptions
  /** Extra environment of the runner, e.g. GITHUB_WORKSPACE. */
  readonly env?: Record<string, string>
  /** Runs before the action starts, e.g. to inject faults. */
  readonly beforeRun?: (
    github: GitHubEmulator,
    deepseek: LlmEmulator,
    openai: LlmEmulator,
    selfHosted: LlmEmulator,
  ) => void
}

export interface SyntheticRun {
  readonly run: ActionRun
  readonly github: GitHubEmulator
  readonly deepseek: LlmEmulator
  readonly openai: LlmEmulator
  /** A vLLM-like server that needs no key. */
  readonly selfHosted: LlmEmulator
  /** The one review posted, as the emulator stored it. */
  readonly review?: { body: string; comments: SubmittedComment[] }
  close(): Promise<void>
}

export function pullRequestEvent(
  pr: Pick<
    SyntheticPr,
    | 'title'
    | 'body'
    | 'private'
    | 'visibility'
    | 'action'
    | 'draft'
    | 'changedFiles'
  >,
) {
  const visibility =
    pr.visibility === undefined
      ? pr.private
        ? 'private'
        : 'public'
      : pr.visibility
  const repository =
    visibility === null
      ? { full_name: 'octo-org/sample-repo' }
      : {
          full_name: 'octo-org/sample-repo',
          private: visibility !== 'public',
          visibility,
        }
  return {
    action: pr.action ?? 'opened',
    number: 57,
    repository,
    pull_request: {
      number: 57,
      title: pr.title ?? 'Sample change',
      body: pr.body ?? null,
      draft: pr.draft ?? false,
      user: { login: 'octocat', type: 'User' },
      head: { sha: HEAD_SHA, ref: 'feature', repo: repository },
      base: { sha: BASE_SHA, ref: 'main', repo: repository },
      ...(pr.changedFiles !== undefined
        ? { changed_files: pr.changedFiles }
        : {}),
    },
  }
}

export async function reviewSynthetic(pr: SyntheticPr): Promise<SyntheticRun> {
  const event = pullRequestEvent({
    ...pr,
    changedFiles: pr.changedFiles ?? pr.files.length,
  })
  const respond =
    pr.respond ??
    scriptedReviewer(() =>
      (pr.findings ?? []).map((finding) => ({ severity: 'minor', ...finding })),
    )
  const github = await startGitHubEmulator(pr.githubOptions)
  const deepseek = await startLlmEmulator({ flavour: 'deepseek', respond })
  const openai = await startLlmEmulator({ flavour: 'openai', respond })
  const selfHosted = await startLlmEmulator({
    flavour: pr.selfHostedFlavour ?? 'self-hosted',
    apiKey: null,
    respond,
  })
  github.addPullRequest({
    owner: 'octo-org',
    repo: 'sample-repo',
    number: 57,
    files: pr.files,
    pull: event.pull_request,
    repository: event.repository,
    contents: {
      [BASE_SHA]: pr.baseContents ?? {},
      [HEAD_SHA]: pr.headContents ?? {},
    },
  })

  pr.beforeRun?.(github, deepseek, openai, selfHosted)
  const run = await runAction({
    event,
    ...(pr.eventName ? { eventName: pr.eventName } : {}),
    ...(pr.env ? { env: pr.env } : {}),
    apiUrl: `${github.url}${pr.apiPath ?? ''}`,
    inputs: {
      'deepseek-api-key': 'test-key',
      'deepseek-base-url': deepseek.url,
      'openai-api-key': 'test-key',
      'openai-base-url': openai.url,
      'self-hosted-url': pr.selfHostedUrl?.(selfHosted.url) ?? selfHosted.url,
      'self-hosted-model': 'qwen3-coder',
      ...pr.inputs,
    },
  })
  const stored = github.reviews[0]
  return {
    run,
    github,
    deepseek,
    openai,
    selfHosted,
    ...(stored
      ? {
          review: {
            body: String(stored.body),
            comments: (stored.comments ?? []) as SubmittedComment[],
          },
        }
      : {}),
    close: async () => {
      await Promise.all([
        github.close(),
        deepseek.close(),
        openai.close(),
        selfHosted.close(),
      ])
    },
  }
}
