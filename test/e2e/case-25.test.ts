/**
 * Case 25 of ../shared/cases: a push adds a line above an earlier finding,
 * and the model reports the same problem on the shifted line in other
 * words. The fingerprint follows the code, not the line number, so no
 * second copy is posted, and the earlier review is amended in place.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import {
  startGitHubEmulator,
  type GitHubEmulator,
  type GitHubFile,
} from '../emulators/github'
import { startLlmEmulator, type LlmEmulator } from '../emulators/llm'
import { CASES_DIR, hasShared } from '../shared'
import { runAction } from './harness'

/** Parsed with `intAsBigInt`, so every integer, the shas too, is a bigint. */
interface Case25 {
  input: {
    event: { action: string; before: bigint; after: bigint }
    existing_review_comments: Array<{
      path: string
      line: bigint
      body: string
    }>
    new_model_findings: Array<{
      path: string
      line: bigint
      quote: string
      body: string
    }>
  }
}

const servers: Array<GitHubEmulator | LlmEmulator> = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

function added(path: string, lines: string[]): GitHubFile {
  return {
    filename: path,
    status: 'added',
    additions: lines.length,
    deletions: 0,
    changes: lines.length,
    patch: `@@ -0,0 +1,${lines.length} @@\n${lines.map((line) => `+${line}`).join('\n')}`,
  }
}

describe.skipIf(!hasShared)(
  'case 25: duplicate comments on synchronize',
  () => {
    it('posts no second copy of a finding whose code moved down one line', async () => {
      const name = readdirSync(CASES_DIR).find((file) =>
        file.startsWith('25-'),
      )!
      // The shas are all digits: read them as big integers to keep every one.
      const testCase = parse(readFileSync(join(CASES_DIR, name), 'utf8'), {
        intAsBigInt: true,
      }) as Case25
      const before = String(testCase.input.event.before)
      const after = String(testCase.input.event.after)
      const existing = testCase.input.existing_review_comments.map((c) => ({
        ...c,
        line: Number(c.line),
      }))[0]
      const finding = testCase.input.new_model_findings.map((f) => ({
        ...f,
        line: Number(f.line),
      }))[0]
      const base = '0'.repeat(40)

      // The file before and after the push: the fetch call is on line 14,
      // then on line 15.
      const top = Array.from({ length: 13 }, (_, n) => `// line ${n + 1}`)
      const call = finding!.quote
      const fileBefore = added(finding!.path, [
        ...top,
        `  ${call}`,
        '  return res',
      ])
      const fileAfter = added(finding!.path, [
        ...top,
        '  const url = endpoint()',
        `  ${call}`,
        '  return res',
      ])

      const replies = [
        {
          path: existing!.path,
          line: existing!.line,
          quote: call,
          body: existing!.body.split('\n')[0],
        },
        finding!,
      ]
      const github = await startGitHubEmulator()
      const deepseek = await startLlmEmulator({
        flavour: 'deepseek',
        respond: () => ({
          content: JSON.stringify({
            summary: 'Review.',
            comments: [{ severity: 'major', ...replies.shift() }],
          }),
        }),
      })
      servers.push(github, deepseek)
      const repository = { full_name: 'octo-org/sample-repo', private: false }
      const pull = (head: string) => ({
        number: 25,
        title: 'Client',
        body: '',
        user: { login: 'octocat' },
        head: { sha: head, repo: repository },
        base: { sha: base, repo: repository },
      })
      github.addPullRequest({
        owner: 'octo-org',
        repo: 'sample-repo',
        number: 25,
        files: [fileBefore],
        pull: pull(before),
        repository,
        commits: [
          { sha: base, parents: [] },
          { sha: before, parents: [base] },
          { sha: after, parents: [before] },
        ],
        compareFiles: {
          [`${before}...${after}`]: [
            {
              filename: finding!.path,
              status: 'modified',
              additions: 1,
              deletions: 0,
              changes: 1,
              patch: `@@ -11,5 +11,6 @@\n // line 11\n // line 12\n // line 13\n+  const url = endpoint()\n   ${call}\n   return res`,
            },
          ],
        },
      })
      const run = (action: string, head: string) =>
        runAction({
          event: { action, repository, pull_request: pull(head) },
          apiUrl: github.url,
          inputs: {
            'deepseek-api-key': 'test-key',
            'deepseek-base-url': deepseek.url,
          },
        })

      expect((await run('opened', before)).exitCode).toBe(0)
      expect(github.reviewComments.map((c) => c.line)).toEqual([existing!.line])

      github.setHead('octo-org', 'sample-repo', 25, after, [fileAfter])
      const second = await run(testCase.input.event.action, after)
      expect(second.exitCode, second.stdout + second.stderr).toBe(0)
      expect(github.reviewComments).toHaveLength(1)
      expect(github.reviews).toHaveLength(1)
      expect(github.requests.filter((r) => r.method === 'PUT')).toHaveLength(1)
      expect(second.summary).toContain(
        '1 finding posted by an earlier review not repeated',
      )
    })
  },
)
