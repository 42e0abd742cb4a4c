/**
 * The hidden markers this action writes into what it posts, so that later
 * runs can recognise their own reviews: which heads they covered, what they
 * cost, and which comments they already made.
 */
import { createHash } from 'node:crypto'
import { normaliseCode } from '../diff/anchor'
import { sideLines, type DiffFile, type Side } from '../diff/model'
import { SEVERITIES, type Severity } from '../findings'

const NAME = 'cost-aware-review'

/**
 * A comment's fingerprint: its file, side, the code it is anchored to and
 * which line with that code it is, not its line number, which shifts when
 * lines are added above it.
 */
export function fingerprint(
  path: string,
  side: Side,
  code: string,
  occurrence = 0,
): string {
  return createHash('sha256')
    .update(`${path}\0${side}\0${normaliseCode(code)}\0${occurrence}`)
    .digest('hex')
    .slice(0, 16)
}

/**
 * The fingerprint of every line a comment could be anchored to in these
 * files: the anchors that still exist at this head.
 */
export function lineFingerprints(files: readonly DiffFile[]): Set<string> {
  const prints = new Set<string>()
  for (const file of files) {
    for (const side of ['RIGHT', 'LEFT'] as const) {
      const seen = new Map<string, number>()
      const lines = [...sideLines(file, side)].sort(([a], [b]) => a - b)
      for (const [, ref] of lines) {
        const code = normaliseCode(ref.text)
        const occurrence = seen.get(code) ?? 0
        seen.set(code, occurrence + 1)
        prints.add(fingerprint(file.path, side, ref.text, occurrence))
      }
    }
  }
  return prints
}

/**
 * The fingerprint of a finding listed in a review's body, which has no code
 * anchor: its file, the line the model named and its text.
 */
export function bodyFingerprint(
  path: string,
  line: number,
  text: string,
): string {
  return createHash('sha256')
    .update(`${path}\0${line}\0${normaliseCode(text)}`)
    .digest('hex')
    .slice(0, 16)
}

export function fingerprintMarker(value: string): string {
  return `<!-- ${NAME}:fp=${value} -->`
}

/** One run of the action that wrote into a review. */
export interface RunRecord {
  /** The head commit that was reviewed. */
  readonly head: string
  /** The run's cost in US dollars; absent when the price was unknown. */
  readonly usd?: number
  /**
   * The findings `fail-on` weighed for this head, by severity: the run's
   * own and earlier ones whose code is still in the diff.
   */
  readonly found?: Readonly<Partial<Record<Severity, number>>>
  /**
   * Files meant for review that this run could not review (a failed call,
   * the budget, the deadline); a later run reviews them.
   */
  readonly missed?: readonly string[]
}

/** What a review remembers: its runs and its inline comments. */
export interface ReviewRecord {
  readonly runs: readonly RunRecord[]
  /** Fingerprints of the findings the review posted, inline or in its body. */
  readonly fps: readonly string[]
  /**
   * The severity of each anchored finding, by fingerprint: while its code
   * is still in the diff, `fail-on` counts it, in later runs too.
   */
  readonly sev?: Readonly<Record<string, Severity>>
}

export function reviewMarker(record: ReviewRecord): string {
  return `<!-- ${NAME}:review=${JSON.stringify(record)} -->`
}

const REVIEW_MARKER = new RegExp(`^<!-- ${NAME}:review=(\\{.*\\}) -->$`)

/**
 * Reads the record from a review body. Only the body's last line counts:
 * model text inside the body cannot plant a record, since the action writes
 * its marker last and escapes comment markers in model text.
 */
export function parseReviewMarker(body: string): ReviewRecord | undefined {
  const last = body.trimEnd().split('\n').at(-1) ?? ''
  const match = REVIEW_MARKER.exec(last)
  if (!match?.[1]) return undefined
  try {
    const value: unknown = JSON.parse(match[1])
    return isReviewRecord(value) ? value : undefined
  } catch {
    return undefined
  }
}

function isReviewRecord(value: unknown): value is ReviewRecord {
  if (typeof value !== 'object' || value === null) return false
  const { runs, fps, sev } = value as Record<string, unknown>
  return (
    Array.isArray(runs) &&
    runs.every(
      (run) =>
        typeof run === 'object' &&
        run !== null &&
        typeof (run as RunRecord).head === 'string' &&
        ['number', 'undefined'].includes(typeof (run as RunRecord).usd) &&
        isCounts((run as RunRecord).found) &&
        isStrings((run as RunRecord).missed ?? []),
    ) &&
    isStrings(fps) &&
    (sev === undefined ||
      (typeof sev === 'object' &&
        sev !== null &&
        Object.values(sev).every((severity) =>
          (SEVERITIES as readonly unknown[]).includes(severity),
        )))
  )
}

function isStrings(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}

function isCounts(value: unknown): boolean {
  if (value === undefined) return true
  if (typeof value !== 'object' || value === null) return false
  return Object.values(value).every(
    (count) =>
      typeof count === 'number' && Number.isInteger(count) && count >= 0,
  )
}
