/**
 * The hidden markers this action writes into what it posts, so that later
 * runs can recognise their own reviews: which heads they covered, what they
 * cost, and which comments they already made.
 */
import { createHash } from 'node:crypto'
import { normaliseCode } from '../diff/anchor'
import type { Side } from '../diff/model'
import type { Severity } from '../findings'

const NAME = 'cost-aware-review'

/**
 * A comment's fingerprint: its file, side and the code it is anchored to,
 * not its line number, which shifts when lines are added above it.
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

/** One run of the action that wrote into a review. */
export interface RunRecord {
  /** The head commit that was reviewed. */
  readonly head: string
  /** The run's cost in US dollars; absent when the price was unknown. */
  readonly usd?: number
  /** How many findings of each severity the run made, for `fail-on`. */
  readonly found?: Readonly<Partial<Record<Severity, number>>>
}

/** What a review remembers: its runs and its inline comments. */
export interface ReviewRecord {
  readonly runs: readonly RunRecord[]
  /** Fingerprints of the findings the review posted, inline or in its body. */
  readonly fps: readonly string[]
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
  const { runs, fps } = value as Record<string, unknown>
  return (
    Array.isArray(runs) &&
    runs.every(
      (run) =>
        typeof run === 'object' &&
        run !== null &&
        typeof (run as RunRecord).head === 'string' &&
        ['number', 'undefined'].includes(typeof (run as RunRecord).usd) &&
        isCounts((run as RunRecord).found),
    ) &&
    Array.isArray(fps) &&
    fps.every((fp) => typeof fp === 'string')
  )
}

function isCounts(value: unknown): boolean {
  if (value === undefined) return true
  if (typeof value !== 'object' || value === null) return false
  return Object.values(value).every(
    (count) =>
      typeof count === 'number' && Number.isInteger(count) && count >= 0,
  )
}
