/**
 * The data policy, end to end: private code never reaches DeepSeek's public
 * API unless the user consents, whichever providers are configured;
 * unknown visibility is private; escalation and sensitive paths stay in
 * their privacy class; a self-hosted server needs no key.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  loadFixtureSetup,
  startGitHubEmulator,
  type GitHubFile,
} from '../emulators/github'
import { startLlmEmulator } from '../emulators/llm'
import { FIXTURES_DIR, fixtureSlugs, hasShared } from '../shared'
import { runAction } from './harness'
import { mixedFindings, scriptedReviewer } from './reviewer'
import { reviewSynthetic, type SyntheticRun } from './synthetic'

const open: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()))
})

/** The field of a fixture's meta.json these tests read. */
interface FixtureMeta {
  private: boolean
}

const privateFixtures = fixtureSlugs().filter((slug) => {
  const meta = readFileSync(join(FIXTURES_DIR, slug, 'meta.json'), 'utf8')
  return (JSON.parse(meta) as FixtureMeta).private
})

/** Lines of a fixture's patches long enough to identify its code. */
function diffLines(files: readonly GitHubFile[]): string[] {
  return files.flatMap((file) =>
    (file.patch ?? '')
      .split('\n')
      .filter((line) => /^[+ -]/.test(line))
      .map((line) => line.slice(1).trim())
      .filter((line) => line.length >= 12),
  )
}

async function runPrivateFixture(slug: string, inputs: Record<string, string>) {
  const dir = join(FIXTURES_DIR, slug)
  const setup = loadFixtureSetup(dir)
  const event: unknown = JSON.parse(
    readFileSync(join(dir, 'event.json'), 'utf8'),
  )
  const respond = scriptedReviewer((request) =>
    mixedFindings(setup.files, request.prompt),
  )
  const github = await startGitHubEmulator()
  const deepseek = await startLlmEmulator({ flavour: 'deepseek', respond })
  const openai = await startLlmEmulator({ flavour: 'openai', respond })
  const selfHosted = await startLlmEmulator({
    flavour: 'self-hosted',
    apiKey: null,
    respond,
  })
  open.push(github, deepseek, openai, selfHosted)
  github.addPullRequest(setup)
  const run = await runAction({
    event,
    apiUrl: github.url,
    inputs: {
      'deepseek-api-key': 'test-key',
      'deepseek-base-url': deepseek.url,
      'openai-api-key': 'test-key',
      'openai-base-url': openai.url,
      'self-hosted-url': selfHosted.url,
      'self-hosted-model': 'qwen3-coder',
      ...inputs,
    },
  })
  return { run, setup, deepseek, openai, selfHosted }
}

const combinations = ['deepseek', 'openai', 'self-hosted'].flatMap(
  (publicProvider) =>
    ['openai', 'self-hosted'].flatMap((privateProvider) =>
      ['', 'openai', 'self-hosted']
        // A fallback both providers already are is refused up front.
        .filter(
          (fallback) =>
            fallback !== publicProvider || fallback !== privateProvider,
        )
        .map((fallback) => ({
          'public-provider': publicProvider,
          'private-provider': privateProvider,
          ...(fallback ? { 'fallback-provider': fallback } : {}),
          'sensitive-paths': '**/*.md',
          'escalate-paths': '.github/**',
          'escalation-model':
            privateProvider === 'openai' ? 'gpt-5.4' : 'qwen3-coder',
        })),
    ),
)

describe.skipIf(!hasShared)('private code and the public provider', () => {
  for (const slug of privateFixtures) {
    it(`${slug}: no request reaches DeepSeek under any of ${combinations.length} configurations`, async () => {
      for (const inputs of combinations) {
        const { run, deepseek, openai, selfHosted } = await runPrivateFixture(
          slug,
          inputs,
        )
        expect(
          run.exitCode,
          `${JSON.stringify(inputs)}\n${run.stdout}${run.stderr}`,
        ).toBe(0)
        expect(deepseek.calls, JSON.stringify(inputs)).toEqual([])
        const used =
          inputs['private-provider'] === 'openai' ? openai : selfHosted
        const other =
          inputs['private-provider'] === 'openai' ? selfHosted : openai
        if (used.calls.length > 0) expect(other.calls).toEqual([])
        await Promise.all(open.splice(0).map((server) => server.close()))
      }
    }, 120_000)

    it(`${slug}: no line of its diff is in any request to the public provider, unless the user consents`, async () => {
      const refused = await runPrivateFixture(slug, {
        'fallback-provider': 'self-hosted',
      })
      const lines = diffLines(refused.setup.files)
      expect(lines.length).toBeGreaterThan(0)
      const sentToPublic = JSON.stringify(
        refused.deepseek.calls.map((call) => call.body),
      )
      expect(
        lines.filter((line) =>
          sentToPublic.includes(JSON.stringify(line).slice(1, -1)),
        ),
      ).toEqual([])

      // The same check sees the code once the user consents, so it would
      // see a leak.
      const consented = await runPrivateFixture(slug, {
        'private-provider': 'deepseek',
        'allow-public-api-for-private-code': 'true',
      })
      if (consented.deepseek.calls.length > 0) {
        const sent = JSON.stringify(
          consented.deepseek.calls.map((call) => call.body),
        )
        expect(
          lines.some((line) =>
            sent.includes(JSON.stringify(line).slice(1, -1)),
          ),
        ).toBe(true)
      }
    })
  }
})

