/**
 * The diff model: every file of a pull request with its hunks, the line
 * numbers of each side, and the lines a review comment may be anchored to.
 */

/** How GitHub's "List pull request files" endpoint describes a change. */
export type FileChange =
  | 'added'
  | 'removed'
  | 'modified'
  | 'renamed'
  | 'copied'
  | 'changed'
  | 'unchanged'

/** Why a file has no hunks to show. */
export type NoPatchReason =
  /** Binary content: GitHub never sends a patch for it. */
  | 'binary'
  /** Text that changed, but GitHub left the patch out (over its size limit). */
  | 'too-large'
  /** Moved without a change to its content. */
  | 'rename-only'
  /** Copied without a change to its content. */
  | 'copy-only'
  /** No text to show: a mode change, an empty file, or unnamed binary data. */
  | 'no-text-diff'
  /** GitHub sent a patch that does not parse as unified diff hunks. */
  | 'unparseable'

export type Side = 'LEFT' | 'RIGHT'

export interface DiffLine {
  readonly kind: 'add' | 'del' | 'context'
  /** Line number in the base revision; null for added lines. */
  readonly oldLine: number | null
  /** Line number in the head revision; null for deleted lines. */
  readonly newLine: number | null
  /** The line's text without the diff marker and without a trailing CR. */
  readonly text: string
}

export interface Hunk {
  readonly oldStart: number
  readonly oldLines: number
  readonly newStart: number
  readonly newLines: number
  /** The text git prints after the second `@@`, often the enclosing function. */
  readonly section: string
  readonly lines: readonly DiffLine[]
}

/** Where a line sits, for anchoring comments and checking ranges. */
export interface LineRef {
  readonly hunk: number
  readonly text: string
  readonly kind: DiffLine['kind']
}

export interface DiffFile {
  readonly path: string
  /** The path before a rename or copy. */
  readonly previousPath?: string
  readonly change: FileChange
  readonly additions: number
  readonly deletions: number
  readonly hunks: readonly Hunk[]
  /** Set when the file has no hunks to review, with the reason. */
  readonly noPatch?: NoPatchReason
  /** Head-side lines a comment may use: added and context lines. */
  readonly right: ReadonlyMap<number, LineRef>
  /** Base-side lines a comment may use: deleted and context lines. */
  readonly left: ReadonlyMap<number, LineRef>
}

/** The lines of one side of a file, keyed by their number on that side. */
export function sideLines(
  file: DiffFile,
  side: Side,
): ReadonlyMap<number, LineRef> {
  return side === 'RIGHT' ? file.right : file.left
}
