import fc from 'fast-check'
import * as core from '@actions/core'
import { describe, expect, it, vi } from 'vitest'
import { historyOf } from '../../src/github/history'
import {
  MAX_RECORD_LENGTH,
  MAX_RUNS,
  parseReviewMarker,
  reviewMarker,
  withRun,
  type ReviewRecord,
  type RunRecord,
  type Standing,
} from '../../src/report/markers'

vi.mock('@actions/core', () => ({ warning: vi.fn() }))

const HEAD = 'a'.repeat(40)

// Text that ends a line, a JSON string or an HTML comment, or that GitHub
// might store differently from how it was sent.
const HOSTILE = [
  '\u2028',
  '\u2029',
  '\n',
  '\r\n',
  '\u0085',
  '\u0000',
  '\u007f',
  '\ufeff',
  '\ud800',
  '\udfff',
  '😀',
  'e\u0301',
  '-->',
  '--!>',
  '<!--',
  '"}',
  '\\',
  '`',
  ` --> \n<!-- cost-aware-review:review={"runs":[],"fps":[]} -->`,
]

function recordOf(text: string): ReviewRecord {
  const standing: Standing = {
    p: `docs/${text}.ts`,
    s: 'RIGHT',
    l: 3,
    v: 'major',
    k: text,
  }
  return {
    runs: [
      { head: HEAD, usd: 0.0001 },
      { head: HEAD, usd: 0, standing: [standing], missed: [text] },
    ],
    fps: [text],
  }
}

function readBack(record: ReviewRecord): ReviewRecord | undefined {
  return parseReviewMarker(`### Review\n\nText.\n\n${reviewMarker(record)}`)
}

describe('the review record', () => {
  it('reads back every hostile string it was given', () => {
    for (const text of [...HOSTILE, HOSTILE.join('')]) {
      expect(readBack(recordOf(text)), JSON.stringify(text)).toEqual(
        recordOf(text),
      )
    }
  })

  it('reads back any string, as one line of printable ASCII that only its end closes', () => {
    const text = fc
      .array(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 8 }),
          fc.constantFrom(...HOSTILE),
        ),
        { maxLength: 6 },
      )
      .map((parts) => parts.join(''))
    fc.assert(
      fc.property(text, (value) => {
        const marker = reviewMarker(recordOf(value))
        expect(marker).toMatch(/^<!-- cost-aware-review:review=[ -~]* -->$/)
        expect(marker.indexOf('-->')).toBe(marker.length - 3)
        expect(marker.lastIndexOf('<!--')).toBe(0)
        expect(readBack(recordOf(value))).toEqual(recordOf(value))
      }),
      { numRuns: 500 },
    )
  })

  it('still reads a record written with a raw line separator', () => {
    const written =
      '<!-- cost-aware-review:review=' +
      `{"runs":[{"head":"${HEAD}","missed":["a\u2028b.ts"]}],"fps":[]} -->`
    expect(parseReviewMarker(`Text.\n\n${written}`)).toEqual({
      runs: [{ head: HEAD, missed: ['a\u2028b.ts'] }],
      fps: [],
    })
  })
})

describe('withRun', () => {
  const run = (n: number): RunRecord => ({
    head: String(n % 10).repeat(40),
    usd: Number((0.00012345 * n).toFixed(8)),
    found: { minor: 1 },
    standing: [{ p: 'a.ts', s: 'RIGHT', l: n, v: 'minor', k: 'k' }],
    missed: ['b.ts'],
  })

  it('keeps the standing findings and missed files of the last run only', () => {
    const record = withRun({ runs: [run(1)], fps: [] }, run(2))
    expect(record.runs).toEqual([
      { head: run(1).head, usd: run(1).usd, found: { minor: 1 } },
      run(2),
    ])
  })

  it('merges the oldest runs past MAX_RUNS, keeping what they all cost', () => {
    let record: ReviewRecord = { runs: [run(1)], fps: [] }
    for (let n = 2; n <= 100; n++) record = withRun(record, run(n))

    expect(record.runs).toHaveLength(MAX_RUNS)
    expect(record.runs[0]).toEqual({
      head: run(100 - MAX_RUNS + 1).head,
      usd: Number(
        Array.from({ length: 100 - MAX_RUNS + 1 }, (_, n) => run(n + 1).usd!)
          .reduce((sum, usd) => sum + usd, 0)
          .toFixed(8),
      ),
      runs: 100 - MAX_RUNS + 1,
    })
    expect(record.runs.at(-1)).toEqual(run(100))
    const history = historyOf([{ id: 1, body: '', record: readBack(record)! }])
    expect(history.spentUsd).toBeCloseTo(0.00012345 * 5050, 10)
    expect(history.lastRun).toEqual(run(100))
  })
})

describe('reviewMarker', () => {
  const standing = (n: number): Standing => ({
    p: `src/${'deep/'.repeat(20)}file${n}.ts`,
    s: 'RIGHT',
    l: n + 1,
    v: n % 7 === 0 ? 'critical' : 'nit',
    k: 'abcdef012345',
  })

  it(`stays within ${MAX_RECORD_LENGTH} characters, giving up the least needed first`, () => {
    const runs = Array.from({ length: 400 }, (_, n) => ({
      head: HEAD,
      usd: 0.001,
      found: { nit: n },
    }))
    const record: ReviewRecord = {
      runs: [
        ...runs,
        {
          head: HEAD,
          usd: 0.001,
          standing: Array.from({ length: 200 }, (_, n) => standing(n)),
          missed: Array.from({ length: 500 }, (_, n) => `lib/${n}/文件.ts`),
        },
      ],
      fps: Array.from({ length: 2000 }, (_, n) => n.toString(16).repeat(4)),
    }
    const marker = reviewMarker(record)
    expect(marker.length).toBeLessThanOrEqual(MAX_RECORD_LENGTH)

    const kept = readBack(record)!
    expect(kept.fps).toEqual([])
    expect(kept.runs).toHaveLength(2)
    expect(kept.runs[0]).toMatchObject({ runs: 400 })
    expect(historyOf([{ id: 1, body: '', record: kept }]).spentUsd).toBeCloseTo(
      0.401,
      10,
    )
    const last = kept.runs[1]!
    expect(last.missed).toBeUndefined()
    expect(last.missedMore).toBe(1)
    // Every critical finding is kept before any nit.
    const severities = last.standing!.map((finding) => finding.v)
    expect(severities.filter((v) => v === 'critical')).toHaveLength(29)
    expect(severities.length).toBeGreaterThan(100)
    expect(severities.length).toBeLessThan(200)
    expect(vi.mocked(core.warning)).toHaveBeenCalledWith(
      expect.stringContaining(
        `had room for ${severities.length} of the 200 findings that stand`,
      ),
    )
  })

  it('writes a record that fits as it is', () => {
    const record: ReviewRecord = {
      runs: [{ head: HEAD, usd: 0.001, standing: [standing(1)] }],
      fps: ['0123456789abcdef'],
    }
    expect(readBack(record)).toEqual(record)
  })
})
