/**
 * Settings: the only module that reads the action's inputs, the runner's
 * environment and the event payload. It validates everything up front and
 * returns one frozen value; an error names the input, the bad value and
 * what would be valid.
 */
import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import type { ModelPrice } from './cost/prices'
import { SEVERITIES, type Severity } from './findings'
import { PROVIDERS, type ProviderName } from './llm/providers'
import { MIN_KEY_LENGTH } from './redact'
import type { RepositoryConfig } from './repo-config'

export type Visibility = 'public' | 'private' | 'internal'

export interface PullRequestInfo {
  readonly number: number
  readonly title: string
  /** The description; empty when the author wrote none. */
  readonly body: string
  readonly draft: boolean
  readonly headSha: string
  readonly baseSha: string
  /** `owner/name` of the repository the head branch lives in. */
  readonly headRepo?: string
  readonly author: string
  /** True when GitHub marks the author as a bot (Dependabot, Renovate, ...). */
  readonly authorIsBot: boolean
  readonly labels: readonly string[]
  /** How many files GitHub says the pull request changes, when it says. */
  readonly changedFiles?: number
}

export interface RepositoryInfo {
  readonly owner: string
  readonly name: string
  /** Undefined when the payload does not say. */
  readonly visibility?: Visibility
  /** Which payload field gave the visibility. */
  readonly visibilitySource?: string
}

export interface EventInfo {
  /** `GITHUB_EVENT_NAME`, e.g. `pull_request`. */
  readonly name: string
  readonly action?: string
  readonly pullRequest?: PullRequestInfo
  readonly repository: RepositoryInfo
}

export interface ProviderSettings {
  readonly apiKey?: string
  readonly baseUrl?: string
  readonly model?: string
}

export interface Settings {
  /** Token for the GitHub REST API. */
  readonly githubToken: string
  /** The REST API base, `GITHUB_API_URL` (GitHub Enterprise Server too). */
  readonly apiUrl: string
  /** The web base, `GITHUB_SERVER_URL`, for links. */
  readonly serverUrl: string
  /** Provider for public repositories. */
  readonly publicProvider: ProviderName
  /** Provider for private, internal and unknown-visibility repositories. */
  readonly privateProvider: ProviderName
  /** The user's explicit consent to send private code to DeepSeek's API. */
  readonly allowPublicApiForPrivateCode: boolean
  /**
   * Provider for calls that fail on the chosen one, within the same privacy
   * class; undefined means no fallback.
   */
  readonly fallbackProvider?: ProviderName
  /** Globs of risky files reviewed by `escalationModel`. */
  readonly escalatePaths: readonly string[]
  /** Files with at least this many changed lines are escalated too. */
  readonly escalateMinChanges?: number
  /** The stronger model of the route's provider for escalated files. */
  readonly escalationModel?: string
  /** Globs of files that never go to a public provider. */
  readonly sensitivePaths: readonly string[]
  /** Let DeepSeek think before answering (bills reasoning tokens). */
  readonly deepseekThinking: boolean
  readonly deepseek: Required<Pick<ProviderSettings, 'baseUrl' | 'model'>> &
    ProviderSettings
  readonly openai: Required<Pick<ProviderSettings, 'baseUrl' | 'model'>> &
    ProviderSettings
  readonly selfHosted: ProviderSettings
  /** Globs of files to review; empty means every file. */
  readonly include: readonly string[]
  /** Globs of files never to review. */
  readonly exclude: readonly string[]
  /** Path of the guidelines file, read from the base revision. */
  readonly guidelinesFile: string
  /**
   * How a message names each input: "Input `fail-on`", or "`fail-on` in
   * .github/cost-aware-review.yml" for a value the repository config set.
   */
  readonly labels: Readonly<Record<InputName, string>>
  /** The most a run may spend, in US dollars; undefined means no limit. */
  readonly maxCostUsd?: number
  /** Prices that add to or replace the built-in table. */
  readonly pricing: Readonly<Record<string, ModelPrice>>
  /** Review, but print the review instead of posting it. */
  readonly dryRun: boolean
  /** `estimate` prices the review on every configured route, calling no model. */
  readonly mode: 'review' | 'estimate'
  /** Review a head an earlier run already reviewed, instead of skipping it. */
  readonly reviewAgain: boolean
  /** Review draft pull requests too. */
  readonly reviewDrafts: boolean
  /** Review pull requests opened by bots too. */
  readonly reviewBots: boolean
  /** A label that skips the review; undefined when not set. */
  readonly skipLabel?: string
  /** The account this action posts as: only its reviews are history. */
  readonly reviewerLogin: string
  /** Fail the step when a finding is at least this severe. */
  readonly failOn: 'never' | Severity
  /** Deadline of the whole run, in milliseconds. */
  readonly runTimeoutMs: number
  /** The most prompt tokens one model call may send. */
  readonly maxPromptTokens: number
  /** Deadline of one model request, in milliseconds. */
  readonly requestTimeoutMs: number
  readonly event: EventInfo
  /**
   * The commit checked out in the workspace, if any: under
   * pull_request_target, the pull request's head there means untrusted
   * code runs with secrets.
   */
  readonly workspaceHead?: string
}

