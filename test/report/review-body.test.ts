import { describe, expect, it } from 'vitest'
import { placeFindings } from '../../src/diff/anchor'
import type { Finding } from '../../src/findings'
import { historyOf } from '../../src/github/history'
import {
  MAX_RUNS,
  parseReviewMarker,
  reviewMarker,
  withRun,
  type ReviewRecord,
  type RunRecord,
  type Standing,
} from '../../src/report/markers'
import {
  amendedBody,
  composeReview,
  MAX_BODY_LENGTH,
  MAX_INLINE_COMMENTS,
  type ReviewInput,
} from '../../src/report/review-body'
import { diffFile } from '../helpers'

const file = diffFile(
  'src/util/format.ts',
  '@@ -40,3 +40,4 @@\n const width = 1;\n-return s;\n+const out = s;\n+return out;\n }',
)

function input(
  findings: Finding[],
  overrides: Partial<ReviewInput> = {},
): ReviewInput {
  return {
    headSha: 'a'.repeat(40),
    summaries: ['One risky change.'],
    placements: placeFindings(findings, [file], new Set([file.path])),
    statuses: [
      { path: file.path, reviewed: true },
      { path: 'docs/arch.png', reviewed: false, reason: 'binary' },
    ],
    notes: [],
    costLine: 'Reviewed with deepseek-flash: $0.000100.',
    scope: 'Reviewed the whole pull request.',
    alreadyPosted: 0,
    run: { head: 'a'.repeat(40), usd: 0.0001 },
    ...overrides,
  }
}

const inline: Finding = {
  path: file.path,
  line: 42,
  side: 'RIGHT',
  severity: 'minor',
  body: '`out` is used once; return it directly.',
  suggestion: 'return s;',
  quote: 'return out;',
}
const outside: Finding = {
  path: file.path,
  line: 108,
  severity: 'major',
  body: 'Never called.',
}
const elsewhere: Finding = {
  path: 'src/store.ts',
  line: 88,
  severity: 'minor',
  body: 'The store must persist this too.',
}

describe('composeReview', () => {
  it('posts anchored findings inline with a suggestion and a fingerprint', () => {
    const draft = composeReview(input([inline]))
    expect(draft.commitId).toBe('a'.repeat(40))
    expect(draft.comments).toHaveLength(1)
    const comment = draft.comments[0]!
    expect(comment).toMatchObject({ path: file.path, line: 42, side: 'RIGHT' })
    expect(comment.body).toContain('```suggestion\nreturn s;\n```')
    expect(comment.body).toMatch(/<!-- cost-aware-review:fp=[0-9a-f]{16} -->$/)
  })

  it('lists every finding that cannot be anchored in the body, by file, with its line', () => {
    const draft = composeReview(input([inline, outside, elsewhere]))
    expect(draft.comments).toHaveLength(1)
    expect(draft.body).toContain('**3 findings**: 1 inline, 2 below.')
    expect(draft.body).toContain('#### Findings on lines outside the diff')
    expect(draft.body).toContain(
      '**`src/util/format.ts`**\n- Line 108 - 🟠 **Major**: Never called.',
    )
    expect(draft.body).toContain('#### Notes on files outside this PR')
    expect(draft.body).toContain(
      '**`src/store.ts`**\n- Line 88 - 🟡 **Minor**: The store must persist this too.',
    )
  })

  it('moves every finding into the body when inline comments are refused', () => {
    const draft = composeReview(input([inline, outside]), () => false)
    expect(draft.comments).toEqual([])
    expect(draft.body).toContain('**`src/util/format.ts`**')
    expect(draft.body).toContain('- Line 42 - ')
    expect(draft.body).toContain('- Line 108 - ')
  })

  it('caps inline comments, most severe first, and lists the rest', () => {
    const many: Finding[] = Array.from(
      { length: MAX_INLINE_COMMENTS + 5 },
      (_, n) => ({
        ...inline,
        severity: n === MAX_INLINE_COMMENTS + 4 ? 'critical' : 'nit',
        body: `finding ${n}`,
      }),
    )
    const draft = composeReview(input(many))
    expect(draft.comments).toHaveLength(MAX_INLINE_COMMENTS)
    expect(draft.comments[0]!.body).toContain(
      `finding ${MAX_INLINE_COMMENTS + 4}`,
    )
    expect(draft.body).toContain(
      'More findings (over the limit of 30 inline comments)',
    )
  })

  it('says which files were skipped and records the run', () => {
    const draft = composeReview(input([]))
    expect(draft.body).toContain('No findings.')
    expect(draft.body).toContain('`docs/arch.png`: binary file')
    expect(draft.body).toMatch(
      /<!-- cost-aware-review:review=\{"runs":\[\{"head":"a{40}","usd":0.0001\}\],"fps":\[\]\} -->$/,
    )
  })

  it('keeps a file name in the record from ending its hidden comment', () => {
    const path = 'x --> @octocat <img src=x>'
    const draft = composeReview(
      input([], { run: { head: 'a'.repeat(40), missed: [path] } }),
    )
    const record = draft.body.split('\n').at(-1)!
    expect(record.indexOf('-->')).toBe(record.length - 3)
    expect(parseReviewMarker(draft.body)?.runs[0]?.missed).toEqual([path])
  })

  it("keeps the body under GitHub's limit and says it was cut", () => {
    const long: Finding[] = Array.from({ length: 400 }, (_, n) => ({
      ...outside,
      body: `${n} ${'x'.repeat(300)}`,
    }))
    const draft = composeReview(input(long))
    expect(draft.body.length).toBeLessThan(65_536)
    expect(draft.body).toMatch(
      /…and \d+ more findings, cut to stay under GitHub's size limit/,
    )
  })
})

