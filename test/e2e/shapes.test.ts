/**
 * Every shape of file GitHub lists, in one pull request, plus the empty
 * pull request and the largest one GitHub lists (3,000 files): each file
 * ends with the status the summary shows, and one review is posted.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { GitHubFile } from '../emulators/github'
import { listedFile, type ListedFile } from '../helpers'
import { reviewSynthetic, type SyntheticRun } from './synthetic'

const runs: SyntheticRun[] = []
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.close()))
})

function entry(
  filename: string,
  status: string,
  patch?: string,
  extra: Partial<ListedFile> = {},
): GitHubFile {
  return listedFile(filename, patch, { status, ...extra })
}

const shapes: Array<[GitHubFile, string]> = [
  [
    entry(
      'src/added.ts',
      'added',
      '@@ -0,0 +1,2 @@\n+export const a = 1\n+export const b = 2',
    ),
    'reviewed',
  ],
  [
    entry(
      'src/removed.ts',
      'removed',
      '@@ -1,2 +0,0 @@\n-export const a = 1\n-export const b = 2',
    ),
    'not reviewed: file deleted',
  ],
  [
    entry(
      'src/modified.ts',
      'modified',
      '@@ -1,2 +1,2 @@\n-export const a = 1\n+export const a = 2\n export const b = 2',
    ),
    'reviewed',
  ],
  [
    entry(
      'src/new/name.ts',
      'renamed',
      '@@ -1,2 +1,2 @@\n-export const x = 1\n+export const y = 1\n export {}',
      { previous_filename: 'src/old/name.ts' },
    ),
    'reviewed',
  ],
  [
    entry('src/moved.ts', 'renamed', undefined, {
      previous_filename: 'lib/moved.ts',
    }),
    'not reviewed: renamed, no content change',
  ],
  [
    entry('src/copy.ts', 'copied', undefined, {
      previous_filename: 'src/original.ts',
    }),
    'not reviewed: copied, no content change',
  ],
  [
    entry('scripts/run.sh', 'changed'),
    'not reviewed: no text diff (mode change, empty or binary file)',
  ],
  [entry('assets/logo.png', 'added'), 'not reviewed: binary file'],
  [
    {
      ...entry('data/huge.sql', 'modified'),
      additions: 40_000,
      changes: 40_000,
    },
    'not reviewed: patch too large for GitHub to send',
  ],
  [
    entry(
      'vendor/lib',
      'modified',
      '@@ -1 +1 @@\n-Subproject commit 8d1c2a8f3b6e4c5d7a9f0b1c2d3e4f5a6b7c8d9e\n+Subproject commit 0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e',
    ),
    'not reviewed: vendored code',
  ],
  [
    entry(
      'deps/engine',
      'modified',
      '@@ -1 +1 @@\n-Subproject commit 8d1c2a8f3b6e4c5d7a9f0b1c2d3e4f5a6b7c8d9e\n+Subproject commit 0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e',
    ),
    'not reviewed: submodule pointer moved',
  ],
  [
    entry(
      'pyproject.toml',
      'modified',
      '@@ -1,2 +1,2 @@\n name = "x"\n-license = "MIT"\n\\ No newline at end of file\n+license = "Apache-2.0"\n\\ No newline at end of file',
    ),
    'reviewed',
  ],
  [
    entry(
      'proto/pom.xml',
      'modified',
      '@@ -1,2 +1,2 @@\r\n <project>\r\n-  <v>1</v>\r\n+  <v>2</v>',
    ),
    'reviewed',
  ],
  [
    entry('docs/my notes/파일 1.md', 'added', '@@ -0,0 +1,1 @@\n+# 안내 🚀'),
    'reviewed',
  ],
]

describe('every kind of diff in one pull request', () => {
  it('gives each file its status, anchors on the reviewed ones, and posts one review', async () => {
    const result = await reviewSynthetic({
      files: shapes.map(([file]) => file),
      findings: [
        { path: 'src/added.ts', line: 2, body: 'Added line.' },
        {
          path: 'src/removed.ts',
          line: 1,
          side: 'LEFT',
          body: 'On a deleted file.',
        },
        {
          path: 'src/new/name.ts',
          line: 1,
          side: 'LEFT',
          quote: 'export const x = 1',
          body: 'Old name.',
        },
        {
          path: 'pyproject.toml',
          line: 2,
          quote: 'license = "Apache-2.0"',
          body: 'Licence change.',
        },
        { path: 'proto/pom.xml', line: 2, body: 'Version bump.' },
        {
          path: 'docs/my notes/파일 1.md',
          line: 1,
          body: 'Emoji in a heading.',
        },
        { path: 'assets/logo.png', line: 1, body: 'Compress it.' },
      ],
    })
    runs.push(result)
    expect(result.run.exitCode, result.run.stdout + result.run.stderr).toBe(0)
    expect(result.github.rejections).toEqual([])
    expect(result.github.reviews).toHaveLength(1)

    for (const [file, status] of shapes) {
      const name =
        file.previous_filename !== undefined
          ? `\`${file.previous_filename}\` → \`${file.filename}\``
          : `\`${file.filename}\``
      expect(result.run.summary).toContain(`| ${name} | ${status} |`)
    }
    expect(
      result.review!.comments.map((c) => `${c.path}:${c.line}:${c.side}`),
    ).toEqual([
      'src/added.ts:2:RIGHT',
      'src/new/name.ts:1:LEFT',
      'pyproject.toml:2:RIGHT',
      'proto/pom.xml:2:RIGHT',
      'docs/my notes/파일 1.md:1:RIGHT',
    ])
    expect(result.review!.body).toContain(
      '**`src/removed.ts`**\n- Line 1 of the old file - ',
    )
    expect(result.review!.body).toContain('**`assets/logo.png`**\n- Line 1 - ')
  })

  it('says an empty pull request has nothing to review, without calling a model', async () => {
    const result = await reviewSynthetic({ files: [] })
    runs.push(result)
    expect(result.run.exitCode, result.run.stdout + result.run.stderr).toBe(0)
    expect(result.deepseek.calls).toEqual([])
    expect(result.github.reviews).toHaveLength(1)
    expect(result.run.summary).toContain('nothing to review')
  })

  it('reviews a pull request of 3,000 files, every one listed and reviewed', async () => {
    const files = Array.from({ length: 3000 }, (_, n) =>
      entry(
        `src/module${String(n).padStart(4, '0')}.ts`,
        'modified',
        `@@ -1,1 +1,2 @@\n export {}\n+export const value${n} = ${n}`,
      ),
    )
    const result = await reviewSynthetic({
      files,
      findings: [{ path: 'src/module2999.ts', line: 2, body: 'Last file.' }],
    })
    runs.push(result)
    expect(result.run.exitCode, result.run.stdout + result.run.stderr).toBe(0)
    const pages = result.github.requests.filter((r) =>
      r.path.endsWith('/files'),
    )
    expect(pages).toHaveLength(30)
    const shown = result.deepseek.calls.map((call) => call.prompt).join('\n')
    for (const file of files)
      expect(shown).toContain(`FILE: ${file.filename}\n`)
    expect(result.github.rejections).toEqual([])
    expect(result.run.summary).toContain('Files: 3000 reviewed, 0 not reviewed')
  })

  it('says how many files GitHub did not list past 3,000', async () => {
    const files = Array.from({ length: 3004 }, (_, n) =>
      n === 0
        ? entry('src/app.ts', 'modified', '@@ -1 +1 @@\n-a\n+b')
        : entry(`gen/file${n}.ts`, 'added', `@@ -0,0 +1 @@\n+x${n}`),
    )
    const result = await reviewSynthetic({
      files,
      inputs: { exclude: 'gen/**' },
    })
    runs.push(result)
    expect(result.run.exitCode, result.run.stdout + result.run.stderr).toBe(0)
    const note =
      'GitHub lists only the first 3,000 files of a pull request, and this ' +
      'one changes 3,004: 4 were not reviewed.'
    expect(result.run.stdout).toContain(`::warning::${note}`)
    expect(result.run.summary).toContain(note)
    expect(result.review?.body).toContain(note)
  })
})
