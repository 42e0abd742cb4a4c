/**
 * A large pull request in which most model calls fail, end to end: every
 * failed call notes the files it lost, and the review must still fit
 * GitHub's size limit, leaving the full lists to the job summary.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { GitHubFile } from '../emulators/github'
import type { ChatRequest, ReplySpec } from '../emulators/llm'
import { MAX_BODY_LENGTH } from '../../src/report/review-body'
import { listedFile } from '../helpers'
import { reviewSynthetic, type SyntheticRun } from './synthetic'

const DIR =
  'services/payments-gateway/src/main/java/com/example/payments/gateway/' +
  'infrastructure/persistence/adapters/outbound/repositories/jpa/entities'

// 400 files with 150-character paths, and one the model answers for.
const FILES: GitHubFile[] = [
  listedFile('src/ok.ts', '@@ -0,0 +1,1 @@\n+export const ok = true', {
    status: 'added',
  }),
  ...Array.from({ length: 400 }, (_, n) =>
    listedFile(
      `${DIR}/PaymentLedgerEntryEntity${String(n).padStart(4, '0')}.java`,
      `@@ -0,0 +1,1 @@\n+class E${n} {}`,
      { status: 'added' },
    ),
  ),
]

let open: SyntheticRun | undefined
afterEach(async () => {
  await open?.close()
  open = undefined
})

/** Runs the action with small calls, all but the one for src/ok.ts failing. */
async function reviewFailing(
  fail: (request: ChatRequest, call: number) => ReplySpec,
): Promise<SyntheticRun> {
  let calls = 0
  open = await reviewSynthetic({
    files: FILES,
    inputs: { 'max-prompt-tokens': '3000' },
    respond: (request) =>
      request.prompt.includes('FILE: src/ok.ts\n')
        ? { content: JSON.stringify({ summary: 'Fine.', comments: [] }) }
        : fail(request, ++calls),
  })
  return open
}

function expectPosted(result: SyntheticRun): string {
  expect(result.run.exitCode, result.run.stdout).toBe(0)
  expect(result.github.rejections).toEqual([])
  expect(result.github.reviews).toHaveLength(1)
  const body = result.review!.body
  expect(body.length).toBeLessThanOrEqual(MAX_BODY_LENGTH)
  // The job summary lists every file, and why it was not reviewed.
  for (const file of FILES.slice(1)) {
    expect(result.run.summary).toContain(file.filename)
  }
  return body
}

describe('a review of a large pull request whose calls fail', () => {
  it('says once for all calls that failed the same way', async () => {
    const result = await reviewFailing(() => ({
      content: 'Sorry, I cannot help with that request.',
    }))
    const body = expectPosted(result)
    const notes = body.match(/> (?:A model call|\d+ model calls) failed/g)
    expect(notes).toHaveLength(1)
    expect(body).toMatch(
      /> \d+ model calls failed \(unusable reply: the reply is not valid JSON [^\n]*\); not reviewed: [^\n]* and \d+ more \(see the job summary\)\./,
    )
  }, 60_000)

  it('keeps the notes of calls that failed each its own way under the limit, saying how many were cut', async () => {
    const result = await reviewFailing((_, call) => ({
      content: `Call ${call}: sorry, I cannot help with that request.`,
    }))
    const body = expectPosted(result)
    expect(body.match(/> A model call failed/g)?.length).toBeGreaterThan(1)
    expect(body).toMatch(
      /…and \d+ more notes, cut to stay under GitHub's size limit: the job summary has them all\./,
    )
    expect(result.run.summary).toContain('Call 20: sorry')
  }, 60_000)
})
