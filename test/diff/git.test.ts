import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseGitDiff } from '../../src/diff/git'
import { parseFile } from '../../src/diff/parse'
import { FIXTURES_DIR, fixtureSlugs, hasShared } from '../shared'

describe('parseGitDiff', () => {
  it('reads a path with spaces and a non-ASCII path quoted by git', () => {
    const text = [
      'diff --git "a/docs/\\355\\225\\234 \\355\\217\\264\\353\\215\\224/a.md" "b/docs/\\355\\225\\234 \\355\\217\\264\\353\\215\\224/a.md"',
      'index 1111111..2222222 100644',
      '--- "a/docs/\\355\\225\\234 \\355\\217\\264\\353\\215\\224/a.md"',
      '+++ "b/docs/\\355\\225\\234 \\355\\217\\264\\353\\215\\224/a.md"',
      '@@ -1,2 +1,3 @@',
      ' # 안내',
      ' 첫 줄',
      '+둘째 줄',
      '',
    ].join('\n')
    const [file] = parseGitDiff(text)
    expect(file).toMatchObject({
      filename: 'docs/한 폴더/a.md',
      status: 'modified',
      additions: 1,
    })
    expect(parseFile(file!).right.has(3)).toBe(true)
  })

  const mail = (subject: string, hunk: string[], signature: boolean) => [
    'From 1234567890abcdef1234567890abcdef12345678 Mon Sep 17 00:00:00 2001',
    'From: A Developer <dev@example.com>',
    'Date: Fri, 4 Dec 2026 10:00:00 +0000',
    `Subject: [PATCH] ${subject}`,
    '',
    '---',
    ' notes.md | 2 +-',
    ' 1 file changed, 1 insertion(+), 1 deletion(-)',
    '',
    'diff --git a/notes.md b/notes.md',
    'index 1111111..2222222 100644',
    '--- a/notes.md',
    '+++ b/notes.md',
    ...hunk,
    ...(signature ? ['-- ', '2.43.0', ''] : []),
    '',
  ]

  it('leaves out the signature git format-patch ends each mail with', () => {
    const text = [
      ...mail('First', ['@@ -1,2 +1,2 @@', ' # Notes', '-old', '+new'], true),
      ...mail(
        'Second',
        ['@@ -1,2 +1,2 @@', ' # Notes', '-new', '+newer'],
        true,
      ),
    ].join('\n')
    const files = parseGitDiff(text)
    expect(files.map((file) => [file.filename, file.patch])).toEqual([
      ['notes.md', '@@ -1,2 +1,2 @@\n # Notes\n-old\n+new'],
      ['notes.md', '@@ -1,2 +1,2 @@\n # Notes\n-new\n+newer'],
    ])
  })

  it('keeps a removed "- " line at the end of a mail without a signature', () => {
    const text = mail(
      'List',
      ['@@ -1,2 +1,1 @@', ' # List', '-- ', ''],
      false,
    ).join('\n')
    expect(parseGitDiff(text)[0]?.patch).toBe('@@ -1,2 +1,1 @@\n # List\n-- ')
  })

  it.skipIf(!hasShared).each(fixtureSlugs())(
    'reads %s like the files endpoint lists it: names, statuses, counts and anchors',
    (slug) => {
      const dir = join(FIXTURES_DIR, slug)
      const fromDiff = parseGitDiff(readFileSync(join(dir, 'pr.diff'), 'utf8'))
      const listed = JSON.parse(
        readFileSync(join(dir, 'files.json'), 'utf8'),
      ) as Array<{
        filename: string
        status: string
        additions: number
        deletions: number
        previous_filename?: string
        patch?: string
      }>
      expect(fromDiff.map((f) => f.filename)).toEqual(
        listed.map((f) => f.filename),
      )
      for (const [index, entry] of listed.entries()) {
        const ours = fromDiff[index]!
        expect(ours.status).toBe(entry.status)
        expect(ours.previous_filename).toBe(entry.previous_filename)
        if (entry.patch === undefined) continue
        expect([ours.additions, ours.deletions]).toEqual([
          entry.additions,
          entry.deletions,
        ])
        const a = parseFile(ours)
        const b = parseFile(entry as Parameters<typeof parseFile>[0])
        expect([...a.right.keys()]).toEqual([...b.right.keys()])
        expect([...a.left.keys()]).toEqual([...b.left.keys()])
      }
    },
  )
})
