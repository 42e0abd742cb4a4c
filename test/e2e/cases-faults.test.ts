/**
 * The cases of ../shared/cases about providers, replies, drafts and GitHub
 * Enterprise Server, each run end to end with its own data.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { GitHubFile } from '../emulators/github'
import type { ReplySpec } from '../emulators/llm'
import { CASES_DIR, hasShared } from '../shared'
import {
  reviewSynthetic,
  type SyntheticPr,
  type SyntheticRun,
} from './synthetic'

/** A case file; each test names the fields of `input` it reads. */
interface Case<Input> {
  input: Input
}

interface ProviderResponse {
  status: number
  body: unknown
}

interface RateLimitInput {
  rate_limited_response: ProviderResponse
  quota_exhausted_response: ProviderResponse
  files_to_review: number
}

interface FencedReplyInput {
  response_message_content: string
}

interface MaxTokensInput {
  request_body: { model: string }
}

interface TruncationInput {
  response_body: {
    choices: [
      {
        finish_reason: ReplySpec['finishReason']
        message: { content: string }
      },
    ]
    usage: {
      completion_tokens: number
      completion_tokens_details: { reasoning_tokens: number }
    }
  }
}

interface DraftStep {
  action: string
  pull_request: { draft: boolean }
}

interface DraftInput {
  event_1: DraftStep
  event_2: DraftStep
  event_3: DraftStep
}

interface EnterpriseInput {
  event: { repository: { private: boolean } }
  runner_env: { GITHUB_SERVER_URL: string }
}

/** The parsed case file, to be cast to the `Case` its test reads. */
function readCase(prefix: string): unknown {
  const name = readdirSync(CASES_DIR).find((file) =>
    file.startsWith(`${prefix}-`),
  )
  if (!name) throw new Error(`no case ${prefix} in ${CASES_DIR}`)
  return parse(readFileSync(join(CASES_DIR, name), 'utf8'))
}

const runs: SyntheticRun[] = []
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.close()))
})

async function review(pr: SyntheticPr): Promise<SyntheticRun> {
  const result = await reviewSynthetic(pr)
  runs.push(result)
  return result
}

function files(count: number): GitHubFile[] {
  return Array.from({ length: count }, (_, n) => ({
    filename: `src/file${n}.ts`,
    status: 'modified',
    additions: 1,
    deletions: 0,
    changes: 1,
    patch: [
      `@@ -10,3 +10,4 @@ function f${n}() {`,
      ' const a = 1',
      ' const b = 2',
      `+const c = ${n}`,
      ' return a + b',
    ].join('\n'),
  }))
}