const file: GitHubFile = {
  filename: 'src/app.ts',
  status: 'modified',
  additions: 1,
  deletions: 0,
  changes: 1,
  patch: '@@ -1,1 +1,2 @@\n export {}\n+export const answer = 42',
}

async function synthetic(
  options: Parameters<typeof reviewSynthetic>[0],
): Promise<SyntheticRun> {
  const result = await reviewSynthetic(options)
  open.push(result)
  expect(result.run.exitCode, result.run.stdout + result.run.stderr).toBe(0)
  return result
}

describe('visibility fails closed', () => {
  it.each(['internal', 'unknown'] as const)(
    'routes a repository whose visibility is %s to the private provider',
    async (kind) => {
      const result = await synthetic({
        files: [file],
        visibility: kind === 'internal' ? 'internal' : null,
        findings: [{ path: 'src/app.ts', line: 2, body: 'b' }],
      })
      expect(result.deepseek.calls).toEqual([])
      expect(result.openai.calls).toHaveLength(1)
    },
  )

  it('routes private when the repository endpoint fails too', async () => {
    const result = await synthetic({
      files: [file],
      visibility: null,
      beforeRun: (github) => {
        github.inject({
          method: 'GET',
          path: /^\/repos\/[^/]+\/[^/]+$/,
          status: 500,
          times: 10,
        })
      },
    })
    expect(result.deepseek.calls).toEqual([])
    expect(result.openai.calls).toHaveLength(1)
    expect(result.run.summary).toContain('treated as private')
  })
})