type Env = Readonly<Record<string, string | undefined>>

/**
 * Every input's default, as action.yml declares it (a test keeps the two
 * equal). The runner passes defaults as if the user had set them, so a
 * value equal to its default is one the repository config may replace.
 */
export const DEFAULTS = {
  'github-token': '',
  'deepseek-api-key': '',
  'openai-api-key': '',
  'self-hosted-url': '',
  'self-hosted-api-key': '',
  'self-hosted-model': '',
  'public-provider': 'deepseek',
  'private-provider': 'openai',
  'allow-public-api-for-private-code': 'false',
  'fallback-provider': '',
  'escalate-paths': '',
  'escalate-min-changes': '',
  'escalation-model': '',
  'sensitive-paths': '',
  'deepseek-model': 'deepseek-flash',
  'openai-model': 'gpt-5',
  'deepseek-base-url': 'https://api.deepseek.com',
  'openai-base-url': 'https://api.openai.com/v1',
  'deepseek-thinking': 'false',
  include: '',
  exclude: '',
  'guidelines-file': '.github/review-guidelines.md',
  'max-cost-usd': '',
  pricing: '',
  'max-prompt-tokens': '60000',
  'request-timeout-seconds': '300',
  'dry-run': 'false',
  'review-again': 'false',
  'review-drafts': 'false',
  'review-bots': 'false',
  'skip-label': '',
  'reviewer-login': 'github-actions[bot]',
  'fail-on': 'never',
  'run-timeout-minutes': '20',
  mode: 'review',
} as const

export type InputName = keyof typeof DEFAULTS

const NO_CONFIG: RepositoryConfig = { path: '', values: {} }

/** A value to validate, and how a message names where it was set. */
interface Field {
  readonly value: string
  /** E.g. "Input `fail-on`", or "`fail-on` in .github/cost-aware-review.yml". */
  readonly label: string
}

/**
 * Reads and validates every input and the event. Values of the repository
 * config apply where the workflow leaves an input at its default.
 */
