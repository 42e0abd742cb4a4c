import { describe, expect, it } from 'vitest'
import { placeFindings } from '../../src/diff/anchor'
import type { Finding } from '../../src/findings'
import { diffFile } from '../helpers'

const format = diffFile(
  'src/util/format.ts',
  [
    '@@ -40,6 +40,7 @@',
    ' export function pad(s: string, n: number) {',
    '   const width = Math.max(n, 0);',
    '-  return s.padStart(width);',
    "+  const out = s.padStart(width, ' ');",
    '+  return out;',
    ' }',
    ' // helpers below',
    ' export function trim(s: string) {',
    '@@ -90,3 +91,4 @@ export function trim(s: string) {',
    ' const a = 1',
    '+const b = 2',
    ' const c = 3',
    ' const d = 4',
  ].join('\n'),
)
const files = [format]
const reviewed = new Set([format.path])

function place(finding: Partial<Finding>) {
  const [placement] = placeFindings(
    [{ path: format.path, line: 43, severity: 'minor', body: 'b', ...finding }],
    files,
    reviewed,
  )
  return placement
}

describe('placeFindings', () => {
  it('anchors a line inside a hunk on the side the model gave', () => {
    expect(place({ line: 43, side: 'RIGHT' })).toMatchObject({
      kind: 'inline',
      line: 43,
      side: 'RIGHT',
      anchorText: '  return out;',
    })
  })

  it('moves a finding outside every hunk into the body', () => {
    expect(place({ line: 108 })).toMatchObject({
      kind: 'body',
      reason: 'outside-diff',
    })
  })

  it('puts findings on files outside the pull request into the body', () => {
    expect(place({ path: 'src/other.ts' })).toMatchObject({
      kind: 'body',
      reason: 'outside-pr',
      path: 'src/other.ts',
    })
  })

  it('strips only a leading ./, a/ or b/ before comparing paths exactly', () => {
    expect(place({ path: './src/util/format.ts' })).toMatchObject({
      kind: 'inline',
    })
    expect(place({ path: 'b/src/util/format.ts' })).toMatchObject({
      kind: 'inline',
    })
    expect(place({ path: 'SRC/util/format.ts' })).toMatchObject({
      reason: 'outside-pr',
    })
    expect(place({ path: 'util/format.ts' })).toMatchObject({
      reason: 'outside-pr',
    })
  })

  it('infers LEFT for a removed line when the quote matches it', () => {
    expect(
      place({ line: 42, quote: 'return s.padStart(width);' }),
    ).toMatchObject({
      kind: 'inline',
      side: 'LEFT',
      line: 42,
    })
  })

  it('moves the anchor to the quoted line when the model miscounted', () => {
    expect(
      place({ line: 45, side: 'RIGHT', quote: 'return out;' }),
    ).toMatchObject({
      kind: 'inline',
      line: 43,
      movedFrom: 45,
    })
  })

  it('keeps a finding whose quote is nowhere in the diff in the body', () => {
    expect(place({ line: 43, quote: 'console.log(secret)' })).toMatchObject({
      kind: 'body',
      reason: 'quote-not-found',
    })
  })

  it('keeps a valid range within one hunk and offers its suggestion', () => {
    expect(
      place({
        startLine: 42,
        line: 43,
        side: 'RIGHT',
        suggestion: '  return s.padStart(width)',
      }),
    ).toMatchObject({ startLine: 42, line: 43, applySuggestion: true })
  })

  it('drops a range that crosses hunks, and with it the one-click suggestion', () => {
    const placement = place({
      startLine: 44,
      line: 92,
      side: 'RIGHT',
      suggestion: 'x',
    })
    expect(placement).toMatchObject({
      kind: 'inline',
      line: 92,
      applySuggestion: false,
    })
    expect(placement).not.toHaveProperty('startLine')
  })

  it('never offers a suggestion on a removed line', () => {
    expect(place({ line: 42, side: 'LEFT', suggestion: 'x' })).toMatchObject({
      side: 'LEFT',
      applySuggestion: false,
    })
  })

  it('sends findings on files that were not reviewed to the body', () => {
    const [placement] = placeFindings(
      [{ path: format.path, line: 43, severity: 'minor', body: 'b' }],
      files,
      new Set(),
    )
    expect(placement).toMatchObject({ kind: 'body', reason: 'not-reviewed' })
  })
})

describe('placeFindings, when the quote matches several lines', () => {
  it('prefers an exact copy of the quoted line to a nearer line that holds part of it', () => {
    const file = diffFile(
      'src/profile.ts',
      [
        '@@ -1,1 +1,8 @@',
        ' export function load(profile) {',
        '+  const id = profile?.id',
        '+  if (!id) return null;',
        '+  return null;',
        '+  const name = profile.name',
        '+  const age = profile.age',
        '+  if (profile == null) return null;',
        '+}',
      ].join('\n'),
    )
    const [placement] = placeFindings(
      [
        {
          path: file.path,
          line: 4,
          severity: 'major',
          body: 'b',
          quote: 'if (profile == null) return null;',
        },
      ],
      [file],
      new Set([file.path]),
    )
    expect(placement).toMatchObject({ kind: 'inline', line: 7, movedFrom: 4 })
  })
})
