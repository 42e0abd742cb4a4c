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
import {
  codePath,
  inlineText,
  blockText,
  sanitizeModelText,
  tableCell,
} from '../../src/report/text'
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

describe('sanitizeModelText', () => {
  it('keeps mentions from notifying anyone, however they are dressed', () => {
    const z = '\u200b'
    expect(
      sanitizeModelText('Ask @octocat or @octo-org/team; `@Override` stays.'),
    ).toBe(`Ask @${z}octocat or @${z}octo-org/team; \`@${z}Override\` stays.`)
    // Markdown's code and emphasis rules do not open a way around it.
    for (const trick of ['```\n@admin', '`@admin', '_@admin_', '\\`@admin`']) {
      expect(sanitizeModelText(trick)).not.toMatch(/@[A-Za-z]/)
    }
    expect(sanitizeModelText('mail user@example.com')).toBe(
      'mail user@example.com',
    )
  })

  it('as a block, closes a code fence the model left open, and only then', () => {
    expect(blockText('Use this:\n```ts\nconst a = 1')).toBe(
      'Use this:\n```ts\nconst a = 1\n```',
    )
    expect(blockText('~~~~\ncode\n~~~')).toBe('~~~~\ncode\n~~~\n~~~~')
    // In a list item, at the item's indentation, so that the list goes on.
    expect(blockText('Risks:\n- the import\n  ```ts\n  const x = 1')).toBe(
      'Risks:\n- the import\n  ```ts\n  const x = 1\n  ```',
    )
    expect(blockText('1. ```sh\n   rm -rf build')).toBe(
      '1. ```sh\n   rm -rf build\n   ```',
    )
    expect(blockText('```\n' + 'x'.repeat(50), 20)).toBe(
      '```\n' + 'x'.repeat(16) + '… (cut)\n```',
    )
    for (const closed of [
      '```\ncode\n```',
      '````\n```\nnested\n````',
      'Inline ```ts``` code',
    ]) {
      expect(blockText(closed)).toBe(closed)
    }
  })

  it('cannot forge the hidden markers', () => {
    expect(sanitizeModelText('<!-- cost-aware-review:fp=1 -->')).toBe(
      '<\u200b!-- cost-aware-review:fp=1 --\u200b>',
    )
  })

  it('neutralises @name after any character but a letter or a digit', () => {
    const z = '\u200b'
    for (const before of ['-', '.', '+', '(', '_', 'é', z, '\n']) {
      expect(sanitizeModelText(`cc ${before}@octocat`)).toBe(
        `cc ${before}@${z}octocat`,
      )
    }
    for (const address of ['user@example.com', 'first.last2@example.com']) {
      expect(sanitizeModelText(address)).toBe(address)
    }
  })

  it('breaks every raw HTML tag, and keeps Markdown and the code it quotes', () => {
    const text =
      '</details><h1>LGTM</h1><img src=x.png> <a href="x">y</a> <!-- c ' +
      '<!DOCTYPE html> <?php <![CDATA[ **Use** `Vec<T>` when `a < b`.'
    const safe = sanitizeModelText(text)
    expect(safe).not.toMatch(/<[A-Za-z/!?]/)
    expect(safe.replace(/\u200b/g, '')).toBe(text)
    expect(safe).toContain('**Use** `Vec<\u200bT>` when `a < b`.')
  })
})

describe('inlineText', () => {
  it('keeps untrusted text on one line, sanitized', () => {
    expect(inlineText('a\r\n# b\r\n\n> c @octocat <img src=x>')).toBe(
      'a # b > c @\u200boctocat <\u200bimg src=x>',
    )
  })
})

/**
 * The text of `markdown` as one code span, as CommonMark reads it, or
 * undefined when the span it opens ends before the last character.
 */
function codeSpan(markdown: string): string | undefined {
  const fence = /^`+/.exec(markdown)?.[0] ?? ''
  const rest = markdown.slice(fence.length)
  const close = [...rest.matchAll(/`+/g)].find((run) => run[0] === fence)
  if (close?.index !== rest.length - fence.length) return undefined
  const text = rest.slice(0, close.index)
  return /^ .*[^ ].* $/.test(text) ? text.slice(1, -1) : text
}

describe('codePath', () => {
  it('keeps any path in one code span, whatever backticks it holds', () => {
    for (const path of [
      'src/a.ts',
      'x`y',
      'x`` <img src=x> ``y',
      '`starts',
      'ends``',
      '```',
      ' spaced ',
      ' before',
    ]) {
      const code = codePath(path)
      expect(codeSpan(code), code).toBe(path.replace('<img', '<\u200bimg'))
    }
  })

  it('puts a path with line breaks on one line, its mentions neutralised', () => {
    expect(codePath('docs/x\n::error::y\r\n @octocat.md')).toBe(
      '`docs/x ::error::y @\u200boctocat.md`',
    )
  })
})

describe('tableCell', () => {
  it('escapes all HTML, shows code as typed, and protects the table', () => {
    expect(tableCell('Use `a <= b` not <img src=x>\nnext | cell')).toBe(
      'Use <code>a &lt;= b</code> not &lt;img src=x&gt; next &#124; cell',
    )
    // An unclosed fence or an escaped backtick cannot let HTML through.
    expect(tableCell('```\n<img src=x onerror=alert(1)>')).not.toContain('<img')
    expect(tableCell('\\`x` <b>y</b>')).not.toContain('<b>')
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