export function readSettings(
  env: Env = process.env,
  config: RepositoryConfig = NO_CONFIG,
  payload?: unknown,
): Settings {
  const input = (name: InputName): Field => {
    const given = (env[`INPUT_${name.toUpperCase()}`] ?? '').trim()
    const fallback = DEFAULTS[name]
    const configured = config.values[name]
    // A message about a value from the file names the file: the workflow
    // never set it.
    if ((given === '' || given === fallback) && configured !== undefined) {
      return {
        value: configured.trim(),
        label: `\`${name}\` in ${config.path}`,
      }
    }
    return { value: given || fallback, label: `Input \`${name}\`` }
  }

  const secret = (name: InputName): string | undefined => {
    const value = (env[`INPUT_${name.toUpperCase()}`] ?? '').trim()
    if (value === '') return undefined
    if (value.length >= MIN_KEY_LENGTH) core.setSecret(value)
    return value
  }

  const githubToken = secret('github-token')
  if (!githubToken) {
    throw new Error(
      'Input `github-token` is empty. Leave it unset to use the workflow ' +
        'token, or pass a token with `pull-requests: write`.',
    )
  }

  const fallbackProvider = input('fallback-provider')
  const selfHostedUrl = input('self-hosted-url')
  const settings: Settings = {
    githubToken,
    apiUrl: url({
      value: env.GITHUB_API_URL || 'https://api.github.com',
      label: 'GITHUB_API_URL',
    }),
    serverUrl: url({
      value: env.GITHUB_SERVER_URL || 'https://github.com',
      label: 'GITHUB_SERVER_URL',
    }),
    publicProvider: choice(input('public-provider'), PROVIDERS),
    privateProvider: choice(input('private-provider'), PROVIDERS),
    allowPublicApiForPrivateCode: boolean(
      input('allow-public-api-for-private-code'),
    ),
    ...optional(
      'fallbackProvider',
      fallbackProvider.value ? choice(fallbackProvider, PROVIDERS) : undefined,
    ),
    escalatePaths: globs(input('escalate-paths')),
    ...optional(
      'escalateMinChanges',
      number(input('escalate-min-changes'), { min: 1, integer: true }),
    ),
    ...optional(
      'escalationModel',
      input('escalation-model').value || undefined,
    ),
    sensitivePaths: globs(input('sensitive-paths')),
    deepseekThinking: boolean(input('deepseek-thinking')),
    deepseek: {
      ...optional('apiKey', secret('deepseek-api-key')),
      baseUrl: url(input('deepseek-base-url')),
      model: input('deepseek-model').value,
    },
    openai: {
      ...optional('apiKey', secret('openai-api-key')),
      baseUrl: url(input('openai-base-url')),
      model: input('openai-model').value,
    },
    selfHosted: {
      ...optional('apiKey', secret('self-hosted-api-key')),
      ...optional(
        'baseUrl',
        selfHostedUrl.value ? url(selfHostedUrl) : undefined,
      ),
      ...optional('model', input('self-hosted-model').value || undefined),
    },
    include: globs(input('include')),
    exclude: globs(input('exclude')),
    guidelinesFile: input('guidelines-file').value,
    labels: Object.fromEntries(
      Object.keys(DEFAULTS).map((name) => [
        name,
        input(name as InputName).label,
      ]),
    ) as Record<InputName, string>,
    ...optional(
      'maxCostUsd',
      number(input('max-cost-usd'), { min: 0, exclusive: true }),
    ),
    pricing: pricing(input('pricing')),
    dryRun: boolean(input('dry-run')),
    mode: choice(input('mode'), ['review', 'estimate'] as const),
    reviewAgain: boolean(input('review-again')),
    reviewDrafts: boolean(input('review-drafts')),
    reviewBots: boolean(input('review-bots')),
    ...optional('skipLabel', input('skip-label').value || undefined),
    reviewerLogin: login(input('reviewer-login')),
    failOn: choice(input('fail-on'), ['never', ...SEVERITIES] as const),
    runTimeoutMs:
      60_000 *
      (number(input('run-timeout-minutes'), {
        min: 0,
        exclusive: true,
        // A job runs for at most six hours.
        max: 360,
      }) ?? 20),
    maxPromptTokens:
      number(input('max-prompt-tokens'), { min: 2000, integer: true }) ??
      60_000,
    requestTimeoutMs:
      1000 *
      (number(input('request-timeout-seconds'), {
        min: 0,
        exclusive: true,
        max: 3600,
      }) ?? 300),
    event: readEvent(env, payload),
    ...optional('workspaceHead', readWorkspaceHead(env.GITHUB_WORKSPACE)),
  }

  requireSelfHosted(settings)
  checkPrivacyPolicy(settings)
  checkFallback(settings)
  checkEscalation(settings)
  return Object.freeze(settings)
}

/**
 * Private code goes to DeepSeek's public API only with explicit consent,
 * whichever input would send it there.
 */
