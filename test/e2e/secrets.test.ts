/**
 * A pull request with a planted credential of every kind the action knows:
 * none reaches any provider, comments on those lines still land on them,
 * and the summary counts them without showing one.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { GitHubFile } from '../emulators/github'
import { noise } from '../helpers'
import { reviewSynthetic, type SyntheticRun } from './synthetic'

const runs: SyntheticRun[] = []
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.close()))
})

const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const secrets = {
  pemBody: `MII${noise(61, 1)}`,
  awsAccessKey: `AKIA${noise(16, 2, upper)}`,
  awsSecretKey: `${noise(20, 3)}/${noise(19, 4)}`,
  githubToken: `ghp_${noise(36, 5)}`,
  openaiKey: `sk-proj-${noise(40, 6)}1`,
  anthropicKey: `sk-ant-api03-${noise(40, 7)}`,
  slackToken: `xoxb-${noise(12, 8, '0123456789')}-${noise(24, 9)}`,
  stripeKey: `sk_live_${noise(24, 10)}`,
  googleKey: `AIza${noise(35, 11)}`,
  jwt: `eyJhbGciOiJIUzI1NiJ9.eyJ${noise(30, 12)}.${noise(43, 13)}`,
  dbPassword: `p4ss${noise(12, 14)}`,
  assigned: `${noise(24, 15)}9x`,
  titleToken: `ghs_${noise(36, 16)}`,
}

const lines = [
  'export const config = {',
  `  awsAccessKeyId: '${secrets.awsAccessKey}',`,
  `  aws_secret_access_key: '${secrets.awsSecretKey}',`,
  `  github: '${secrets.githubToken}',`,
  `  openai: '${secrets.openaiKey}',`,
  `  anthropic: '${secrets.anthropicKey}',`,
  `  slack: '${secrets.slackToken}',`,
  `  stripe: '${secrets.stripeKey}',`,
  `  maps: '${secrets.googleKey}',`,
  `  session: '${secrets.jwt}',`,
  `  database: 'postgres://app:${secrets.dbPassword}@db.internal:5432/app',`,
  `  client_secret: '${secrets.assigned}',`,
  '}',
  'export const deployKey = `',
  '-----BEGIN RSA PRIVATE KEY-----',
  secrets.pemBody,
  noise(64, 17),
  '-----END RSA PRIVATE KEY-----',
  '`',
]
const file: GitHubFile = {
  filename: 'src/config.ts',
  status: 'added',
  additions: lines.length,
  deletions: 0,
  changes: lines.length,
  patch: `@@ -0,0 +1,${lines.length} @@\n${lines.map((line) => `+${line}`).join('\n')}`,
}

describe('planted credentials', () => {
  it('reach no provider; findings on their lines stay anchored', async () => {
    const result = await reviewSynthetic({
      files: [file],
      title: `Add config (token ${secrets.titleToken})`,
      body: `Uses ${secrets.githubToken} for now.`,
      findings: [
        {
          path: 'src/config.ts',
          line: 4,
          quote: "  github: '[REDACTED:github-token]',",
          severity: 'critical',
          body: 'A token is committed in the source.',
        },
        {
          path: 'src/config.ts',
          line: 16,
          severity: 'critical',
          body: 'A private key is committed.',
        },
      ],
    })
    runs.push(result)
    expect(result.run.exitCode, result.run.stdout + result.run.stderr).toBe(0)

    const sent = JSON.stringify(
      [result.deepseek, result.openai, result.selfHosted].flatMap((server) =>
        server.calls.map((c) => c.body),
      ),
    )
    expect(sent).toContain('[REDACTED:github-token]')
    const leaked = Object.entries(secrets).filter(([, value]) =>
      sent.includes(value),
    )
    expect(leaked.map(([name]) => name)).toEqual([])

    expect(result.review!.comments.map((c) => `${c.line}:${c.side}`)).toEqual([
      '4:RIGHT',
      '16:RIGHT',
    ])
    // One of each kind in the file; the title and description add two
    // GitHub tokens.
    expect(result.run.summary).toContain(
      '14 credentials were replaced by placeholders before any model saw the pull request ' +
        '(3 github-token, 1 private-key, 1 aws-access-key, 1 aws-secret-key, 1 openai-key, ' +
        '1 anthropic-key, 1 slack-token, 1 stripe-key, 1 google-api-key, 1 jwt, ' +
        '1 connection-string-password, 1 assigned-secret)',
    )
    const published =
      result.run.summary + result.review!.body + result.run.stdout
    expect(
      Object.entries(secrets).filter(([, value]) => published.includes(value)),
    ).toEqual([])
  })
})

describe('the action’s own keys', () => {
  it('are masked, and never logged, summarized, sent to GitHub or put in a prompt', async () => {
    const keys = {
      'deepseek-api-key': 'test-key',
      'openai-api-key': `sk-live-${noise(24, 40)}`,
      'github-token': `ghs_${noise(36, 41)}`,
    }
    const result = await reviewSynthetic({
      files: [file],
      inputs: keys,
      findings: [{ path: 'src/config.ts', line: 1, body: 'A finding.' }],
    })
    runs.push(result)
    expect(result.run.exitCode, result.run.stdout).toBe(0)
    for (const key of Object.values(keys)) {
      expect(result.run.stdout).toContain(`::add-mask::${key}`)
      const lines = result.run.stdout
        .split('\n')
        .filter((line) => line.includes(key))
      expect(lines).toEqual([`::add-mask::${key}`])
      expect(result.run.summary).not.toContain(key)
      expect(
        JSON.stringify(result.github.requests.map((r) => r.body)),
      ).not.toContain(key)
      expect(
        JSON.stringify(result.deepseek.calls.map((c) => c.body)),
      ).not.toContain(key)
    }
  })
})