describe('composeReview, with outsized model text', () => {
  it('cuts a huge summary and a huge suggestion, and stays under the limit', () => {
    const draft = composeReview(
      input([{ ...inline, suggestion: 'x'.repeat(20_000) }], {
        summaries: ['s'.repeat(100_000)],
      }),
    )
    expect(draft.body.length).toBeLessThan(65_536)
    expect(draft.body).toContain('… (cut)')
    expect(draft.comments[0]?.body).toContain(
      'The proposed change is too long to show here.',
    )
    expect(draft.comments[0]?.body.length).toBeLessThan(10_000)
  })
})

describe('composeReview, with many notes and files not reviewed', () => {
  const dir = `services/payments/${'adapters/outbound/'.repeat(6)}entities`
  const paths = Array.from(
    { length: 400 },
    (_, n) => `${dir}/Entry${String(n).padStart(4, '0')}.java`,
  )

  it("keeps the body under GitHub's limit, saying what was cut", () => {
    const notes = Array.from(
      { length: 30 },
      (_, n) =>
        `A model call failed (error ${n}); not reviewed: ` +
        `${paths.slice(n * 10, n * 10 + 20).join(', ')} and 20 more (see the job summary).`,
    )
    const findings: Finding[] = Array.from({ length: 300 }, (_, n) => ({
      ...outside,
      line: 200 + n,
      body: `Finding ${n}: ${'explained at some length. '.repeat(8)}`,
    }))
    const draft = composeReview(
      input(findings, {
        notes,
        statuses: paths.map((path) => ({
          path,
          reviewed: false,
          reason: 'call-failed',
        })),
      }),
    )

    expect(draft.body.length).toBeLessThanOrEqual(MAX_BODY_LENGTH)
    expect(draft.body).toContain(notes[0])
    expect(draft.body).toMatch(
      /…and \d+ more notes, cut to stay under GitHub's size limit: the job summary has them all\./,
    )
    expect(draft.body).toMatch(/- …and \d+ more in the job summary/)
    // The notes leave the findings room.
    expect(draft.body).toContain('- Line 200 - 🟠 **Major**')
    expect(parseReviewMarker(draft.body)?.runs).toHaveLength(1)
  })
})

describe('amendedBody', () => {
  const footer = (n: number) =>
    `Re-run at aaaaaaa: already reviewed, no model called, $0. Run ${n}.`
  const standing = (n: number): Standing => ({
    p: `src/${'nested/'.repeat(10)}file${n}.ts`,
    s: 'RIGHT',
    l: n + 1,
    v: 'minor',
    k: 'abcdef012345',
  })

  it('keeps a full review under the limit however often it is amended', () => {
    const findings: Finding[] = Array.from({ length: 400 }, (_, n) => ({
      ...outside,
      line: 200 + n,
      body: `Finding ${n}: ${'explained at some length. '.repeat(8)}`,
    }))
    const run = (n: number): RunRecord => ({
      head: 'a'.repeat(40),
      usd: 0.001,
      standing: Array.from({ length: 100 }, (_, i) => standing(i + n)),
      missed: Array.from({ length: 100 }, (_, i) => `lib/${i}/${n}.ts`),
    })
    let body = composeReview(
      input(findings, { summaries: ['s'.repeat(10_000)], run: run(0) }),
    ).body
    const text = body.slice(0, body.indexOf('<sub>'))
    for (let n = 1; n <= 100; n++) {
      body = amendedBody(
        body,
        withRun(parseReviewMarker(body)!, run(n)),
        footer(n),
      )
      expect(body.length).toBeLessThanOrEqual(MAX_BODY_LENGTH)
    }
    expect(body.startsWith(text)).toBe(true)
    expect(body).not.toContain('The rest of this review was cut')
    expect(body.match(/Run \d+\./g)).toEqual(['Run 100.'])
    const record = parseReviewMarker(body)!
    expect(record.runs[0]?.runs).toBe(101 - MAX_RUNS + 1)
    expect(historyOf([{ id: 1, body, record }]).spentUsd).toBeCloseTo(0.101, 10)
  })

  it('cuts the text of a longer review from before the limits to fit its record', () => {
    const rows = Array.from({ length: 2_000 }, (_, n) => `- \`file${n}.ts\`: x`)
    const record: ReviewRecord = {
      runs: [{ head: 'a'.repeat(40), usd: 0.002 }],
      fps: [],
    }
    const old =
      `### Cost-aware review\n\n${'A summary line.\n'.repeat(1_000)}\n` +
      `<details><summary>2000 not reviewed</summary>\n\n${rows.join('\n')}\n\n` +
      '</details>\n\n<sub>Reviewed with deepseek-flash: $0.002.</sub>\n\n' +
      reviewMarker(record)
    const big = withRun(record, {
      head: 'a'.repeat(40),
      usd: 0,
      standing: Array.from({ length: 100 }, (_, n) => standing(n)),
    })

    expect(old.length).toBeLessThan(MAX_BODY_LENGTH)
    const body = amendedBody(old, big, footer(1))
    expect(body.length).toBeLessThanOrEqual(MAX_BODY_LENGTH)
    expect(body).toContain(
      "</details>\n\n*The rest of this review was cut to stay under GitHub's size limit",
    )
    expect(body).toContain('<sub>Re-run at aaaaaaa')
    expect(parseReviewMarker(body)).toEqual(big)
  })
})