function checkPrivacyPolicy(settings: Settings): void {
  if (settings.allowPublicApiForPrivateCode) return
  if (settings.privateProvider === 'deepseek') {
    throw new Error(
      'Input `private-provider` is "deepseek", which would send private ' +
        "code to DeepSeek's public API. Choose openai or self-hosted, or set " +
        '`allow-public-api-for-private-code: true` to allow it.',
    )
  }
  if (settings.fallbackProvider === 'deepseek') {
    throw new Error(
      'Input `fallback-provider` is "deepseek", which would send private ' +
        "code to DeepSeek's public API when the private provider fails. " +
        'Choose openai or self-hosted, or set ' +
        '`allow-public-api-for-private-code: true` to allow it.',
    )
  }
}

/**
 * A fallback is a different provider: one that every route already uses
 * would never take a call. One that only this repository's route uses is
 * a warning once the route is known.
 */
function checkFallback(settings: Settings): void {
  const fallback = settings.fallbackProvider
  if (
    fallback === settings.publicProvider &&
    fallback === settings.privateProvider
  ) {
    throw new Error(
      `Input \`fallback-provider\` is "${fallback}", the provider ` +
        '`public-provider` and `private-provider` already name, so it ' +
        'would never take a call. Choose a different provider to take ' +
        'the calls that fail, or remove it.',
    )
  }
}

function checkEscalation(settings: Settings): void {
  const wanted =
    settings.escalatePaths.length > 0
      ? 'escalate-paths'
      : settings.escalateMinChanges !== undefined
        ? 'escalate-min-changes'
        : undefined
  if (!wanted && settings.escalationModel) {
    throw new Error(
      `${settings.labels['escalation-model']} is "${settings.escalationModel}" ` +
        'but neither `escalate-paths` nor `escalate-min-changes` is set, so ' +
        'no file would go to it. Set one of them to say which files to ' +
        'escalate, or remove `escalation-model`.',
    )
  }
  if (wanted && !settings.escalationModel) {
    throw new Error(
      `${settings.labels[wanted]} is set but \`escalation-model\` is empty. Name the ` +
        'stronger model of the same provider, e.g. deepseek-v4-pro or ' +
        'gpt-5.4.',
    )
  }
}

function requireSelfHosted(settings: Settings): void {
  const uses = [
    settings.publicProvider,
    settings.privateProvider,
    settings.fallbackProvider,
  ]
  if (!uses.includes('self-hosted')) return
  if (!settings.selfHosted.baseUrl) {
    throw new Error(
      'A provider is `self-hosted` but input `self-hosted-url` is empty. ' +
        "Set it to the server's OpenAI-compatible base URL, e.g. " +
        '`http://vllm.internal:8000/v1`.',
    )
  }
  if (!settings.selfHosted.model) {
    throw new Error(
      'A provider is `self-hosted` but input `self-hosted-model` is empty. ' +
        'Set it to the model name the server serves.',
    )
  }
}

/**
 * The detached commit of a checkout in the workspace. actions/checkout
 * with `ref: <sha>` leaves `.git/HEAD` holding that sha.
 */
function readWorkspaceHead(workspace: string | undefined): string | undefined {
  if (!workspace) return undefined
  try {
    const head = readFileSync(`${workspace}/.git/HEAD`, 'utf8').trim()
    return /^[0-9a-f]{40}$/.test(head) ? head : undefined
  } catch {
    return undefined
  }
}

/**
 * Reads the event payload the runner wrote to `GITHUB_EVENT_PATH`, or the
 * one the local CLI gives.
 */
function readEvent(env: Env, given?: unknown): EventInfo {
  const name = env.GITHUB_EVENT_NAME ?? ''
  const path = env.GITHUB_EVENT_PATH
  let payload: Record<string, unknown> = asRecord(given)
  if (given === undefined && path) {
    try {
      payload = asRecord(JSON.parse(readFileSync(path, 'utf8')))
    } catch (error) {
      throw new Error(
        `Could not read the event payload at GITHUB_EVENT_PATH (${path}): ` +
          (error instanceof Error ? error.message : String(error)),
        { cause: error },
      )
    }
  }

  const repository = readRepository(
    asRecord(payload.repository),
    env.GITHUB_REPOSITORY,
  )
  const pull = asRecord(payload.pull_request)
  const action = typeof payload.action === 'string' ? payload.action : undefined

  return {
    name,
    ...optional('action', action),
    ...optional(
      'pullRequest',
      typeof pull.number === 'number' ? readPullRequest(pull) : undefined,
    ),
    repository,
  }
}

