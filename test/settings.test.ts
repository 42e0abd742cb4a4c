import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import * as core from '@actions/core'
import { parseRepositoryConfig } from '../src/repo-config'
import { DEFAULTS, readSettings } from '../src/settings'

vi.mock('@actions/core', () => ({ setSecret: vi.fn() }))

const dir = mkdtempSync(join(tmpdir(), 'settings-'))

function eventFile(payload: unknown): string {
  const path = join(dir, `event-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(path, JSON.stringify(payload))
  return path
}

const pullRequestEvent = {
  action: 'opened',
  repository: { full_name: 'octo-org/sample', private: false },
  pull_request: {
    number: 7,
    title: 'Fix',
    body: null,
    draft: false,
    user: { login: 'octocat' },
    head: { sha: 'h'.repeat(40), repo: { full_name: 'octo-org/sample' } },
    base: { sha: 'b'.repeat(40) },
  },
}

function env(
  inputs: Record<string, string> = {},
  payload: unknown = pullRequestEvent,
): Record<string, string> {
  const entries = Object.entries({ 'github-token': 'ghs_x', ...inputs }).map(
    ([name, value]): [string, string] => [`INPUT_${name.toUpperCase()}`, value],
  )
  return {
    ...Object.fromEntries(entries),
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventFile(payload),
  }
}

describe('readSettings', () => {
  it('applies the documented defaults', () => {
    const settings = readSettings(env())
    expect(settings).toMatchObject({
      apiUrl: 'https://api.github.com',
      publicProvider: 'deepseek',
      privateProvider: 'openai',
      deepseek: {
        baseUrl: 'https://api.deepseek.com',
        model: 'deepseek-flash',
      },
      openai: { baseUrl: 'https://api.openai.com/v1', model: 'gpt-5' },
      include: [],
      exclude: [],
      guidelinesFile: '.github/review-guidelines.md',
      pricing: {},
      dryRun: false,
      maxPromptTokens: 60_000,
      reviewerLogin: 'github-actions[bot]',
    })
    expect(settings.maxCostUsd).toBeUndefined()
    expect(Object.isFrozen(settings)).toBe(true)
  })

  it('reads the pull request and the visibility from the event', () => {
    const { event } = readSettings(env())
    expect(event).toEqual({
      name: 'pull_request',
      action: 'opened',
      repository: {
        owner: 'octo-org',
        name: 'sample',
        visibility: 'public',
        visibilitySource: 'repository.private in the event',
      },
      pullRequest: {
        number: 7,
        title: 'Fix',
        body: '',
        draft: false,
        headSha: 'h'.repeat(40),
        baseSha: 'b'.repeat(40),
        headRepo: 'octo-org/sample',
        author: 'octocat',
        authorIsBot: false,
        labels: [],
      },
    })
  })

  it('prefers `visibility`, which knows internal repositories', () => {
    const payload = {
      ...pullRequestEvent,
      repository: { full_name: 'o/r', private: true, visibility: 'internal' },
    }
    expect(readSettings(env({}, payload)).event.repository.visibility).toBe(
      'internal',
    )
  })

  it('leaves the visibility unknown when the payload does not say', () => {
    const payload = { ...pullRequestEvent, repository: { full_name: 'o/r' } }
    expect(
      readSettings(env({}, payload)).event.repository.visibility,
    ).toBeUndefined()
  })

  it('splits globs on lines and commas and ignores comments', () => {
    const settings = readSettings(
      env({ include: 'src/**, lib/**\n# note\n*.md\nweb/**/*.{ts,tsx}\n' }),
    )
    expect(settings.include).toEqual([
      'src/**',
      'lib/**',
      '*.md',
      'web/**/*.{ts,tsx}',
    ])
  })

  it('accepts the logins of users and of apps as reviewer-login', () => {
    for (const login of ['octocat', 'my-org-reviewer', 'ci-app[bot]', 'A1']) {
      expect(readSettings(env({ 'reviewer-login': login })).reviewerLogin).toBe(
        login,
      )
    }
  })

  it('reads globs written as a YAML or JSON list', () => {
    expect(
      readSettings(env({ 'sensitive-paths': '- "**/auth/**"\n- secrets/**' }))
        .sensitivePaths,
    ).toEqual(['**/auth/**', 'secrets/**'])
    expect(
      readSettings(env({ 'sensitive-paths': "['**/auth/**', 'keys/*.pem']" }))
        .sensitivePaths,
    ).toEqual(['**/auth/**', 'keys/*.pem'])
  })

  it('reads pricing overrides as flat prices', () => {
    const settings = readSettings(
      env({ pricing: '{"qwen3-coder": {"input": 0.2, "output": 0.6}}' }),
    )
    expect(settings.pricing['qwen3-coder']?.rates).toEqual({
      input: 0.2,
      cachedInput: 0.2,
      output: 0.6,
    })
  })

  it.each([
    [
      'public-provider',
      'anthropic',
      /`public-provider` is "anthropic"; valid values are deepseek, openai, self-hosted/,
    ],
    [
      'private-provider',
      'anthropic',
      /`private-provider` is "anthropic"; valid values are deepseek, openai, self-hosted/,
    ],
    [
      'private-provider',
      'deepseek',
      /`private-provider` is "deepseek", which would send private code to DeepSeek's public API/,
    ],
    [
      'fallback-provider',
      'deepseek',
      /`fallback-provider` is "deepseek", which would send private code/,
    ],
    [
      'fallback-provider',
      'gemini',
      /`fallback-provider` is "gemini"; valid values are deepseek, openai, self-hosted/,
    ],
    ['escalate-paths', '**/auth/**', /`escalation-model` is empty/],
    [
      'escalate-min-changes',
      '0',
      /`escalate-min-changes` is "0"; it must be a whole number at least 1/,
    ],
    ['include', 'src/{a,b', /`include` has an invalid glob "src\/\{a,b"/],
    ['exclude', '[abc', /`exclude` has an invalid glob "\[abc"/],
    ['sensitive-paths', 'secrets/}', /`sensitive-paths` has an invalid glob/],
    [
      'allow-public-api-for-private-code',
      'maybe',
      /`allow-public-api-for-private-code` is "maybe"; use true or false/,
    ],
    [
      'max-cost-usd',
      '-1',
      /`max-cost-usd` is "-1"; it must be a number greater than 0/,
    ],
    ['max-cost-usd', 'ten', /`max-cost-usd` is "ten"/],
    [
      'max-cost-usd',
      '0x10',
      /`max-cost-usd` is "0x10"; it must be a number greater than 0, in plain decimal digits\./,
    ],
    [
      'escalate-min-changes',
      '0b1',
      /`escalate-min-changes` is "0b1"; it must be a whole number at least 1, in plain decimal digits\./,
    ],
    ['max-prompt-tokens', '1e5', /`max-prompt-tokens` is "1e5"; .* decimal/],
    ['run-timeout-minutes', '0o17', /`run-timeout-minutes` is "0o17"/],
    ['request-timeout-seconds', 'Infinity', /`request-timeout-seconds` is/],
    [
      'escalation-model',
      'gpt-5.4',
      /`escalation-model` is "gpt-5\.4" but neither `escalate-paths` nor `escalate-min-changes` is set, so no file would go to it/,
    ],
    [
      'max-prompt-tokens',
      '12.5',
      /`max-prompt-tokens` is "12.5"; it must be a whole number/,
    ],
    ['dry-run', 'yes', /`dry-run` is "yes"; use true or false/],
    [
      'openai-base-url',
      'api.openai.com',
      /`openai-base-url` is "api.openai.com", which is not a URL/,
    ],
    [
      'deepseek-base-url',
      'ftp://x',
      /`deepseek-base-url` is "ftp:\/\/x"; only http/,
    ],
    ['pricing', '{oops', /`pricing` is not valid JSON/],
    [
      'pricing',
      '{"m": {"input": -1, "output": 1}}',
      /`pricing`, row "m", needs "input"/,
    ],
    [
      'pricing',
      '{"m": {"input": 1, "output": 1, "cached": 1}}',
      /unknown field\(s\) cached/,
    ],
    [
      'pricing',
      '{"deepseek-flash": {"input": 0.01, "cached_input": 20, "output": 0.01}}',
      /`pricing`, row "deepseek-flash", has "cached_input" 20 above "input" 0\.01, but a cache hit never costs more than a miss/,
    ],
    ['github-token', '', /`github-token` is empty/],
    [
      'fail-on',
      'blocker',
      /`fail-on` is "blocker"; valid values are never, critical, major, minor, nit/,
    ],
    ['mode', 'dry', /`mode` is "dry"; valid values are review, estimate/],
    ['review-drafts', 'on', /`review-drafts` is "on"; use true or false/],
    ['review-bots', '1', /`review-bots` is "1"; use true or false/],
    ['review-again', 'yes', /`review-again` is "yes"; use true or false/],
    [
      'deepseek-thinking',
      'enabled',
      /`deepseek-thinking` is "enabled"; use true or false/,
    ],
    [
      'run-timeout-minutes',
      '0',
      /`run-timeout-minutes` is "0"; it must be a number greater than 0/,
    ],
    ['request-timeout-seconds', 'soon', /`request-timeout-seconds` is "soon"/],
    [
      'self-hosted-url',
      'localhost:8000',
      /`self-hosted-url` is "localhost:8000"/,
    ],
    [
      'max-prompt-tokens',
      '100',
      /`max-prompt-tokens` is "100"; it must be a whole number at least 2000/,
    ],
    [
      'reviewer-login',
      '@github-actions',
      /`reviewer-login` is "@github-actions", which is not a GitHub login/,
    ],
    ['reviewer-login', 'a--b', /not a GitHub login/],
    ['reviewer-login', `${'a'.repeat(40)}[bot]`, /not a GitHub login/],
  ])(
    'refuses %s = %j with a message naming the input',
    (name, value, message) => {
      expect(() => readSettings(env({ [name]: value }))).toThrow(message)
    },
  )

  it('requires the self-hosted URL and model when a provider is self-hosted', () => {
    expect(() =>
      readSettings(env({ 'private-provider': 'self-hosted' })),
    ).toThrow(/`self-hosted-url` is empty/)
    expect(() =>
      readSettings(
        env({
          'private-provider': 'self-hosted',
          'self-hosted-url': 'http://127.0.0.1:8000/v1',
        }),
      ),
    ).toThrow(/`self-hosted-model` is empty/)
  })

  it('reads plain decimal numbers', () => {
    const settings = readSettings(
      env({
        'max-cost-usd': '0.50',
        'escalate-min-changes': '40',
        'escalation-model': 'gpt-5.4',
        'request-timeout-seconds': '.5',
      }),
    )
    expect(settings.maxCostUsd).toBe(0.5)
    expect(settings.escalateMinChanges).toBe(40)
    expect(settings.requestTimeoutMs).toBe(500)
  })

  it('refuses a fallback that is the provider of every route', () => {
    expect(() =>
      readSettings(
        env({ 'public-provider': 'openai', 'fallback-provider': 'openai' }),
      ),
    ).toThrow(
      /^Input `fallback-provider` is "openai", the provider `public-provider` and `private-provider` already name, so it would never take a call/,
    )
    // It can back up the public provider: not an error.
    expect(
      readSettings(env({ 'fallback-provider': 'openai' })).fallbackProvider,
    ).toBe('openai')
  })

  it('requires the self-hosted URL when the fallback is self-hosted', () => {
    expect(() =>
      readSettings(env({ 'fallback-provider': 'self-hosted' })),
    ).toThrow(/`self-hosted-url` is empty/)
  })

  it('names the event file when it cannot be read', () => {
    const broken = { ...env(), GITHUB_EVENT_PATH: join(dir, 'missing.json') }
    expect(() => readSettings(broken)).toThrow(/GITHUB_EVENT_PATH/)
  })
})

describe('readSettings, masking keys', () => {
  it('masks every key in the log, but not a placeholder too short to be one', () => {
    vi.mocked(core.setSecret).mockClear()
    readSettings(
      env({
        'github-token': 'ghs_0123456789',
        'deepseek-api-key': 'sk-0123456789abcdef',
        'self-hosted-url': 'http://127.0.0.1:8000/v1',
        'self-hosted-model': 'qwen3-coder',
        'self-hosted-api-key': 'e',
      }),
    )
    expect(vi.mocked(core.setSecret).mock.calls.flat()).toEqual([
      'ghs_0123456789',
      'sk-0123456789abcdef',
    ])
  })
})

describe('readSettings, privacy consent', () => {
  it('allows private code on DeepSeek only with explicit consent', () => {
    const settings = readSettings(
      env({
        'private-provider': 'deepseek',
        'allow-public-api-for-private-code': 'true',
      }),
    )
    expect(settings.privateProvider).toBe('deepseek')
  })
})

describe('the repository config', () => {
  it('applies where the workflow leaves an input at its default; inputs win', () => {
    const config = parseRepositoryConfig(
      [
        'exclude:',
        '  - docs/**',
        '  - "**/*.snap"',
        'openai-model: gpt-5.4',
        'public-provider: openai',
        'max-cost-usd: 0.5',
      ].join('\n'),
      '.github/cost-aware-review.yml',
    )
    const settings = readSettings(
      env({ 'public-provider': 'deepseek', 'openai-model': 'gpt-5-mini' }),
      config,
    )
    expect(settings.exclude).toEqual(['docs/**', '**/*.snap'])
    expect(settings.openai.model).toBe('gpt-5-mini')
    // The workflow's value equals the default, which the config replaces.
    expect(settings.publicProvider).toBe('openai')
    expect(settings.maxCostUsd).toBe(0.5)
  })

  it.each([
    [
      'include:\n  nested: 1\n',
      '"include" to a map; give a glob or a list of globs',
    ],
    ['exclude: true\n', '"exclude" to true, not a glob; give a glob'],
    [
      'exclude:\n  - docs/**\n  - 3\n',
      '"exclude" to a list that holds more than globs',
    ],
    ['max-cost-usd: [1, 2]\n', '"max-cost-usd" to a list; give one value'],
  ])('refuses a value of the wrong shape: %j', (text, message) => {
    expect(() => parseRepositoryConfig(text, 'cfg.yml')).toThrow(
      `The repository config cfg.yml sets ${message}`,
    )
  })

  it('leaves the prices that max-cost-usd counts in to the workflow', () => {
    expect(() =>
      parseRepositoryConfig(
        'pricing:\n  my-model: { input: 0, output: 0 }\n',
        'cfg.yml',
      ),
    ).toThrow(
      'The repository config cfg.yml sets "pricing", which decides what ' +
        "`max-cost-usd` counts: only the workflow may set it. Move it to the step's `with:`.",
    )
  })

  it('leaves an input without a value at its default', () => {
    const config = parseRepositoryConfig('include:\n', 'cfg.yml')
    expect(readSettings(env(), config).include).toEqual([])
  })

  it('validates its values like inputs, and names the input and the file', () => {
    const config = parseRepositoryConfig('fail-on: blocker\n', 'cfg.yml')
    expect(() => readSettings(env(), config)).toThrow(
      /^`fail-on` in cfg\.yml is "blocker"; valid values are never,/,
    )
  })

  it.each([
    [
      'max-cost-usd: 50 cents',
      /^`max-cost-usd` in cfg\.yml is "50 cents"; it must be a number/,
    ],
    ['dry-run: maybe', /^`dry-run` in cfg\.yml is "maybe"; use true or false/],
    [
      'include: "src/{a"',
      /^`include` in cfg\.yml has an invalid glob "src\/\{a"/,
    ],
    [
      'escalate-paths: src/auth/**',
      /^`escalate-paths` in cfg\.yml is set but `escalation-model` is empty/,
    ],
  ])('names the file in the error for %j', (text, message) => {
    const config = parseRepositoryConfig(text, 'cfg.yml')
    expect(() => readSettings(env(), config)).toThrow(message)
  })

  it('keeps the digits a number was written with', () => {
    const config = parseRepositoryConfig(
      'max-cost-usd: 0.10\nescalate-min-changes: 0x10\n',
      'cfg.yml',
    )
    expect(config.values['max-cost-usd']).toBe('0.10')
    expect(() => readSettings(env(), config)).toThrow(
      /^`escalate-min-changes` in cfg\.yml is "0x10"; it must be a whole number at least 1, in plain decimal digits/,
    )
  })

  it('gives the label of each input for later messages', () => {
    const config = parseRepositoryConfig('guidelines-file: docs\n', 'cfg.yml')
    const { labels } = readSettings(env(), config)
    expect(labels['guidelines-file']).toBe('`guidelines-file` in cfg.yml')
    expect(labels['fail-on']).toBe('Input `fail-on`')
  })

  it('names the input, not the file, for a value the workflow set', () => {
    const config = parseRepositoryConfig('max-cost-usd: 1\n', 'cfg.yml')
    expect(() =>
      readSettings(env({ 'max-cost-usd': '50 cents' }), config),
    ).toThrow(/^Input `max-cost-usd` is "50 cents"/)
  })

  it.each([
    ['unknown: 1', /unknown key "unknown"/],
    ['openai-api-key: sk-123', /credentials belong in secrets/],
    [
      'openai-base-url: https://elsewhere.example/v1',
      /decides where code and keys go: only the workflow may set it/,
    ],
    ['allow-public-api-for-private-code: true', /only the workflow may set it/],
    ['private-provider: deepseek', /only the workflow may set it/],
    ['- a\n- b', /must be a map of input names/],
    ['a: [', /not valid YAML/],
  ])('refuses %j', (text, message) => {
    expect(() => parseRepositoryConfig(text, 'cfg.yml')).toThrow(message)
  })

  it('declares the same defaults as action.yml', async () => {
    const { readAction } = await import('../scripts/readme-tables')
    const declared = Object.fromEntries(
      Object.entries(readAction().inputs).map(([name, input]) => [
        name,
        input.default ?? '',
      ]),
    )
    expect({ ...declared, 'github-token': '' }).toEqual(DEFAULTS)
  })
})
