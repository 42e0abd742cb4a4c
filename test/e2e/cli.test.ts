/**
 * The local CLI, run as a user runs it: `node dist/cli.js`, with keys in
 * the environment, against the emulators.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  loadFixtureSetup,
  startGitHubEmulator,
  type GitHubEmulator,
} from '../emulators/github'
import { startLlmEmulator, type LlmEmulator } from '../emulators/llm'
import { FIXTURES_DIR, hasShared } from '../shared'
import { mixedFindings, scriptedReviewer } from './reviewer'

const CLI = resolve(import.meta.dirname, '../../dist/cli.js')

function runCli(
  args: string[],
  env: Record<string, string> = {},
  stdin?: string,
) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (done, fail) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      })
      if (stdin !== undefined) child.stdin?.end(stdin)
      let stdout = ''
      let stderr = ''
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      child.on('error', fail)
      child.on('close', (code) => {
        done({ code, stdout, stderr })
      })
    },
  )
}

const open: Array<GitHubEmulator | LlmEmulator> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()))
})

describe('cost-aware-review (the local CLI)', () => {
  it('prints its usage, and fails with it on a wrong call', async () => {
    expect((await runCli(['--help'])).stdout).toContain(
      'cost-aware-review estimate --diff FILE.patch',
    )
    const wrong = await runCli(['estimate'])
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain('estimate needs --diff FILE.patch')
  })

  it('says a GITHUB_API_URL that is no URL is wrong, instead of crashing', async () => {
    const offline = await runCli(['--version'], { GITHUB_API_URL: 'not-a-url' })
    expect(offline.code).toBe(0)
    const result = await runCli(
      ['review', '--repo', 'octo-org/sample-repo', '--pr', '1'],
      { GITHUB_API_URL: 'not-a-url' },
    )
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      'cost-aware-review: GITHUB_API_URL is "not-a-url", which is not a URL; ' +
        'unset it for github.com, or set it to e.g. https://github.example.com/api/v3\n',
    )
  })

  it('leaves the visibility of a repository to GitHub: review refuses --public', async () => {
    const flagged = await runCli([
      'review',
      '--repo',
      'octo-org/sample-repo',
      '--pr',
      '1',
      '--public',
    ])
    expect(flagged.code).toBe(2)
    expect(flagged.stderr).toContain(
      'review reads the visibility from GitHub; --public applies to estimate only',
    )
    const both = await runCli([
      'estimate',
      '--diff',
      'x',
      '--public',
      '--private',
    ])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('give --public or --private, not both')
  })

  it.skipIf(!hasShared)(
    'estimates a patch file offline, on every route',
    async () => {
      const diff = join(FIXTURES_DIR, 'gson-proto-field-annotations', 'pr.diff')
      const result = await runCli(['estimate', '--diff', diff, '--public'])
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout).toContain('8 files in')
      expect(result.stdout).toContain(
        'review (default, deepseek-flash): proto/pom.xml',
      )
      expect(result.stdout).toContain(
        'not reviewed: proto/src/main/java/com/google/gson/protobuf/generated/.gitignore: generated code',
      )
      expect(result.stdout).toMatch(
        /chosen route\s+deepseek deepseek-flash\s+1\s+[\d,]+/,
      )
      expect(result.stdout).toMatch(/openai, for comparison\s+openai gpt-5\s+1/)
      expect(result.stdout).not.toContain('::')
    },
  )

  it.skipIf(!hasShared)(
    'reviews a pull request on GitHub, printing instead of posting with --dry-run',
    async () => {
      const setup = loadFixtureSetup(
        join(FIXTURES_DIR, 'requests-digest-auth-nonce-fix'),
      )
      // A person's token, as the CLI is used: its reviews are not a bot's.
      const github = await startGitHubEmulator({
        logins: { ghs_cli: 'octocat' },
      })
      const deepseek = await startLlmEmulator({
        flavour: 'deepseek',
        respond: scriptedReviewer((request) =>
          mixedFindings(setup.files, request.prompt),
        ),
      })
      open.push(github, deepseek)
      github.addPullRequest(setup)
      const env = {
        GITHUB_TOKEN: 'ghs_cli',
        GITHUB_API_URL: github.url,
        DEEPSEEK_API_KEY: 'test-key',
      }
      const args = [
        'review',
        '--repo',
        `${setup.owner}/${setup.repo}`,
        '--pr',
        String(setup.number),
      ]
      const input = ['--input', `deepseek-base-url=${deepseek.url}`]

      const dry = await runCli([...args, ...input, '--dry-run'], env)
      expect(dry.code, dry.stderr).toBe(0)
      expect(github.requests.filter((r) => r.method === 'POST')).toEqual([])
      expect(dry.stdout).toContain('### Cost-aware review')
      expect(dry.stdout).toContain('--- requests/auth.py:')
      expect(dry.stdout).toContain('## Cost-aware review: $')
      expect(dry.stderr).toContain('== Model calls')
      // File names are logged with workflow commands stopped; the CLI
      // shows them without the stop.
      expect(dry.stderr).toContain('review: requests/auth.py')
      expect(dry.stderr).not.toContain('stop-commands')
      expect(dry.stdout + dry.stderr).not.toContain('ghs_cli')

      const real = await runCli([...args, ...input], env)
      expect(real.code, real.stderr).toBe(0)
      expect(github.reviews).toHaveLength(1)

      // Run again: the review posted with this token counts as this
      // action's own, so nothing is posted twice.
      const again = await runCli([...args, ...input], env)
      expect(again.code, again.stderr).toBe(0)
      expect(github.reviews).toHaveLength(1)
      expect(again.stderr).toContain('was already reviewed')
      // Public, as GitHub's repository endpoint says: DeepSeek.
      const meta = JSON.parse(
        readFileSync(
          join(FIXTURES_DIR, 'requests-digest-auth-nonce-fix', 'meta.json'),
          'utf8',
        ),
      ) as { private: boolean }
      expect(meta.private).toBe(false)
    },
  )
})

describe('cost-aware-review estimate, checking the configuration', () => {
  it.skipIf(!hasShared)(
    'says what max-cost-usd would do, and fails as the action would for an unpriced model',
    async () => {
      const diff = join(
        FIXTURES_DIR,
        'requests-digest-auth-nonce-fix',
        'pr.diff',
      )
      const tight = await runCli([
        'estimate',
        '--diff',
        diff,
        '--public',
        '--input',
        'max-cost-usd=0.0001',
      ])
      expect(tight.code).toBe(0)
      expect(tight.stdout).toContain('the expected cost does not fit')
      const unpriced = await runCli([
        'estimate',
        '--diff',
        diff,
        '--input',
        'private-provider=self-hosted',
        '--input',
        'self-hosted-url=http://127.0.0.1:9/v1',
        '--input',
        'self-hosted-model=qwen3-coder',
        '--input',
        'max-cost-usd=1',
      ])
      expect(unpriced.code).toBe(1)
      expect(unpriced.stdout).toContain('no price is known for "qwen3-coder"')
    },
  )

  it('lists a file with a line too large for one call as not reviewed', async () => {
    const huge = Array.from({ length: 3_000 }, (_, k) => `v${k}`).join(', ')
    const patch = join(mkdtempSync(join(tmpdir(), 'car-cli-')), 'big.patch')
    writeFileSync(
      patch,
      'diff --git a/src/table.ts b/src/table.ts\n' +
        '--- a/src/table.ts\n+++ b/src/table.ts\n' +
        `@@ -1,1 +1,2 @@\n export {}\n+export const table = [${huge}]\n`,
    )
    const result = await runCli([
      'estimate',
      '--diff',
      patch,
      '--input',
      'max-prompt-tokens=2200',
    ])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('1 file in')
    expect(result.stdout).toContain('0 to review')
    expect(result.stdout).toContain(
      'not reviewed: src/table.ts: too large for one model call',
    )
  })

  it('reads a patch from standard input, and refuses a file that is not a patch', async () => {
    const patch =
      'diff --git a/src/a.ts b/src/a.ts\n--- a/src/a.ts\n+++ b/src/a.ts\n' +
      '@@ -1,1 +1,1 @@\n-old()\n+fresh()\n'
    const piped = await runCli(['estimate', '--diff', '-'], {}, patch)
    expect(piped.code, piped.stderr).toBe(0)
    expect(piped.stdout).toContain('1 file in standard input; 1 to review.')

    const excluded = await runCli(
      ['estimate', '--diff', '-', '--input', 'exclude=src/**'],
      {},
      patch,
    )
    expect(excluded.stdout).toContain('0 to review')
    expect(excluded.stdout).toMatch(/^chosen route +openai gpt-5 +0 /m)

    const prose = await runCli(['estimate', '--diff', '-'], {}, '# Notes\n')
    expect(prose.code).toBe(1)
    expect(prose.stderr).toContain(
      'standard input is not a patch: no file diffs in it',
    )
  })

  it('says when a patch holds nothing, and what to do about an unreadable one', async () => {
    const missing = await runCli([
      'estimate',
      '--diff',
      '/nonexistent/change.patch',
    ])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(
      'cannot read the patch file /nonexistent/change.patch (ENOENT)',
    )
  })
})