function readRepository(
  repo: Record<string, unknown>,
  fallback: string | undefined,
): RepositoryInfo {
  const fullName =
    typeof repo.full_name === 'string' ? repo.full_name : (fallback ?? '')
  const [owner, name] = fullName.split('/')
  if (!owner || !name) {
    throw new Error(
      'The event names no repository and GITHUB_REPOSITORY is not set; ' +
        'run this action from a pull_request workflow.',
    )
  }

  // `visibility` is the precise field (it knows "internal"); `private` is
  // the older boolean. Neither present means unknown.
  const visibility = repo.visibility
  if (
    visibility === 'public' ||
    visibility === 'private' ||
    visibility === 'internal'
  ) {
    return {
      owner,
      name,
      visibility,
      visibilitySource: 'repository.visibility in the event',
    }
  }
  if (typeof repo.private === 'boolean') {
    return {
      owner,
      name,
      visibility: repo.private ? 'private' : 'public',
      visibilitySource: 'repository.private in the event',
    }
  }
  return { owner, name }
}

function readPullRequest(pull: Record<string, unknown>): PullRequestInfo {
  const head = asRecord(pull.head)
  const base = asRecord(pull.base)
  const headRepo = asRecord(head.repo).full_name
  const user = asRecord(pull.user)
  const login = typeof user.login === 'string' ? user.login : ''
  return {
    number: pull.number as number,
    title: typeof pull.title === 'string' ? pull.title : '',
    body: typeof pull.body === 'string' ? pull.body : '',
    draft: pull.draft === true,
    headSha: typeof head.sha === 'string' ? head.sha : '',
    baseSha: typeof base.sha === 'string' ? base.sha : '',
    ...optional(
      'headRepo',
      typeof headRepo === 'string' ? headRepo : undefined,
    ),
    author: login,
    authorIsBot: user.type === 'Bot' || login.endsWith('[bot]'),
    labels: (Array.isArray(pull.labels) ? pull.labels : [])
      .map((label) => asRecord(label).name)
      .filter((name): name is string => typeof name === 'string'),
    ...optional(
      'changedFiles',
      typeof pull.changed_files === 'number' ? pull.changed_files : undefined,
    ),
  }
}

// A GitHub login: letters, digits and single hyphens, up to 39 of them,
// and `[bot]` after an app's name.
const LOGIN = /^(?=.{1,39}(?:\[bot\])?$)[a-z\d](?:-?[a-z\d])*(?:\[bot\])?$/i

function login({ value, label }: Field): string {
  if (!LOGIN.test(value)) {
    throw new Error(
      `${label} is "${value}", which is not a GitHub login. Set ` +
        'it to the account the reviews are posted as: github-actions[bot] ' +
        "for the workflow's token, the app's name followed by [bot] for a " +
        'GitHub App token, or your user name for a personal token.',
    )
  }
  return value
}

function choice<const T extends string>(
  { value, label }: Field,
  valid: readonly T[],
): T {
  if ((valid as readonly string[]).includes(value)) return value as T
  throw new Error(
    `${label} is "${value}"; valid values are ${valid.join(', ')}.`,
  )
}

function boolean({ value, label }: Field): boolean {
  const lower = value.toLowerCase()
  if (lower === 'true') return true
  if (lower === 'false') return false
  throw new Error(`${label} is "${value}"; use true or false.`)
}

// Plain decimal digits. Number() also reads 0x10 as 16, 0b1 as 1 and 1e3
// as 1000, which nobody means as a price or a count.
const DECIMAL = /^-?(?:\d+(?:\.\d+)?|\.\d+)$/

