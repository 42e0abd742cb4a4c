/**
 * The hidden markers this action writes into what it posts, so that later
 * runs can recognise their own comments and reviews.
 */
import { createHash } from 'node:crypto'
import { normaliseCode } from '../diff/anchor'
import type { Side } from '../diff/model'

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

export function fingerprintMarker(value: string): string {
  return `<!-- ${NAME}:fp=${value} -->`
}

/** What a review remembers of the run that posted it. */
export interface RunRecord {
  /** The head commit that was reviewed. */
  readonly head: string
  /** The run's cost in US dollars, when known. */
  readonly usd?: number
}

export function runMarker(record: RunRecord): string {
  return `<!-- ${NAME}:run=${JSON.stringify(record)} -->`
}
