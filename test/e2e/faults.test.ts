/**
 * Faults injected into both emulators, end to end: the action retries what
 * a retry can fix, within its deadlines, and otherwise says what went wrong
 * and keeps what it has.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { GitHubFile } from '../emulators/github'
import type { LlmFault } from '../emulators/llm'
import {
  reviewSynthetic,
  type SyntheticPr,
  type SyntheticRun,
} from './synthetic'

const runs: SyntheticRun[] = []
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.close()))
})

function file(n: number, extra = 0): GitHubFile {
  const lines = Array.from(
    { length: extra },
    (_, k) => `+export const more${n}_${k} = compute(${k}, 'argument ${k}')`,
  )
  return {
    filename: `src/file${n}.ts`,
    status: 'modified',
    additions: 1 + extra,
    deletions: 0,
    changes: 1 + extra,
    patch: [
      `@@ -1,1 +1,${2 + extra} @@`,
      ' export {}',
      `+export const value${n} = ${n}`,
      ...lines,
    ].join('\n'),
  }
}

const finding = { path: 'src/file1.ts', line: 2, body: 'A finding.' }

async function withModelFault(fault: LlmFault, pr: Partial<SyntheticPr> = {}) {
  const result = await reviewSynthetic({
    files: [file(1)],
    findings: [finding],
    ...pr,
    beforeRun: (_github, deepseek) => {
      deepseek.inject(fault)
    },
  })
  runs.push(result)
  return result
}

describe('model provider faults', () => {
  it.each([
    [
      '429 with retry-after',
      {
        status: 429,
        headers: { 'retry-after': '1' },
        body: { error: { message: 'Rate limit reached', type: 'requests' } },
      },
    ],
    [
      '500',
      {
        status: 500,
        body: { error: { message: 'Internal error', type: 'server_error' } },
      },
    ],
    [
      '503',
      {
        status: 503,
        body: { error: { message: 'Server overloaded', type: 'server_error' } },
      },
    ],
  ] as const)('retries a %s and reviews', async (_, fault) => {
    const result = await withModelFault(fault)
    expect(result.run.exitCode, result.run.stdout + result.run.stderr).toBe(0)
    expect(result.deepseek.calls.map((call) => call.status)).toEqual([
      fault.status,
      200,
    ])
    expect(result.review?.comments).toHaveLength(1)
  })

  it('blames the base URL, not the model, when the server serves no /v1 there', async () => {
    let root = ''
    const result = await reviewSynthetic({
      files: [file(1)],
      private: true,
      inputs: { 'private-provider': 'self-hosted' },
      // Written as vLLM prints it, http://host:8000, without the /v1.
      selfHostedUrl: (url) => (root = url.replace(/\/v1$/, '')),
    })
    runs.push(result)
    expect(result.run.exitCode).toBe(1)
    expect(result.run.stdout).toContain(
      `::error::self-hosted (${root}) answered 404 without naming the ` +
        'model: the base URL is probably wrong. Check the `self-hosted-url` ' +
        'input; OpenAI-compatible servers serve the API under /v1, so try ' +
        `\`${root}/v1\`.`,
    )
    expect(result.run.stdout).not.toContain('does not know the model')
    // No request reached the chat endpoint, which is under /v1.
    expect(result.selfHosted.calls).toEqual([])
  })

  it('does not retry a 429 that says the account is out of quota, and says so', async () => {
    const result = await withModelFault({
      status: 429,
      body: {
        error: {
          message:
            'You exceeded your current quota, please check your plan and billing details.',
          type: 'insufficient_quota',
          code: 'insufficient_quota',
        },
      },
    })
    expect(result.deepseek.calls).toHaveLength(1)
    expect(result.run.exitCode).toBe(1)
    expect(result.run.stdout).toContain('account is out of quota (429)')
    expect(result.github.reviews).toEqual([])
  })

  it('gives up on a hanging call at the request timeout, then retries', async () => {
    const result = await withModelFault(
      { hang: true },
      { inputs: { 'request-timeout-seconds': '1' } },
    )
    expect(result.run.exitCode, result.run.stdout + result.run.stderr).toBe(0)
    expect(
      result.deepseek.calls.filter((call) => call.status === 200),
    ).toHaveLength(1)
    expect(result.review?.comments).toHaveLength(1)
    expect(result.run.durationMs).toBeLessThan(15_000)
  })

  it('stops at the run deadline, posts what it has and lists what it did not review', async () => {
    const result = await reviewSynthetic({
      files: [file(1, 30), file(2, 30)],
      findings: [finding],
      inputs: {
        'max-prompt-tokens': '2200',
        'run-timeout-minutes': '0.05',
        'request-timeout-seconds': '60',
      },
      beforeRun: (_github, deepseek) => {
        // The first call answers; every later one hangs.
        deepseek.inject({
          reply: {
            content: JSON.stringify({
              summary: 'First part.',
              comments: [finding],
            }),
          },
        })
        deepseek.inject({ hang: true, times: 10 })
      },
    })
    runs.push(result)
    expect(result.deepseek.calls.length).toBeGreaterThanOrEqual(2)
    expect(result.run.durationMs).toBeLessThan(20_000)
    expect(result.review?.comments).toHaveLength(1)
    expect(result.run.summary).toContain(
      'the run reached `run-timeout-minutes`',
    )
    expect(result.run.exitCode, result.run.stdout).toBe(0)
    expect(result.run.stdout).toContain('::warning::')
  })

  it('quotes a finding it had to drop, so its text is not lost', async () => {
    const dropped = {
      path: 'src/file1.ts',
      line: null,
      severity: 'critical',
      body: 'SQL is built from userId without escaping.',
    }
    const result = await withModelFault({
      reply: {
        content: JSON.stringify({ summary: 'One issue.', comments: [dropped] }),
      },
    })
    expect(result.review?.body).toContain(
      '1 item of the model\'s reply did not match the expected shape and was dropped: comments[0]: missing or invalid "line"',
    )
    expect(result.review?.body).toContain(dropped.body)
    expect(result.run.summary).toContain(dropped.body)
  })

  it('shows a finding the model repeats once, in the review and in the summary', async () => {
    const result = await reviewSynthetic({
      files: [file(1)],
      findings: [finding, { ...finding }],
    })
    runs.push(result)
    expect(result.review?.comments).toHaveLength(1)
    expect(result.run.summary).toContain('<summary>Findings (1)</summary>')
  })

  it('does not count a file as reviewed when one of its lines was too large to send', async () => {
    const huge = Array.from({ length: 3_000 }, (_, k) => `v${k}`).join(', ')
    const mixed: GitHubFile = {
      filename: 'src/table.ts',
      status: 'modified',
      additions: 1,
      deletions: 1,
      changes: 2,
      patch:
        '@@ -1,2 +1,1 @@\n export {}\n-export const old = 1\n' +
        '@@ -40,1 +39,2 @@\n export {}\n' +
        `+export const table = [${huge}]`,
    }
    const result = await reviewSynthetic({
      files: [mixed],
      inputs: { 'max-prompt-tokens': '2200' },
    })
    runs.push(result)
    expect(result.run.exitCode, result.run.stdout).toBe(0)
    expect(result.run.summary).toContain('Files: 0 reviewed, 1 not reviewed')
    expect(result.run.summary).toContain(
      'Too large for one model call, not reviewed: `src/table.ts` (from line 40)',
    )
    expect(result.run.summary).toContain(
      'too large for one model call (`max-prompt-tokens`)',
    )
  })

  it('recovers JSON wrapped in a Markdown fence', async () => {
    const reply = {
      content:
        '```json\n' +
        JSON.stringify({ summary: 's', comments: [finding] }) +
        '\n```',
    }
    const result = await withModelFault({ reply })
    expect(result.run.exitCode).toBe(0)
    expect(result.deepseek.calls).toHaveLength(1)
    expect(result.review?.comments).toHaveLength(1)
  })

  it('asks once more after a reply that is not JSON', async () => {
    const result = await withModelFault({
      reply: { content: 'Sure! Here are my thoughts: the code looks fine' },
    })
    expect(result.run.exitCode, result.run.stdout).toBe(0)
    expect(result.deepseek.calls).toHaveLength(2)
    expect(result.run.stdout).toContain('unusable reply')
    expect(result.review?.comments).toHaveLength(1)
  })

  it('splits a call whose reply was cut off at the output cap', async () => {
    const truncated = {
      reply: {
        content: '{"summary": "cut',
        finishReason: 'length' as const,
        completionTokens: 8192,
      },
    }
    const result = await reviewSynthetic({
      files: [file(1), file(2)],
      findings: [finding],
      beforeRun: (_github, deepseek) => {
        deepseek.inject(truncated)
      },
    })
    runs.push(result)
    expect(result.run.exitCode, result.run.stdout).toBe(0)
    expect(result.run.stdout).toContain(
      'model output truncated at max_tokens=8192',
    )
    const parts = result.deepseek.calls
      .slice(1)
      .map((call) => call.prompt.match(/^FILE: .+$/gm))
    expect(parts).toEqual([['FILE: src/file1.ts'], ['FILE: src/file2.ts']])
    // The cut-off call was paid for, and is in the bill.
    expect(Number(result.run.outputs['output-tokens'])).toBeGreaterThanOrEqual(
      8192,
    )
    expect(result.review?.comments).toHaveLength(1)
  })

  it('gives a single hunk cut off at the cap twice the room, once', async () => {
    const truncated = {
      reply: {
        content: '{"summary": "cut',
        finishReason: 'length' as const,
        completionTokens: 8192,
      },
    }
    const result = await withModelFault(truncated)
    expect(result.run.exitCode, result.run.stdout).toBe(0)
    expect(result.deepseek.calls.map((call) => call.outputCap)).toEqual([
      8192, 16384,
    ])
  })
})

describe('GitHub faults', () => {
  it('waits out a secondary rate limit on posting, then posts', async () => {
    const result = await reviewSynthetic({
      files: [file(1)],
      findings: [finding],
      beforeRun: (github) => {
        github.inject({
          method: 'POST',
          path: /\/reviews$/,
          status: 403,
          headers: { 'retry-after': '1' },
          body: {
            message:
              'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          },
        })
      },
    })
    runs.push(result)
    expect(result.run.exitCode, result.run.stdout).toBe(0)
    expect(
      result.github.requests
        .filter((r) => r.method === 'POST')
        .map((r) => r.status),
    ).toEqual([403, 200])
    expect(result.run.stdout).toContain("GitHub's secondary rate limit was hit")
  })

  it('retries a 500 from the files endpoint', async () => {
    const result = await reviewSynthetic({
      files: [file(1)],
      findings: [finding],
      beforeRun: (github) => {
        github.inject({
          method: 'GET',
          path: /\/files$/,
          status: 500,
          body: { message: 'Server Error' },
        })
      },
    })
    runs.push(result)
    expect(result.run.exitCode, result.run.stdout).toBe(0)
    expect(
      result.github.requests
        .filter((r) => r.path.endsWith('/files'))
        .map((r) => r.status),
    ).toEqual([500, 200])
  })
})