function number(
  { value, label }: Field,
  limits: { min: number; exclusive?: boolean; integer?: boolean; max?: number },
): number | undefined {
  if (value === '') return undefined
  const decimal = DECIMAL.test(value)
  const parsed = decimal ? Number(value) : NaN
  const tooSmall = limits.exclusive ? parsed <= limits.min : parsed < limits.min
  const tooLarge = limits.max !== undefined && parsed > limits.max
  if (
    !Number.isFinite(parsed) ||
    tooSmall ||
    tooLarge ||
    (limits.integer && !Number.isInteger(parsed))
  ) {
    const kind = limits.integer ? 'a whole number' : 'a number'
    const bound =
      (limits.exclusive
        ? `greater than ${limits.min}`
        : `at least ${limits.min}`) +
      (limits.max !== undefined ? ` and at most ${limits.max}` : '')
    throw new Error(
      `${label} is "${value}"; it must be ${kind} ${bound}` +
        (decimal || Number.isNaN(Number(value))
          ? '.'
          : ', in plain decimal digits.'),
    )
  }
  return parsed
}

function url({ value, label }: Field): string {
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch {
    throw new Error(
      `${label} is "${value}", which is not a URL; ` +
        'give a full http:// or https:// address.',
    )
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error(
      `${label} is "${value}"; only http:// and https:// URLs work.`,
    )
  }
  return value.replace(/\/+$/, '')
}

