/**
 * The hidden markers this action writes into what it posts, so that later
 * runs can recognise their own reviews: which heads they covered, what they
 * cost, and which comments they already made.
 */
import * as core from '@actions/core'
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
  /**
   * Set on an entry that stands for this many older runs, merged to keep
   * the record small: `head` is the newest one's, `usd` what they all cost.
   */
  readonly runs?: number
}

/** What a review remembers: its runs and the findings it posted. */
export interface ReviewRecord {
  readonly runs: readonly RunRecord[]
  /** Fingerprints of the findings the review posted, inline or in its body. */
  readonly fps: readonly string[]
}

// The record's share of a review body: past it, the record gives up first
// what later runs miss least (see fitRecord).
export const MAX_RECORD_LENGTH = 20_000

// A record keeps this many runs; the first of them stands for all older
// runs, merged, since only their cost is still read.
export const MAX_RUNS = 20

/** The record as the last line of a review, cut to MAX_RECORD_LENGTH. */
export function reviewMarker(record: ReviewRecord): string {
  return markerOf(fitRecord(record, MAX_RECORD_LENGTH))
}

function markerOf(record: ReviewRecord): string {
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

/**
 * The record with one more run. Earlier runs keep their head, cost and
 * verdict: the next run carries forward only the last run's standing
 * findings and missed files. Past MAX_RUNS, the oldest runs are merged.
 */
export function withRun(record: ReviewRecord, run: RunRecord): ReviewRecord {
  const earlier = record.runs.map(
    ({ standing: _, missed: _missed, missedMore: _more, ...kept }) => kept,
  )
  return { ...record, runs: mergeRuns([...earlier, run], MAX_RUNS) }
}

/**
 * The last `keep` runs, the first of them standing for all runs before it:
 * their total cost, which is what later runs add up, and their count.
 */
function mergeRuns(runs: readonly RunRecord[], keep: number): RunRecord[] {
  if (runs.length <= keep) return [...runs]
  const split = runs.length - keep + 1
  const older = runs.slice(0, split)
  const priced = older.filter((run) => run.usd !== undefined)
  // Costs are kept to 8 decimals: rounding the sum keeps it exact.
  const usd = Number(
    priced.reduce((sum, run) => sum + (run.usd ?? 0), 0).toFixed(8),
  )
  const merged: RunRecord = {
    head: older.at(-1)?.head ?? '',
    ...(priced.length > 0 ? { usd } : {}),
    runs: older.reduce((count, run) => count + (run.runs ?? 1), 0),
  }
  return [merged, ...runs.slice(split)]
}

/**
 * The record, cut until its marker fits `limit` characters. It gives up,
 * in turn: the fingerprints, which no run reads any more since standing
 * findings took their place; the older runs, merged into one entry; the
 * missed files (the next run then reviews the whole pull request); and the
 * least severe standing findings.
 */
function fitRecord(record: ReviewRecord, limit: number): ReviewRecord {
  const fits = (candidate: ReviewRecord): boolean =>
    markerOf(candidate).length <= limit
  if (fits(record)) return record
  const withoutFps = { ...record, fps: [] }
  if (fits(withoutFps)) return withoutFps
  const merged = { runs: mergeRuns(record.runs, 2), fps: [] }
  if (fits(merged)) return merged

  const last = merged.runs.at(-1)
  if (!last) return merged
  const withLast = (run: RunRecord): ReviewRecord => ({
    ...merged,
    runs: [...merged.runs.slice(0, -1), run],
  })
  const { missed, standing = [], ...rest } = last
  const run: RunRecord = missed ? { ...rest, missedMore: 1 } : rest
  const worstFirst = [...standing].sort(
    (a, b) => SEVERITIES.indexOf(a.v) - SEVERITIES.indexOf(b.v),
  )
  const keeping = (count: number): ReviewRecord =>
    withLast(count > 0 ? { ...run, standing: worstFirst.slice(0, count) } : run)
  // The most standing findings that fit: `kept` fit, `over` did not.
  let kept = 0
  let over = worstFirst.length + 1
  while (over - kept > 1) {
    const middle = Math.floor((kept + over) / 2)
    if (fits(keeping(middle))) kept = middle
    else over = middle
  }
  if (kept < standing.length) {
    core.warning(
      `The review's hidden record had room for ${kept} of the ` +
        `${standing.length} findings that stand; a later run may post the ` +
        `${standing.length - kept} least severe again, and \`fail-on\` ` +
        'no longer counts them.',
    )
  }
  return keeping(kept)
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
    [1, undefined].includes(run.missedMore as number | undefined) &&
    (run.runs === undefined ||
      (Number.isInteger(run.runs) && (run.runs as number) > 0))
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