describe('providers and lanes', () => {
  it('reviews private code on a self-hosted server that needs no key', async () => {
    const result = await synthetic({
      files: [file],
      private: true,
      inputs: { 'private-provider': 'self-hosted', 'openai-api-key': '' },
      findings: [{ path: 'src/app.ts', line: 2, body: 'b' }],
    })
    expect(result.selfHosted.calls).toHaveLength(1)
    expect(result.selfHosted.calls[0]!.headers.authorization).toBeUndefined()
    expect(result.review?.comments).toHaveLength(1)
    expect(result.run.summary).toContain('No dollar figure')
  })

  const auth: GitHubFile = {
    filename: 'src/auth/session.ts',
    status: 'modified',
    additions: 1,
    deletions: 0,
    changes: 1,
    patch: '@@ -1,1 +1,2 @@\n export {}\n+export const ttl = 3600',
  }

  it('sends escalated files to the escalation model and the rest to the default one, in one review', async () => {
    const result = await synthetic({
      files: [file, auth],
      inputs: {
        'escalate-paths': '**/auth/**',
        'escalation-model': 'deepseek-v4-pro',
      },
      findings: [
        { path: 'src/app.ts', line: 2, body: 'Default lane.' },
        { path: 'src/auth/session.ts', line: 2, body: 'Escalated lane.' },
      ],
    })
    const byModel = Object.fromEntries(
      result.deepseek.calls.map((call) => [
        String(call.body.model),
        call.prompt
          .slice(call.prompt.indexOf('<pr-data>\n<title>'))
          .match(/^FILE: .+$/gm),
      ]),
    )
    expect(byModel).toEqual({
      'deepseek-flash': ['FILE: src/app.ts'],
      'deepseek-v4-pro': ['FILE: src/auth/session.ts'],
    })
    expect(result.github.reviews).toHaveLength(1)
    expect(result.run.summary).toContain('Escalated calls cost $')
    expect(result.run.summary).toMatch(
      /the same tokens on `deepseek-flash` would have cost \$/,
    )
  })

  it('keeps escalation of private code in the private class', async () => {
    const result = await synthetic({
      files: [file, auth],
      private: true,
      inputs: { 'escalate-paths': '**/auth/**', 'escalation-model': 'gpt-5.4' },
    })
    expect(result.deepseek.calls).toEqual([])
    expect(result.openai.calls.map((call) => call.body.model).sort()).toEqual([
      'gpt-5',
      'gpt-5.4',
    ])
  })

  it('sends sensitive files of a public repository to the private provider', async () => {
    const result = await synthetic({
      files: [file, auth],
      inputs: { 'sensitive-paths': 'src/auth/**' },
    })
    expect(
      result.deepseek.calls.map((call) =>
        call.prompt.includes('src/auth/session.ts'),
      ),
    ).toEqual([false])
    expect(
      result.openai.calls.map((call) =>
        call.prompt.includes('src/auth/session.ts'),
      ),
    ).toEqual([true])
    expect(result.run.summary).toContain(
      'Sensitive (`sensitive-paths`), kept off the public provider',
    )
  })

  it('withholds sensitive files when no private provider is configured, and says so', async () => {
    const result = await synthetic({
      files: [file, auth],
      inputs: { 'sensitive-paths': 'src/auth/**', 'openai-api-key': '' },
    })
    expect(
      JSON.stringify(result.deepseek.calls.map((c) => c.body)),
    ).not.toContain('src/auth/session.ts')
    expect(result.openai.calls).toEqual([])
    expect(result.run.summary).toContain(
      'Sensitive, not reviewed (no private provider configured): `src/auth/session.ts`',
    )
  })

  it.each<{ via: string; inputs: Record<string, string> }>([
    {
      via: 'DeepSeek, even with consent for private code',
      inputs: {
        'fallback-provider': 'deepseek',
        'allow-public-api-for-private-code': 'true',
      },
    },
    {
      via: 'a self-hosted public provider',
      inputs: {
        'public-provider': 'self-hosted',
        'fallback-provider': 'self-hosted',
      },
    },
  ])(
    'never falls back from the private provider to $via for sensitive files',
    async ({ inputs }) => {
      const result = await synthetic({
        files: [file, auth],
        inputs: { 'sensitive-paths': 'src/auth/**', ...inputs },
        beforeRun: (_github, _deepseek, openai) => {
          openai.inject({ status: 500, times: 10 })
        },
      })
      const publicSide = [...result.deepseek.calls, ...result.selfHosted.calls]
      expect(publicSide.length).toBeGreaterThan(0)
      for (const call of publicSide) {
        expect(call.prompt).not.toContain('src/auth/session.ts')
      }
      expect(result.openai.calls.length).toBeGreaterThan(0)
      expect(result.run.summary).toContain('`src/auth/session.ts`')
    },
  )

  it('keeps a file moved out of a sensitive folder off the public provider', async () => {
    const moved: GitHubFile = {
      filename: 'src/config.ts',
      previous_filename: 'secrets/config.ts',
      status: 'renamed',
      additions: 1,
      deletions: 1,
      changes: 2,
      patch:
        '@@ -1,2 +1,2 @@\n export const region = "eu"\n' +
        '-export const VAULT = "vault-internal-path-77"\n' +
        '+export const VAULT = process.env.VAULT',
    }
    const result = await synthetic({
      files: [file, moved],
      inputs: { 'sensitive-paths': 'secrets/**' },
    })
    for (const call of result.deepseek.calls) {
      expect(call.prompt).not.toContain('vault-internal-path-77')
    }
    expect(
      result.openai.calls.some((call) =>
        call.prompt.includes('vault-internal-path-77'),
      ),
    ).toBe(true)
  })

  it('falls back within the private class when the provider fails, if asked to', async () => {
    const result = await synthetic({
      files: [file],
      private: true,
      inputs: { 'fallback-provider': 'self-hosted' },
      findings: [{ path: 'src/app.ts', line: 2, body: 'b' }],
      beforeRun: (_github, _deepseek, openai) => {
        openai.inject({
          status: 400,
          body: { error: { message: 'bad', type: 'invalid_request_error' } },
        })
      },
    })
    expect(result.openai.calls).toHaveLength(1)
    expect(result.selfHosted.calls).toHaveLength(1)
    expect(result.deepseek.calls).toEqual([])
    expect(result.review?.comments).toHaveLength(1)
  })

  it('fails with the input to set when the chosen provider has no key, never falling back', async () => {
    const result = await reviewSynthetic({
      files: [file],
      private: true,
      inputs: { 'openai-api-key': '' },
    })
    open.push(result)
    expect(result.run.exitCode).toBe(1)
    expect(result.run.stdout).toContain('Input `openai-api-key` is empty')
    expect(result.deepseek.calls).toEqual([])
    expect(result.selfHosted.calls).toEqual([])
  })
})
