import { describe, expect, it } from 'vitest'
import { decideScope } from '../src/scope'
import { selectFiles } from '../src/select'
import { diffFile, listedFile } from './helpers'

const LAST = '1'.repeat(40)
const HEAD = '2'.repeat(40)

const app = diffFile('src/app.ts', '@@ -1,2 +1,3 @@\n a\n+b\n c')
const lib = diffFile('src/lib.ts', '@@ -0,0 +1,2 @@\n+x\n+y', {
  status: 'added',
})
const lock = diffFile('package-lock.json', '@@ -1 +1 @@\n-{}\n+{ }')
const selection = selectFiles([app, lib, lock], { include: [], exclude: [] })

const statusOf = (scope: ReturnType<typeof decideScope>, path: string) =>
  scope.statuses.find((status) => status.path === path)

describe('decideScope', () => {
  it('reviews everything the first time', () => {
    const scope = decideScope({ selection, headSha: HEAD })
    expect(scope.kind).toBe('full')
    expect(scope.files.map((file) => file.path)).toEqual([
      'src/app.ts',
      'src/lib.ts',
    ])
    expect(statusOf(scope, 'package-lock.json')?.reviewed).toBe(false)
  })

  it('after a push, shows only what changed, and no skipped file', () => {
    const scope = decideScope({
      selection,
      headSha: HEAD,
      lastHead: LAST,
      comparison: {
        status: 'ahead',
        files: [
          listedFile('src/lib.ts', '@@ -2,0 +3 @@\n+z'),
          listedFile('package-lock.json', '@@ -1 +1 @@\n-{ }\n+{}'),
        ],
      },
    })
    expect(scope.kind).toBe('incremental')
    expect(scope.files.map((file) => file.path)).toEqual(['src/lib.ts'])
    expect(scope.files[0]!.hunks[0]!.lines.map((l) => l.text)).toEqual(['z'])
    expect(statusOf(scope, 'src/app.ts')).toMatchObject({
      reviewed: false,
      reason: 'unchanged-since-review',
    })
    expect(statusOf(scope, 'package-lock.json')?.reason).toBe('lockfile')
  })

  it('shows a file whole when the comparison has no patch for it', () => {
    const scope = decideScope({
      selection,
      headSha: HEAD,
      lastHead: LAST,
      comparison: {
        status: 'ahead',
        files: [listedFile('src/app.ts', undefined)],
      },
    })
    expect(scope.files).toEqual([app])
  })

  it('reviews everything when the comparison may have been cut at 300 files', () => {
    const files = Array.from({ length: 300 }, (_, i) =>
      listedFile(`gen/${i}.ts`, '@@ -1 +1 @@\n-a\n+b'),
    )
    const scope = decideScope({
      selection,
      headSha: HEAD,
      lastHead: LAST,
      comparison: { status: 'ahead', files },
    })
    expect(scope.kind).toBe('full')
    expect(scope.description).toContain('at most 300')
  })

  it('on the same head, reviews only the files the last run missed', () => {
    const scope = decideScope({
      selection,
      headSha: LAST,
      lastHead: LAST,
      missed: ['src/lib.ts'],
    })
    expect(scope.files).toEqual([lib])
    expect(statusOf(scope, 'src/app.ts')?.reason).toBe('unchanged-since-review')
    expect(scope.description).toContain('could not')
    // Shown as the pull request changes it: removed lines keep base numbers.
    expect([...scope.whole]).toEqual(['src/lib.ts'])
  })

  it('after a push, also shows whole the files the last run missed', () => {
    const scope = decideScope({
      selection,
      headSha: HEAD,
      lastHead: LAST,
      missed: ['src/app.ts'],
      comparison: {
        status: 'ahead',
        files: [listedFile('src/lib.ts', '@@ -2,0 +3 @@\n+z')],
      },
    })
    expect(scope.files.map((file) => file.path)).toEqual([
      'src/app.ts',
      'src/lib.ts',
    ])
    expect(scope.files[0]).toEqual(app)
    expect([...scope.whole]).toEqual(['src/app.ts'])
    expect(scope.moves.kind).toBe('compared')
  })
})
