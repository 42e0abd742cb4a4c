import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  parseReviewMarker,
  reviewMarker,
  type ReviewRecord,
  type Standing,
} from '../../src/report/markers'

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