/** Globs, one per line or separated by commas; each must compile. */
function globs({ value, label }: Field): string[] {
  // A JSON-style list, ["a", "b"], is read as its items.
  const text = /^\s*\[[\s\S]*\]\s*$/.test(value)
    ? value.trim().slice(1, -1)
    : value
  const patterns = text
    .split('\n')
    .flatMap(splitOutsideBraces)
    // A YAML-style item, "- src/**", and quotes around a glob are read
    // as the glob: written that way in a `with:` block they are one string.
    .map((item) =>
      item
        .trim()
        .replace(/^-\s+/, '')
        .replace(/^(['"])(.*)\1$/, '$2')
        .trim(),
    )
    .filter((item) => item !== '' && !item.startsWith('#'))
  for (const pattern of patterns) {
    if (!isValidGlob(pattern)) {
      throw new Error(
        `${label} has an invalid glob "${pattern}": check its ` +
          'brackets and braces, e.g. `src/**/*.{ts,tsx}`.',
      )
    }
  }
  return patterns
}

// A comma separates globs, except inside braces: `*.{ts,tsx}` is one glob.
function splitOutsideBraces(line: string): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const char of line) {
    if (char === '{') depth++
    if (char === '}') depth--
    if (char === ',' && depth <= 0) {
      parts.push(current)
      current = ''
    } else {
      current += char
    }
  }
  return [...parts, current]
}

function isValidGlob(pattern: string): boolean {
  let depth = 0
  let inClass = false
  let escaped = false
  for (const char of pattern) {
    if (escaped) escaped = false
    else if (char === '\\') escaped = true
    else if (inClass) {
      if (char === ']') inClass = false
    } else if (char === '[') inClass = true
    else if (char === '{') depth++
    else if (char === '}' && --depth < 0) return false
  }
  return depth === 0 && !inClass
}

const PRICE_FIELDS = ['input', 'cached_input', 'output', 'cache_write']

/**
 * The `pricing` input: `{"model": {"input": 0.3, "cached_input": 0.03,
 * "output": 1.2}}` in US dollars per million tokens. A row is a flat price:
 * it replaces any peak and off-peak rule of the built-in row.
 */
function pricing({ value, label }: Field): Record<string, ModelPrice> {
  if (value === '') return {}
  const example =
    '{"my-model": {"input": 0.3, "cached_input": 0.03, "output": 1.2}}'
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch (error) {
    throw new Error(
      `${label} is not valid JSON (${(error as Error).message}); ` +
        `expected e.g. ${example}.`,
      { cause: error },
    )
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${label} must be a JSON object like ${example}.`)
  }

  const prices: Record<string, ModelPrice> = {}
  for (const [model, row] of Object.entries(parsed)) {
    const fields = asRecord(row)
    const unknown = Object.keys(fields).filter(
      (key) => !PRICE_FIELDS.includes(key),
    )
    if (unknown.length > 0) {
      throw new Error(
        `${label}, row "${model}", has unknown field(s) ` +
          `${unknown.join(', ')}; valid fields are ${PRICE_FIELDS.join(', ')}.`,
      )
    }
    const rate = (field: string, required: boolean): number | undefined => {
      const price = fields[field]
      if (price === undefined && !required) return undefined
      if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) {
        throw new Error(
          `${label}, row "${model}", needs "${field}" as a number ` +
            `of US dollars per million tokens (0 or more); got ${JSON.stringify(price)}.`,
        )
      }
      return price
    }
    const input = rate('input', true) ?? 0
    const cachedInput = rate('cached_input', false)
    if (cachedInput !== undefined && cachedInput > input) {
      throw new Error(
        `${label}, row "${model}", has "cached_input" ${cachedInput} ` +
          `above "input" ${input}, but a cache hit never costs more than a ` +
          'miss. Give the cached price, at most the input price, or leave ' +
          'it out to bill cached tokens as other input.',
      )
    }
    const cacheWrite = rate('cache_write', false)
    prices[model] = {
      rates: {
        input,
        // Without a cached price, cached tokens cost what other input costs.
        cachedInput: cachedInput ?? input,
        output: rate('output', true) ?? 0,
        ...optional('cacheWrite', cacheWrite),
      },
      source: 'the `pricing` input',
    }
  }
  return prices
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

/** `{ [key]: value }` when the value is defined, else `{}`. */
function optional<K extends string, V>(
  key: K,
  value: V | undefined,
): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V })
}

/** What the local CLI was asked to do. */
export interface CliRequest {
  readonly command: 'review' | 'estimate'
  /** `owner/name`; the estimate of a patch file needs none. */
  readonly repo?: string
  readonly pr?: number
  /** The visibility to assume; undefined asks GitHub, or counts as private. */
  readonly visibility?: Visibility
  /** Where that visibility comes from, for the route's reason. */
  readonly visibilitySource?: string
  readonly title?: string
  readonly dryRun: boolean
  /** `--input name=value` pairs, as in a workflow's `with:`. */
  readonly inputs: Readonly<Record<string, string>>
}

/**
 * Settings for the local CLI: inputs from its flags, keys from the usual
 * environment variables, and an event that names the pull request, whose
 * details the review then reads from GitHub.
 */
export function readCliSettings(
  request: CliRequest,
  env: Env = process.env,
  config: RepositoryConfig = NO_CONFIG,
): Settings {
  for (const name of Object.keys(request.inputs)) {
    if (!(name in DEFAULTS)) {
      throw new Error(
        `--input ${name}: no such input; the inputs are listed in the README.`,
      )
    }
  }
  const inputs: Record<string, string> = {
    'github-token':
      env.GITHUB_TOKEN ??
      env.GH_TOKEN ??
      (request.command === 'estimate' ? 'none' : ''),
    'deepseek-api-key': env.DEEPSEEK_API_KEY ?? '',
    'openai-api-key': env.OPENAI_API_KEY ?? '',
    'self-hosted-api-key': env.SELF_HOSTED_API_KEY ?? '',
    ...request.inputs,
    ...(request.dryRun ? { 'dry-run': 'true' } : {}),
    ...(request.command === 'estimate' ? { mode: 'estimate' } : {}),
  }
  if (!inputs['github-token']) {
    throw new Error(
      'No GitHub token: set GITHUB_TOKEN (or GH_TOKEN) to a token that can ' +
        'read the pull request, and write reviews unless --dry-run.',
    )
  }
  const repository = {
    full_name: request.repo ?? 'local/patch',
    ...(request.visibility ? { visibility: request.visibility } : {}),
  }
  const source = request.visibilitySource
  const payload = {
    action: 'opened',
    repository,
    pull_request: {
      number: request.pr ?? 0,
      title: request.title ?? '',
      head: { sha: '' },
      base: { sha: '' },
    },
  }
  const runnerEnv: Record<string, string | undefined> = {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_API_URL: env.GITHUB_API_URL,
    GITHUB_SERVER_URL: env.GITHUB_SERVER_URL,
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [
        `INPUT_${name.toUpperCase()}`,
        value,
      ]),
    ),
  }
  const settings = readSettings(runnerEnv, config, payload)
  if (!source || !settings.event.repository.visibility) return settings
  return Object.freeze({
    ...settings,
    event: {
      ...settings.event,
      repository: { ...settings.event.repository, visibilitySource: source },
    },
  })
}
