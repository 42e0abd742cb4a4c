import { describe, expect, it } from 'vitest'
import { placeFindings } from '../src/diff/anchor'
import type { Finding } from '../src/findings'
import { historyOf, NO_HISTORY } from '../src/github/history'
import type { ReviewDraft, ReviewPoster } from '../src/github/review'
import { publish } from '../src/publish'
import { lineFingerprints, parseReviewMarker } from '../src/report/markers'
import { placementFingerprint } from '../src/report/review-body'
import { diffFile } from './helpers'

// Two identical lines, as Go error handling often has.
const file = diffFile(
  'store/load.go',
  '@@ -0,0 +1,8 @@\n+data, err := read(path)\n+if err != nil {\n+\treturn nil, err\n+}\n+value, err := decode(data)\n+if err != nil {\n+\treturn nil, err\n+}',
)

function finding(line: number, body: string): Finding {
  return {
    path: file.path,
    line,
    side: 'RIGHT',
    severity: 'major',
    body,
    quote: 'return nil, err',
  }
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

function inputFor(findings: Finding[]) {
  return {
    headSha: 'a'.repeat(40),
    summaries: ['Two error paths.'],
    placements: placeFindings(findings, [file], new Set([file.path])),
    statuses: [{ path: file.path, reviewed: true }],
    notes: [],
    costLine: '',
    scope: 'Reviewed the whole pull request.',
    run: { head: 'a'.repeat(40), usd: 0 },
  }
}

const readWrap = finding(3, 'Wrap the error with the path that failed.')
const decodeWrap = finding(7, 'Wrap the error: say the data did not decode.')

describe('publish', () => {
  it('posts findings on identical lines separately', async () => {
    const poster = recordingPoster()
    await publish(poster, inputFor([readWrap, decodeWrap]), NO_HISTORY, '')
    expect(poster.drafts[0]!.comments.map((c) => c.line)).toEqual([3, 7])
  })

  it('posts two different findings on one line, and a repeated one once', async () => {
    const poster = recordingPoster()
    const other = { ...readWrap, body: 'This error loses the path.' }
    await publish(
      poster,
      inputFor([readWrap, other, { ...readWrap }]),
      NO_HISTORY,
      '',
    )
    expect(poster.drafts[0]!.comments.map((c) => c.line)).toEqual([3, 3])
  })

  it('remembers which line each finding was on, and its severity', async () => {
    const first = recordingPoster()
    await publish(first, inputFor([readWrap]), NO_HISTORY, '')
    const record = parseReviewMarker(first.drafts[0]!.body)!
    const [print] = record.fps
    expect(record.sev).toEqual({ [print!]: 'major' })
    // Its code is still in the diff, at the first of the two lines.
    expect(lineFingerprints([file]).has(print!)).toBe(true)

    // A later run finds the second line: new, so it is posted; the first
    // line's finding is not posted again.
    const second = recordingPoster()
    const history = historyOf([{ id: 1, body: '', record }])
    await publish(second, inputFor([readWrap, decodeWrap]), history, '')
    expect(second.drafts[0]!.comments.map((c) => c.line)).toEqual([7])
  })

  it('tells identical lines apart by their order, not their number', () => {
    const [first, second] = placeFindings(
      [readWrap, decodeWrap],
      [file],
      new Set([file.path]),
    ).map(placementFingerprint)
    expect(first).not.toBe(second)

    // Lines added above move both, and neither fingerprint changes.
    const moved = diffFile(
      file.path,
      '@@ -0,0 +1,9 @@\n+// Load reads and decodes.\n' +
        file.hunks[0]!.lines.map((line) => `+${line.text}`).join('\n'),
    )
    const again = placeFindings(
      [
        { ...readWrap, line: 4 },
        { ...decodeWrap, line: 8 },
      ],
      [moved],
      new Set([file.path]),
    ).map(placementFingerprint)
    expect(again).toEqual([first, second])
  })
})
