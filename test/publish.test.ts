import { describe, expect, it } from 'vitest'
import { placeFindings } from '../src/diff/anchor'
import type { Finding, Severity } from '../src/findings'
import { historyOf, NO_HISTORY, type History } from '../src/github/history'
import type { ReviewDraft, ReviewPoster } from '../src/github/review'
import { publish } from '../src/publish'
import { MAX_RUNS, parseReviewMarker } from '../src/report/markers'
import { MAX_BODY_LENGTH } from '../src/report/review-body'
import { StandingFindings, standingOf } from '../src/standing'
import { diffFile } from './helpers'

// Two identical lines, as Go error handling often has.
const file = diffFile(
  'store/load.go',
  '@@ -0,0 +1,8 @@\n+data, err := read(path)\n+if err != nil {\n+\treturn nil, err\n+}\n+value, err := decode(data)\n+if err != nil {\n+\treturn nil, err\n+}',
)

function finding(line: number, body: string, severity: Severity = 'major') {
  return {
    path: file.path,
    line,
    side: 'RIGHT',
    severity,
    body,
    quote: 'return nil, err',
  } satisfies Finding
}

function recordingPoster(): ReviewPoster & { drafts: ReviewDraft[] } {
  const drafts: ReviewDraft[] = []
  return {
    drafts,
    post(draft) {
      drafts.push(draft)
      return Promise.resolve({ id: drafts.length })
    },
    update() {
      return Promise.reject(new Error('not expected in this test'))
    },
  }
}

const place = (findings: Finding[]) =>
  placeFindings(findings, [file], new Set([file.path]))

function inputFor(findings: Finding[]) {
  return {
    headSha: 'a'.repeat(40),
    summaries: ['Two error paths.'],
    placements: place(findings),
    statuses: [{ path: file.path, reviewed: true }],
    notes: [],
    costLine: '',
    scope: 'Reviewed the whole pull request.',
    run: { head: 'a'.repeat(40), usd: 0 },
  }
}

async function postedLines(findings: Finding[], earlier: Finding[] = []) {
  const poster = recordingPoster()
  const standing = new StandingFindings(place(earlier).map(standingOf))
  await publish(poster, inputFor(findings), NO_HISTORY, standing, '')
  return poster.drafts[0]!.comments.map((comment) => comment.line)
}

const readWrap = finding(3, 'Wrap the error with the path that failed.')
const decodeWrap = finding(7, 'Wrap the error: say the data did not decode.')

describe('publish', () => {
  it('posts findings on identical lines separately', async () => {
    expect(await postedLines([readWrap, decodeWrap])).toEqual([3, 7])
  })

  it('posts two different findings on one line, and a repeated one once', async () => {
    const other = { ...readWrap, body: 'This error loses the path.' }
    expect(await postedLines([readWrap, other, { ...readWrap }])).toEqual([
      3, 3,
    ])
  })

  it('does not post again what an earlier finding on the line stands for', async () => {
    const reworded = { ...readWrap, body: 'Add the path to this error.' }
    expect(await postedLines([reworded, decodeWrap], [readWrap])).toEqual([7])
  })

  it('posts a more severe finding on a line an earlier one flagged', async () => {
    const nit = finding(3, 'Name the error.', 'nit')
    const critical = finding(3, 'The error is dropped.', 'critical')
    expect(await postedLines([critical], [nit])).toEqual([3])
    expect(await postedLines([nit], [critical])).toEqual([])
  })
})

describe('publish, run after run on one head', () => {
  it('amends a review near the size limit a hundred times, adding up every cost', async () => {
    // Beyond the 30 inline comments, listed in the body, which they fill.
    const findings = Array.from({ length: 400 }, (_, n) =>
      finding(
        1000 + n,
        `Remark ${n}, ${'explained at some length. '.repeat(4)}`,
      ),
    )
    // As many as a run's record keeps.
    const standing = place(findings).slice(0, 200).map(standingOf)
    let body = ''
    const poster: ReviewPoster = {
      post(draft) {
        body = draft.body
        return Promise.resolve({ id: 1 })
      },
      update(_, amended) {
        body = amended
        return Promise.resolve({ id: 1 })
      },
    }
    const history = (): History =>
      historyOf([{ id: 1, body, record: parseReviewMarker(body)! }])
    const run = async (n: number, earlier: History): Promise<void> => {
      await publish(
        poster,
        {
          ...inputFor(findings),
          run: { head: 'a'.repeat(40), usd: 0.00012345 * n, standing },
        },
        earlier,
        new StandingFindings(earlier.lastRun?.standing ?? []),
        `Re-run ${n}: no new findings.`,
      )
      expect(body.length).toBeLessThanOrEqual(MAX_BODY_LENGTH)
    }

    await run(1, NO_HISTORY)
    for (let n = 2; n <= 100; n++) await run(n, history())

    const record = parseReviewMarker(body)!
    expect(record.runs).toHaveLength(MAX_RUNS)
    expect(record.runs[0]?.runs).toBe(100 - MAX_RUNS + 1)
    expect(history().spentUsd).toBeCloseTo(0.00012345 * 5050, 10)
    expect(history().lastRun?.standing).toEqual(standing)
    expect(body).toContain('Re-run 100: no new findings.')
    expect(body).toContain('**400 findings**: 30 inline, 370 below.')
  })
})
