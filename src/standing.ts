/**
 * The findings that stand at a head: the ones this run makes and the ones
 * earlier runs made whose code is still in the pull request. A finding that
 * stands is not posted again, and `fail-on` weighs every one of them, so
 * that a push that leaves a finding's code alone cannot clear the check.
 *
 * Earlier findings are carried from the head they were made at to this one
 * by following their lines through the commits in between; after a
 * force-push, which leaves no such path, by finding their code again.
 */
import { createHash } from 'node:crypto'
import { normaliseCode, type Placement } from './diff/anchor'
import { sideLines, type DiffFile } from './diff/model'
import { trackLine } from './diff/track'
import { countSeverities, SEVERITIES, type Severity } from './findings'
import type { Standing } from './report/markers'

/** How the last reviewed head leads to this one. */
export type Moves =
  /** The same head: every line is where it was. */
  | { readonly kind: 'same' }
  /** The files changed since, as GitHub compared the two heads. */
  | { readonly kind: 'compared'; readonly changes: readonly DiffFile[] }
  /** Unknown, as after a force-push: findings are found again by code. */
  | { readonly kind: 'unknown' }

/** The key of a line's code, or of a body finding's text. */
export function textKey(text: string): string {
  return createHash('sha256')
    .update(normaliseCode(text))
    .digest('hex')
    .slice(0, 12)
}

/**
 * Earlier findings, where they are at this head: `files` is the pull
 * request's diff at this head, as the model saw it. A finding whose line
 * was changed or removed, or whose file left the pull request, is gone.
 */
export function carryForward(
  previous: readonly Standing[],
  moves: Moves,
  files: readonly DiffFile[],
): Standing[] {
  if (moves.kind === 'same') return [...previous]
  const byPath = new Map(files.map((file) => [file.path, file]))
  const relocate = relocator(byPath)
  return previous.flatMap((earlier): Standing[] => {
    // Removed lines are numbered in the base, which a push leaves alone.
    if (earlier.s === 'LEFT' || moves.kind === 'unknown') {
      const here = earlier.b ? earlier : relocate(earlier)
      return here && byPath.has(here.p) ? [here] : []
    }
    const moved = follow(earlier, moves.changes)
    if (moved === 'unknown') {
      const here = earlier.b ? earlier : relocate(earlier)
      return here && byPath.has(here.p) ? [here] : []
    }
    const file = moved && byPath.get(moved.p)
    if (!moved || !file) return []
    if (moved.b) return [moved]
    // An inline finding stands while its line is still part of the diff.
    const ref = sideLines(file, 'RIGHT').get(moved.l)
    return ref && textKey(ref.text) === moved.k ? [moved] : []
  })
}

/** A finding's place after the compared commits; undefined if gone. */
function follow(
  earlier: Standing,
  changes: readonly DiffFile[],
): Standing | 'unknown' | undefined {
  const change =
    changes.find((file) => file.path === earlier.p) ??
    changes.find(
      (file) => file.change === 'renamed' && file.previousPath === earlier.p,
    )
  if (!change) return earlier
  if (change.change === 'removed') return undefined
  const path = change.path
  if (change.hunks.length === 0) {
    return change.noPatch === 'rename-only'
      ? { ...earlier, p: path }
      : 'unknown'
  }
  const line = trackLine(change, earlier.l)
  return line === undefined ? undefined : { ...earlier, p: path, l: line }
}

// Code shorter than this, without spaces, is too common to find again:
// `return result` or `}` recur in unrelated places of a file.
const MIN_DISTINCT_CODE = 16

/**
 * Finds an inline finding's code again: the line on its side with the
 * same code nearest to where it was, each line taken once. Only distinct
 * code is followed: a common statement found again may be other code.
 */
function relocator(
  byPath: ReadonlyMap<string, DiffFile>,
): (earlier: Standing) => Standing | undefined {
  const taken = new Set<string>()
  return (earlier) => {
    const file = byPath.get(earlier.p)
    if (!file) return undefined
    let best: number | undefined
    for (const [line, ref] of sideLines(file, earlier.s)) {
      const slot = `${earlier.p}\0${earlier.s}\0${line}\0${earlier.v}`
      if (taken.has(slot) || textKey(ref.text) !== earlier.k) continue
      if (
        normaliseCode(ref.text).replace(/\s/g, '').length < MIN_DISTINCT_CODE
      ) {
        return undefined
      }
      if (
        best === undefined ||
        Math.abs(line - earlier.l) < Math.abs(best - earlier.l)
      ) {
        best = line
      }
    }
    if (best === undefined) return undefined
    taken.add(`${earlier.p}\0${earlier.s}\0${best}\0${earlier.v}`)
    return { ...earlier, l: best }
  }
}

/** A placement as a standing finding at this head. */
export function standingOf(placement: Placement): Standing {
  const { finding } = placement
  return placement.kind === 'inline'
    ? {
        p: placement.path,
        s: placement.side,
        l: placement.line,
        v: finding.severity,
        k: textKey(placement.anchorText),
      }
    : {
        p: placement.path,
        s: 'RIGHT',
        l: finding.line,
        v: finding.severity,
        k: textKey(finding.body),
        b: 1,
      }
}

/**
 * Each finding once: calls that share context, or the parts of a split
 * call, can report one twice. Two different findings on one line are both
 * kept.
 */
export function distinctFindings(
  placements: readonly Placement[],
): Placement[] {
  const seen = new Set<string>()
  return placements.filter((placement) => {
    const same = `${slotOf(standingOf(placement))}\0${textKey(placement.finding.body)}`
    if (seen.has(same)) return false
    seen.add(same)
    return true
  })
}

/** Earlier findings, and which new ones they already stand for. */
export class StandingFindings {
  readonly #worst = new Map<string, number>()

  constructor(readonly earlier: readonly Standing[]) {
    for (const finding of earlier) {
      const slot = slotOf(finding)
      const rank = SEVERITIES.indexOf(finding.v)
      this.#worst.set(slot, Math.min(rank, this.#worst.get(slot) ?? rank))
    }
  }

  /**
   * True when an earlier finding already stands for this one: on the same
   * line, at least as severe (a body finding: with the same text too). A
   * more severe finding on a line is news, and is posted.
   */
  covers(placement: Placement): boolean {
    const finding = standingOf(placement)
    const worst = this.#worst.get(slotOf(finding))
    return worst !== undefined && worst <= SEVERITIES.indexOf(finding.v)
  }

  /** This run's findings that no earlier one stands for, each once. */
  news(placements: readonly Placement[]): Placement[] {
    return distinctFindings(placements).filter(
      (placement) => !this.covers(placement),
    )
  }

  /** The findings that stand once this run's are posted. */
  with(placements: readonly Placement[]): Verdict {
    const all = [...this.earlier, ...this.news(placements).map(standingOf)]
    return {
      standing: all,
      counts: countSeverities(all.map((finding) => finding.v)),
      carried: countSeverities(this.earlier.map((finding) => finding.v)),
    }
  }
}

export interface Verdict {
  readonly standing: readonly Standing[]
  /** What `fail-on` weighs, by severity. */
  readonly counts: Partial<Record<Severity, number>>
  /** How many of those earlier runs made. */
  readonly carried: Partial<Record<Severity, number>>
}

function slotOf(finding: Standing): string {
  return finding.b
    ? `b\0${finding.p}\0${finding.l}\0${finding.k}`
    : `i\0${finding.p}\0${finding.s}\0${finding.l}`
}
