import { describe, expect, it } from 'vitest'
import { trackLine } from '../src/diff/track'
import type { Standing } from '../src/report/markers'
import { carryForward, textKey, type Moves } from '../src/standing'
import { diffFile } from './helpers'

describe('trackLine', () => {
  // Old lines 1-20; the change rewrites line 5, adds two lines after 10
  // and removes line 15.
  const change = diffFile(
    'a.ts',
    '@@ -4,3 +4,3 @@\n four\n-five\n+FIVE\n six\n' +
      '@@ -10,0 +11,2 @@\n+new one\n+new two\n' +
      '@@ -14,3 +16,2 @@\n fourteen\n-fifteen\n sixteen',
  )

  it.each([
    [1, 1],
    [4, 4],
    [5, undefined],
    [6, 6],
    [10, 10],
    [11, 13],
    [14, 16],
    [15, undefined],
    [16, 17],
    [20, 21],
  ])('line %i of the old side is line %s of the new', (line, expected) => {
    expect(trackLine(change, line)).toBe(expected)
  })
})

const CODE = '  const res = await fetch(url)'
const finding = (
  line: number,
  overrides: Partial<Standing> = {},
): Standing => ({
  p: 'src/a.ts',
  s: 'RIGHT',
  l: line,
  v: 'major',
  k: textKey(CODE),
  ...overrides,
})

// The pull request at the new head: an added file with the fetch twice.
const head = diffFile(
  'src/a.ts',
  `@@ -0,0 +1,6 @@\n+function a() {\n+${CODE}\n+}\n+function b() {\n+${CODE}\n+}`,
  { status: 'added' },
)

describe('carryForward', () => {
  it('follows a finding through the commits since, to where its line moved', () => {
    const moves: Moves = {
      kind: 'compared',
      changes: [
        diffFile(
          'src/a.ts',
          '@@ -0,0 +1,3 @@\n+function a() {\n+' + CODE.trim() + '\n+}',
        ),
      ],
    }
    // Three lines were added above the finding on line 2.
    expect(carryForward([finding(2)], moves, [head])).toEqual([finding(5)])
  })

  it('drops a finding whose line was changed or whose file left', () => {
    const rewritten: Moves = {
      kind: 'compared',
      changes: [diffFile('src/a.ts', `@@ -2 +2 @@\n-${CODE}\n+${CODE} // ok`)],
    }
    expect(carryForward([finding(2)], rewritten, [head])).toEqual([])
    const removed: Moves = {
      kind: 'compared',
      changes: [diffFile('src/a.ts', undefined, { status: 'removed' })],
    }
    expect(carryForward([finding(2)], removed, [head])).toEqual([])
  })

  it('follows a rename', () => {
    const moves: Moves = {
      kind: 'compared',
      changes: [
        diffFile('src/b.ts', undefined, {
          status: 'renamed',
          previous_filename: 'src/a.ts',
        }),
      ],
    }
    const renamed = { ...head, path: 'src/b.ts' }
    expect(carryForward([finding(5)], moves, [renamed])).toEqual([
      finding(5, { p: 'src/b.ts' }),
    ])
  })

  it('after a force-push, finds the code again at the nearest line, each line once', () => {
    const unknown: Moves = { kind: 'unknown' }
    expect(carryForward([finding(4)], unknown, [head])).toEqual([finding(5)])
    expect(
      carryForward([finding(2), finding(5), finding(9)], unknown, [head]),
    ).toEqual([finding(2), finding(5)])
  })

  it('after a force-push, lets go of a finding on a common statement', () => {
    const common = finding(3, { k: textKey('  return result') })
    const rewritten = diffFile(
      'src/a.ts',
      '@@ -0,0 +1,4 @@\n+function parse(text) {\n+  const result = read(text)\n' +
        '+  return result\n+}',
      { status: 'added' },
    )
    expect(carryForward([common], { kind: 'unknown' }, [rewritten])).toEqual([])
  })

  it('keeps a body finding while its file is in the pull request', () => {
    const body = finding(40, { k: textKey('Never called.'), b: 1 })
    const untouched: Moves = { kind: 'compared', changes: [] }
    expect(carryForward([body], untouched, [head])).toEqual([body])
    expect(carryForward([body], untouched, [])).toEqual([])
  })
})
