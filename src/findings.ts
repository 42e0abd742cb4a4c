/** What the model reports, after its reply has been validated. */
import type { Side } from './diff/model'

export const SEVERITIES = ['critical', 'major', 'minor', 'nit'] as const

export type Severity = (typeof SEVERITIES)[number]

export interface Finding {
  /** The file, as the model named it. */
  readonly path: string
  /** The last line the finding is about, numbered on `side`. */
  readonly line: number
  /** The first line of a multi-line finding. */
  readonly startLine?: number
  /** Absent when the model did not say; anchoring then infers it. */
  readonly side?: Side
  readonly severity: Severity
  readonly body: string
  /** Replacement code for the anchored lines. */
  readonly suggestion?: string
  /** The code the model says it is commenting on, to check the anchor. */
  readonly quote?: string
}

/** Most severe first; used to order comments and to pick which to keep. */
export function bySeverity(a: Finding, b: Finding): number {
  return SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity)
}

/** How many findings there are of each severity. */
export function countSeverities(
  severities: readonly Severity[],
): Partial<Record<Severity, number>> {
  const counts: Partial<Record<Severity, number>> = {}
  for (const severity of severities)
    counts[severity] = (counts[severity] ?? 0) + 1
  return counts
}

/**
 * The findings at `threshold` or more severe, from counts by severity:
 * what `fail-on` gates on.
 */
export function atLeast(
  counts: Readonly<Partial<Record<Severity, number>>>,
  threshold: Severity,
): number {
  const limit = SEVERITIES.indexOf(threshold)
  return SEVERITIES.slice(0, limit + 1).reduce(
    (sum, severity) => sum + (counts[severity] ?? 0),
    0,
  )
}
