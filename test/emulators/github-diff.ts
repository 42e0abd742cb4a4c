// The emulator's own reading of unified-diff patches. It deliberately shares
// no code with src/: if both parsers made the same mistake, the end-to-end
// tests could not catch it.

import type { GitHubFile } from './github-types'

export type Side = 'LEFT' | 'RIGHT'

/** One line of a hunk, numbered on the side(s) where it exists. */
interface HunkEntry {
  text: string
  left?: number
  right?: number
}

interface Hunk {
  header: string
  entries: HunkEntry[]
  left: Set<number>
  right: Set<number>
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/

/**
 * Splits a patch into hunks. Lines are counted against the header's lengths,
 * so a blank line after the last hunk is not taken for context.
 */
function parseHunks(patch: string): Hunk[] {
  const hunks: Hunk[] = []
  let hunk: Hunk | undefined
  let oldLine = 0
  let newLine = 0
  let oldLeft = 0
  let newLeft = 0

  // Split on LF only: in a CRLF file the CR belongs to the line's content.
  for (const text of patch.split('\n')) {
    const header = HUNK_HEADER.exec(text)
    if (header) {
      oldLine = Number(header[1])
      oldLeft = Number(header[2] ?? 1)
      newLine = Number(header[3])
      newLeft = Number(header[4] ?? 1)
      hunk = { header: text, entries: [], left: new Set(), right: new Set() }
      hunks.push(hunk)
      continue
    }
    if (!hunk) continue

    // "\ No newline at end of file" describes the line before it; it is not
    // a line of either file, so it advances neither counter.
    if (text.startsWith('\\')) {
      hunk.entries.push({ text })
      continue
    }
    if (oldLeft === 0 && newLeft === 0) continue

    const marker = text[0]
    if (marker === '+') {
      hunk.right.add(newLine)
      hunk.entries.push({ text, right: newLine++ })
      newLeft--
    } else if (marker === '-') {
      hunk.left.add(oldLine)
      hunk.entries.push({ text, left: oldLine++ })
      oldLeft--
    } else {
      // A context line; some tools strip its leading space when it is empty.
      hunk.left.add(oldLine)
      hunk.right.add(newLine)
      hunk.entries.push({ text, left: oldLine++, right: newLine++ })
      oldLeft--
      newLeft--
    }
  }
  return hunks
}

function linesOn(hunk: Hunk, side: Side): Set<number> {
  return side === 'LEFT' ? hunk.left : hunk.right
}

/** The commentable lines of a patch, per side and per hunk. */
export function commentableLines(patch: string): {
  right: Set<number>
  left: Set<number>
  hunks: Array<{ right: Set<number>; left: Set<number> }>
} {
  const hunks = parseHunks(patch)
  return {
    right: new Set(hunks.flatMap((hunk) => [...hunk.right])),
    left: new Set(hunks.flatMap((hunk) => [...hunk.left])),
    hunks: hunks.map(({ right, left }) => ({ right, left })),
  }
}

/** Whether one hunk holds both lines on the given side. */
export function sameHunk(
  patch: string,
  side: Side,
  first: number,
  last: number,
): boolean {
  return parseHunks(patch).some((hunk) => {
    const lines = linesOn(hunk, side)
    return lines.has(first) && lines.has(last)
  })
}

/**
 * The `diff_hunk` GitHub shows with a review comment: the hunk header and
 * every hunk line up to the commented one.
 */
export function diffHunkFor(patch: string, side: Side, line: number): string {
  const key = side === 'LEFT' ? 'left' : 'right'
  for (const hunk of parseHunks(patch)) {
    const end = hunk.entries.findIndex((entry) => entry[key] === line)
    if (end === -1) continue
    const texts = hunk.entries.slice(0, end + 1).map((entry) => entry.text)
    return [hunk.header, ...texts].join('\n')
  }
  return ''
}

/** Changed lines as GitHub counts them against the 20,000-line diff limit. */
export function changedLineCount(files: readonly GitHubFile[]): number {
  return files.reduce((sum, file) => sum + file.changes, 0)
}

/**
 * A text diff assembled from the files' patches, in the layout of
 * `git diff`. Files without a patch get git's "Binary files" line only
 * when they changed no lines; a too-large text diff cannot be rebuilt from
 * the API data, so it keeps just its header.
 */
export function synthesizeDiff(files: readonly GitHubFile[]): string {
  return files.map(fileDiff).join('')
}

function fileDiff(file: GitHubFile): string {
  const oldPath = file.previous_filename ?? file.filename
  const newPath = file.filename
  const lines = [`diff --git a/${oldPath} b/${newPath}`]

  if (file.status === 'added') lines.push('new file mode 100644')
  if (file.status === 'removed') lines.push('deleted file mode 100644')
  if (file.previous_filename !== undefined) {
    lines.push(`rename from ${oldPath}`, `rename to ${newPath}`)
  }

  const from = file.status === 'added' ? '/dev/null' : `a/${oldPath}`
  const to = file.status === 'removed' ? '/dev/null' : `b/${newPath}`
  if (file.patch !== undefined) {
    lines.push(fileMarker('---', from), fileMarker('+++', to), file.patch)
  } else if (file.changes === 0 && file.status !== 'renamed') {
    lines.push(`Binary files ${from} and ${to} differ`)
  }
  return lines.join('\n') + '\n'
}

// git ends a ---/+++ line with a TAB when the path holds a space, so that
// a trailing space in a name stays visible.
function fileMarker(marker: string, path: string): string {
  return `${marker} ${path}${path.includes(' ') ? '\t' : ''}`
}
