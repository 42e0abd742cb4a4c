/**
 * The hidden markers this action writes into what it posts, so that later
 * runs can recognise their own reviews: which heads they covered, what they
 * cost, and which comments they already made.
 */
import { createHash } from 'node:crypto'
import { normaliseCode } from '../diff/anchor'
import type { Side } from '../diff/model'
import { SEVERITIES, type Severity } from '../findings'

const NAME = 'cost-aware-review'

/**
 * The fingerprint of a line of code: its file, side and text, without its
 * number, which shifts when lines are added above it.
 */
export function fingerprint(path: string, side: Side, code: string): string {
  return createHash('sha256')
    .update(`${path}\0${side}\0${normaliseCode(code)}`)
    .digest('hex')
    .slice(0, 16)
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

/**
 * A finding that stands at a head: posted by this run or an earlier one,
 * its code still in the pull request. Short keys keep the record small.
 */
export interface Standing {
  /** The file. */
  readonly p: string
  /** The side of an inline finding; a body finding's is RIGHT. */
  readonly s: Side
  /** The line at the run's head. */
  readonly l: number
  /** The severity. */
  readonly v: Severity
  /** The code's fingerprint, or a body finding's. */
  readonly k: string
  /** Set for a finding listed in the review's body. */
  readonly b?: 1
}

/** One run of the action that wrote into a review. */
export interface RunRecord {
  /** The head commit that was reviewed. */
  readonly head: string
  /** The run's cost in US dollars; absent when the price was unknown. */
  readonly usd?: number
  /** The findings `fail-on` weighed for this head, by severity. */
  readonly found?: Readonly<Partial<Record<Severity, number>>>
  /**
   * The findings standing at this head, which the next run carries forward;
   * only the last run of a record keeps them.
   */
  readonly standing?: readonly Standing[]
  /**
   * Files meant for review that this run could not review (a failed call,
   * the budget, the deadline); a later run reviews them.
   */
  readonly missed?: readonly string[]
  /** Set when `missed` was too long to keep: the next run reviews all. */
  readonly missedMore?: 1
}

/** What a review remembers: its runs and the findings it posted. */
export interface ReviewRecord {
  readonly runs: readonly RunRecord[]
  /** Fingerprints of the findings the review posted, inline or in its body. */
  readonly fps: readonly string[]
}

export function reviewMarker(record: ReviewRecord): string {
  return `<!-- ${NAME}:review=${asciiJson(record)} -->`
}

/**
 * JSON in printable ASCII, with every other character and `<` and `>` as
 * \u escapes. A path or a model's text can then neither break the record's
 * line (JSON.stringify leaves U+2028 and U+2029 as they are) nor end its
 * HTML comment (`-->`), and no normalisation of text by GitHub alters it.
 */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[^ -~]|[<>]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

// Records written before they were kept in ASCII may hold U+2028 or
// U+2029, which `.` alone would not match.
const REVIEW_MARKER = new RegExp(`^<!-- ${NAME}:review=(\\{.*\\}) -->$`, 's')

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
  const { runs, fps } = value as Record<string, unknown>
  return Array.isArray(runs) && runs.every(isRunRecord) && isStrings(fps)
}

function isRunRecord(value: unknown): value is RunRecord {
  if (typeof value !== 'object' || value === null) return false
  const run = value as Record<keyof RunRecord, unknown>
  return (
    typeof run.head === 'string' &&
    ['number', 'undefined'].includes(typeof run.usd) &&
    isCounts(run.found) &&
    (run.standing === undefined ||
      (Array.isArray(run.standing) && run.standing.every(isStanding))) &&
    (run.missed === undefined || isStrings(run.missed)) &&
    [1, undefined].includes(run.missedMore as number | undefined)
  )
}

function isStanding(value: unknown): value is Standing {
  if (typeof value !== 'object' || value === null) return false
  const { p, s, l, v, k, b } = value as Record<keyof Standing, unknown>
  return (
    typeof p === 'string' &&
    (s === 'RIGHT' || s === 'LEFT') &&
    Number.isInteger(l) &&
    (l as number) > 0 &&
    (SEVERITIES as readonly unknown[]).includes(v) &&
    typeof k === 'string' &&
    (b === undefined || b === 1)
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
