/**
 * Following a line from one commit to a later one through the diff between
 * them: lines above a change keep their number, lines below it move by what
 * the change added or removed, and a changed or removed line is gone.
 */
import type { DiffFile } from './model'

/**
 * Where `line` of the old side of `change` is on its new side; undefined
 * when the change removed or rewrote it.
 */
export function trackLine(change: DiffFile, line: number): number | undefined {
  let shift = 0
  for (const hunk of change.hunks) {
    // For a hunk that only adds (`-10,0`), the parser's start is the line
    // after the insertion, 11: the first line the insertion moves.
    if (line < hunk.oldStart) break
    const last = hunk.oldStart + hunk.oldLines - 1
    if (line <= last) {
      const kept = hunk.lines.find((ref) => ref.oldLine === line)
      return kept?.kind === 'context' ? (kept.newLine ?? undefined) : undefined
    }
    shift += hunk.newLines - hunk.oldLines
  }
  return line + shift
}
