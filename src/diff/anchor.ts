/**
 * Anchoring: decides where each finding goes. GitHub rejects a whole review
 * when one comment names a line outside the diff, and silently accepts one
 * on the wrong line, so every anchor is checked against the diff model and,
 * when the model quoted code, against that code.
 */
import type { Finding } from '../findings'
import { sideLines, type DiffFile, type LineRef, type Side } from './model'

/** Why a finding is written into the review body instead of inline. */
export type BodyReason =
  /** The path is not a file of this pull request. */
  | 'outside-pr'
  /** The file is in the pull request but was not shown to the model. */
  | 'not-reviewed'
  /** The line is not part of any hunk on either side. */
  | 'outside-diff'
  /** The quoted code is on no line of the file's hunks. */
  | 'quote-not-found'

export interface InlinePlacement {
  readonly kind: 'inline'
  readonly finding: Finding
  readonly path: string
  readonly line: number
  readonly side: Side
  readonly startLine?: number
  /** The code on the anchored line, and whether it was added or kept. */
  readonly anchorText: string
  readonly anchorKind: LineRef['kind']
  /** True when the suggestion can be offered as a one-click change. */
  readonly applySuggestion: boolean
  /** The line the model named, when the quote moved the anchor. */
  readonly movedFrom?: number
}

export interface BodyPlacement {
  readonly kind: 'body'
  readonly finding: Finding
  /** The path as normalised for lookup. */
  readonly path: string
  readonly reason: BodyReason
}

export type Placement = InlinePlacement | BodyPlacement

/**
 * Places every finding: inline when its anchor is valid for the diff, in
 * the body otherwise. Nothing is dropped.
 */
export function placeFindings(
  findings: readonly Finding[],
  files: readonly DiffFile[],
  reviewedPaths: ReadonlySet<string>,
  options: {
    /** Whether the model saw this file's removed lines numbered in the base. */
    left: (path: string) => boolean
  } = { left: () => true },
): Placement[] {
  const byPath = new Map(files.map((file) => [file.path, file]))

  return findings.map((finding): Placement => {
    const path = resolvePath(finding.path, byPath)
    const file = path === undefined ? undefined : byPath.get(path)
    if (!file || path === undefined) {
      return body(finding, normalisePath(finding.path), 'outside-pr')
    }
    if (!reviewedPaths.has(path) || file.hunks.length === 0) {
      return body(finding, path, 'not-reviewed')
    }
    return placeInFile(
      finding,
      file,
      options.left(path) ? ['RIGHT', 'LEFT'] : ['RIGHT'],
    )
  })
}

/**
 * Model paths are compared exactly (case-sensitive) with the PR's files,
 * after removing a leading "./", "a/" or "b/" when the path as given is
 * not a file of the PR.
 */
export function resolvePath(
  path: string,
  files: ReadonlyMap<string, DiffFile>,
): string | undefined {
  if (files.has(path)) return path
  const normalised = normalisePath(path)
  return files.has(normalised) ? normalised : undefined
}

function normalisePath(path: string): string {
  return path.replace(/^(?:\.\/|a\/|b\/)/, '')
}

function placeInFile(
  finding: Finding,
  file: DiffFile,
  allowed: readonly Side[],
): Placement {
  // The side the model gave is tried first, then the other.
  const preferred: Side[] =
    finding.side === 'LEFT' ? ['LEFT', 'RIGHT'] : ['RIGHT', 'LEFT']
  const sides = preferred.filter((side) => allowed.includes(side))
  if (finding.side && !allowed.includes(finding.side) && !finding.quote) {
    return body(finding, file.path, 'outside-diff')
  }

  if (finding.quote !== undefined) {
    const match = findQuotedLine(file, finding, sides)
    return match
      ? inline(finding, file, match.side, match.line)
      : body(finding, file.path, 'quote-not-found')
  }

  const side =
    finding.side ??
    sides.find((candidate) => sideLines(file, candidate).has(finding.line))
  if (side && sideLines(file, side).has(finding.line)) {
    return inline(finding, file, side, finding.line)
  }
  return body(finding, file.path, 'outside-diff')
}

/**
 * The quoted line: the named line when its code matches the quote (on the
 * side the model gave, else the other), otherwise the nearest line with
 * that code, since models miscount more often than they misquote.
 */
function findQuotedLine(
  file: DiffFile,
  finding: Finding,
  sides: readonly Side[],
): { side: Side; line: number } | undefined {
  const quote = quoteLines(finding.quote ?? '')
  if (quote.length === 0) return undefined
  const exact = (ref: LineRef): boolean =>
    quote.includes(normaliseCode(ref.text))
  const partial = (ref: LineRef): boolean => quoteMatches(ref.text, quote)

  // An exact copy of the quoted code beats a line that merely contains
  // part of it, however near; the named line wins among equals.
  for (const matches of [exact, partial]) {
    for (const side of sides) {
      const ref = sideLines(file, side).get(finding.line)
      if (ref && matches(ref)) return { side, line: finding.line }
    }
    const found = nearest(file, finding.line, sides, matches)
    if (found) return found
  }
  return undefined
}

function nearest(
  file: DiffFile,
  line: number,
  sides: readonly Side[],
  matches: (ref: LineRef) => boolean,
): { side: Side; line: number } | undefined {
  let best: { side: Side; line: number; distance: number } | undefined
  for (const side of sides) {
    for (const [candidate, ref] of sideLines(file, side)) {
      const distance = Math.abs(candidate - line)
      if (
        matches(ref) &&
        ref.text.trim() !== '' &&
        (!best || distance < best.distance)
      ) {
        best = { side, line: candidate, distance }
      }
    }
  }
  return best && { side: best.side, line: best.line }
}

function inline(
  finding: Finding,
  file: DiffFile,
  side: Side,
  line: number,
): InlinePlacement {
  const lines = sideLines(file, side)
  const anchor = lines.get(line)
  const shift = line - finding.line

  // A range keeps its length when the quote moved the anchor; it must stay
  // inside one hunk, on one side, and end after it starts.
  let startLine =
    finding.startLine === undefined ? undefined : finding.startLine + shift
  const start = startLine === undefined ? undefined : lines.get(startLine)
  const rangeValid =
    startLine === undefined ||
    (start !== undefined && startLine < line && start.hunk === anchor?.hunk)
  if (!rangeValid) startLine = undefined

  return {
    kind: 'inline',
    finding,
    path: file.path,
    line,
    side,
    ...(startLine !== undefined ? { startLine } : {}),
    anchorText: anchor?.text ?? '',
    anchorKind: anchor?.kind ?? 'context',
    // A suggestion replaces exactly the anchored lines, which only works on
    // the head side and only for the range the model meant.
    applySuggestion:
      finding.suggestion !== undefined && side === 'RIGHT' && rangeValid,
    ...(shift !== 0 ? { movedFrom: finding.line } : {}),
  }
}

function body(finding: Finding, path: string, reason: BodyReason): Placement {
  return { kind: 'body', finding, path, reason }
}

function quoteLines(quote: string): string[] {
  return quote
    .split(/\r?\n/)
    .map(normaliseCode)
    .filter((line) => line !== '')
}

function quoteMatches(text: string, quote: readonly string[]): boolean {
  const code = normaliseCode(text)
  if (code === '') return false
  return quote.some(
    (part) =>
      part === code ||
      (part.length >= 6 && code.includes(part)) ||
      (code.length >= 6 && part.includes(code)),
  )
}

/** Code compared without indentation and with runs of spaces folded. */
export function normaliseCode(text: string): string {
  return text.trim().replace(/\s+/g, ' ')
}
