/**
 * What the openai SDK is told about retrying a failed answer. The SDK
 * retries 408, 409, 429 and 5xx, honours `x-should-retry`, and waits as
 * long as `retry-after-ms` or `retry-after` say: these rules adjust the
 * answer's headers before the SDK reads them.
 */

// The SDK sleeps as long as `retry-after` says, and that sleep cannot be
// interrupted: a longer wait than this ends the call instead. Its own
// backoff without the header stays under 8 s (openai-node,
// `calculateDefaultRetryTimeoutMillis`).
export const MAX_RETRY_WAIT_MS = 60_000

// A 429 that says so will say it again: the account is out of money.
const OUT_OF_QUOTA =
  /insufficient_quota|exceeded your current quota|insufficient balance/i

export interface RetryAdvice {
  readonly response: Response
  /** The wait the provider asked for, when it was too long to wait. */
  readonly refusedWaitMs?: number
}

/**
 * A failed answer with the retry it deserves: none when the account is out
 * of quota or the provider asks for a wait longer than MAX_RETRY_WAIT_MS,
 * and after the reset that OpenAI's `x-ratelimit-reset-*` headers hint at
 * when no `retry-after` is given.
 */
export async function adviseRetry(response: Response): Promise<RetryAdvice> {
  if (response.ok) return { response }
  const headers = new Headers(response.headers)
  // The body is read only for a 429, whose text tells quota from rate.
  let body: ReadableStream<Uint8Array> | string | null = response.body
  if (response.status === 429) {
    const text = await response.text()
    body = text
    if (OUT_OF_QUOTA.test(text)) headers.set('x-should-retry', 'false')
    const reset = resetHintMs(headers)
    if (askedWaitMs(headers) === undefined && reset !== undefined) {
      headers.set('retry-after-ms', String(reset))
    }
  }
  const wait = askedWaitMs(headers)
  const tooLong = wait !== undefined && wait > MAX_RETRY_WAIT_MS
  if (tooLong) headers.set('x-should-retry', 'false')
  return {
    response: new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    }),
    ...(tooLong ? { refusedWaitMs: wait } : {}),
  }
}

/** The wait `retry-after-ms` or `retry-after` asks for, in milliseconds. */
export function askedWaitMs(headers: Headers): number | undefined {
  const millis = Number.parseFloat(headers.get('retry-after-ms') ?? '')
  if (!Number.isNaN(millis)) return millis
  const after = headers.get('retry-after')
  if (after === null) return undefined
  const seconds = Number.parseFloat(after)
  if (!Number.isNaN(seconds)) return seconds * 1000
  const date = Date.parse(after)
  return Number.isNaN(date) ? undefined : date - Date.now()
}

/**
 * The longer of the waits OpenAI's `x-ratelimit-reset-requests` and
 * `-tokens` headers give, in milliseconds. They are Go durations ("12ms",
 * "6m0s"): go-openai's ratelimit.go reads them with time.ParseDuration.
 */
export function resetHintMs(headers: Headers): number | undefined {
  const waits = ['requests', 'tokens'].flatMap((kind) => {
    const ms = goDurationMs(
      headers.get(`x-ratelimit-reset-${kind}`)?.trim() ?? '',
    )
    return ms === undefined ? [] : [ms]
  })
  return waits.length > 0 ? Math.max(...waits) : undefined
}

const DURATION_UNIT_MS: Readonly<Record<string, number>> = {
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 0.000_001,
}

// One amount and its unit; "ms" before "m", which would otherwise match.
const DURATION_PART = /(\d+(?:\.\d+)?)(h|ms|us|µs|ns|m|s)/y

function goDurationMs(text: string): number | undefined {
  if (text === '') return undefined
  let total = 0
  DURATION_PART.lastIndex = 0
  while (DURATION_PART.lastIndex < text.length) {
    const part = DURATION_PART.exec(text)
    if (!part) return undefined
    const [, amount, unit] = part
    total += Number(amount) * (DURATION_UNIT_MS[unit ?? ''] ?? 0)
  }
  return Math.ceil(total)
}