describe.skipIf(!hasShared)('cases about providers and replies', () => {
  it('19: waits out a rate limit and reviews all 4 files; never retries an exhausted quota', async () => {
    const testCase = readCase('19') as Case<RateLimitInput>
    const limited = testCase.input.rate_limited_response
    const result = await review({
      files: files(testCase.input.files_to_review),
      findings: [{ path: 'src/file3.ts', line: 12, body: 'A finding.' }],
      // The case waits 20 s; the test keeps its shape with 1 s.
      beforeRun: (_g, deepseek) => {
        deepseek.inject({
          status: limited.status,
          headers: { 'retry-after': '1' },
          body: limited.body,
        })
      },
    })
    expect(result.run.exitCode, result.run.stdout).toBe(0)
    expect(result.deepseek.calls.map((call) => call.status)).toEqual([429, 200])
    expect(result.run.summary).toContain('Files: 4 reviewed, 0 not reviewed')

    const quota = testCase.input.quota_exhausted_response
    const broke = await review({
      files: files(4),
      beforeRun: (_g, deepseek) => {
        deepseek.inject({ status: quota.status, body: quota.body })
      },
    })
    expect(broke.deepseek.calls).toHaveLength(1)
    expect(broke.run.exitCode).toBe(1)
    expect(broke.run.stdout).toContain('out of quota')
    expect(broke.run.summary).toMatch(/\| 1 \| `deepseek-flash` \| 4 \|/)
  })

  it('20: removes one fence around the whole reply and posts the finding on its line', async () => {
    const testCase = readCase('20') as Case<FencedReplyInput>
    // The case's reply uses another tool's field names; the fence is kept
    // exactly, the content is in this action's shape.
    const theirs = JSON.parse(
      testCase.input.response_message_content.replace(/^```json\n|\n```$/g, ''),
    ) as { reviews: Array<{ lineNumber: number; reviewComment: string }> }
    const ours = {
      summary: 'One problem.',
      comments: theirs.reviews.map((r) => ({
        path: 'src/file0.ts',
        line: r.lineNumber,
        body: r.reviewComment,
        severity: 'major',
      })),
    }
    const fenced = testCase.input.response_message_content.replace(
      /\{[\s\S]*\}/,
      JSON.stringify(ours),
    )
    const result = await review({
      files: files(1),
      beforeRun: (_g, deepseek) => {
        deepseek.inject({ reply: { content: fenced } })
      },
    })
    expect(result.run.exitCode, result.run.stdout).toBe(0)
    expect(result.deepseek.calls).toHaveLength(1)
    expect(result.review?.comments.map((c) => c.line)).toEqual([12])
  })

  it('21: a reasoning model behind another provider rejects max_tokens: renamed once, then remembered', async () => {
    const testCase = readCase('21') as Case<MaxTokensInput>
    const result = await review({
      files: files(2),
      private: true,
      findings: [{ path: 'src/file0.ts', line: 12, body: 'A finding.' }],
      inputs: {
        'private-provider': 'self-hosted',
        'self-hosted-model': testCase.input.request_body.model,
        'max-prompt-tokens': '2000',
      },
      // The "self-hosted" server here is an OpenAI one serving gpt-5.
      selfHostedFlavour: 'openai',
    })
    expect(result.run.exitCode, result.run.stdout).toBe(0)
    const bodies = result.selfHosted.calls.map((call) => call.body)
    expect(bodies[0]).toHaveProperty('max_tokens')
    expect(result.selfHosted.calls[0]!.status).toBe(400)
    const answered = result.selfHosted.calls.filter(
      (call) => call.status === 200,
    )
    expect(answered.length).toBeGreaterThan(0)
    for (const call of answered) {
      expect(call.body).toHaveProperty('max_completion_tokens')
      expect(call.body).not.toHaveProperty('max_tokens')
    }
  })

  it('23: reports truncation as truncation, with its reasoning tokens, and bills them', async () => {
    const testCase = readCase('23') as Case<TruncationInput>
    const response = testCase.input.response_body
    const choice = response.choices[0]
    const result = await review({
      files: files(1),
      findings: [{ path: 'src/file0.ts', line: 12, body: 'A finding.' }],
      inputs: { 'deepseek-thinking': 'true' },
      beforeRun: (_g, deepseek) => {
        deepseek.inject({
          reply: {
            content: choice.message.content,
            finishReason: choice.finish_reason,
            reasoningTokens:
              response.usage.completion_tokens_details.reasoning_tokens,
            completionTokens: response.usage.completion_tokens,
          },
        })
      },
    })
    expect(result.run.stdout).toContain(
      `model output truncated at max_tokens=32768 (${response.usage.completion_tokens_details.reasoning_tokens} reasoning tokens)`,
    )
    expect(result.run.stdout).not.toContain('not valid JSON')
    expect(Number(result.run.outputs['output-tokens'])).toBeGreaterThanOrEqual(
      response.usage.completion_tokens,
    )
    expect(result.run.summary).toContain(`(${(7900).toLocaleString('en-US')}`)
  })

  it('29: a request that hangs is abandoned at its deadline and retried', async () => {
    const result = await review({
      files: files(1),
      findings: [{ path: 'src/file0.ts', line: 12, body: 'A finding.' }],
      inputs: { 'request-timeout-seconds': '1' },
      beforeRun: (_g, deepseek) => {
        deepseek.inject({ hang: true })
      },
    })
    expect(result.run.exitCode, result.run.stdout).toBe(0)
    expect(result.review?.comments).toHaveLength(1)
  })
})

describe.skipIf(!hasShared)('cases about events and servers', () => {
  it('28: drafts are skipped until ready_for_review, which reviews the whole pull request', async () => {
    const testCase = readCase('28') as Case<DraftInput>
    const steps = [
      testCase.input.event_1,
      testCase.input.event_2,
      testCase.input.event_3,
    ]
    const outcomes: string[] = []
    for (const step of steps) {
      const result = await review({
        files: files(1),
        action: step.action,
        draft: step.pull_request.draft,
        findings: [{ path: 'src/file0.ts', line: 12, body: 'A finding.' }],
      })
      outcomes.push(
        `${step.action}: ${result.deepseek.calls.length} calls, ${result.github.reviews.length} reviews` +
          (result.run.stdout.includes(
            '::notice::Not reviewed: draft pull request',
          )
            ? ', draft notice'
            : ''),
      )
      expect(result.run.exitCode).toBe(0)
    }
    expect(outcomes).toEqual([
      'opened: 0 calls, 0 reviews, draft notice',
      'synchronize: 0 calls, 0 reviews, draft notice',
      'ready_for_review: 1 calls, 1 reviews',
    ])
  })

  it('27: on GitHub Enterprise Server, every request goes to GITHUB_API_URL, without rate-limit headers', async () => {
    const testCase = readCase('27') as Case<EnterpriseInput>
    const result = await review({
      files: files(1),
      private: testCase.input.event.repository.private,
      findings: [{ path: 'src/file0.ts', line: 12, body: 'A finding.' }],
      apiPath: '/api/v3',
      githubOptions: { rateLimitHeaders: false },
      env: { GITHUB_SERVER_URL: testCase.input.runner_env.GITHUB_SERVER_URL },
    })
    expect(result.run.exitCode, result.run.stdout).toBe(0)
    expect(
      result.github.requests.every((request) =>
        request.path.startsWith('/api/v3/'),
      ),
    ).toBe(true)
    expect(result.deepseek.calls).toEqual([])
    expect(result.openai.calls).toHaveLength(1)
    expect(result.review?.comments).toHaveLength(1)
  })
})
