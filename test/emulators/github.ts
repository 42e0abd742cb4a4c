// A local stand-in for the GitHub REST API, for end-to-end tests. It serves
// the endpoints a pull-request reviewer needs and validates reviews as
// strictly as GitHub, so an anchor that GitHub would reject fails here too.
// It is independent of src/ on purpose, diff parsing included.

import { randomBytes } from 'node:crypto'
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { Socket } from 'node:net'
import { ACTIONS_LOGIN } from './github-context'
import { createFaultQueue, faultReply } from './github-faults'
import {
  failure,
  flattenHeaders,
  invalidRequest,
  isRecord,
  notFound,
  readBody,
  readToken,
  type Reply,
} from './github-http'
import { matchRoute } from './github-routes'
import { createStore, type Store } from './github-store'
import type {
  GitHubEmulator,
  GitHubEmulatorOptions,
  RecordedRequest,
} from './github-types'

export { commentableLines } from './github-diff'
export { loadFixtureSetup } from './github-fixtures'
export { REVIEW_ERRORS } from './github-review'
export type {
  FaultSpec,
  GitHubEmulator,
  GitHubEmulatorOptions,
  GitHubFile,
  PullRequestSetup,
  RecordedRequest,
  SubmittedComment,
} from './github-types'

/** GitHub Enterprise Server serves the same API under this prefix. */
const ENTERPRISE_PREFIX = '/api/v3'
const RATE_LIMIT = 5_000

export async function startGitHubEmulator(
  options: GitHubEmulatorOptions = {},
): Promise<GitHubEmulator> {
  const store = createStore()
  const requests: RecordedRequest[] = []
  const rejections: GitHubEmulator['rejections'] = []
  const faults = createFaultQueue()
  const rateLimit = createRateLimit(options.rateLimitHeaders ?? true)
  const answer = createAnswerer(store, options)
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  let url = ''

  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const at = Date.now()
    const raw = await readBody(request)
    const requestUrl = new URL(request.url ?? '/', url)
    const record: RecordedRequest = {
      method: request.method ?? 'GET',
      path: requestUrl.pathname,
      query: Object.fromEntries(requestUrl.searchParams),
      headers: flattenHeaders(request.headers),
      body: parseLoosely(raw),
      status: 0,
      at,
    }
    requests.push(record)

    const { path, prefix } = splitPrefix(requestUrl.pathname)
    const fault = faults.take(record.method, path)
    if (fault?.delayMs !== undefined) await sleep(fault.delayMs)
    // A hanging request stays open until close() destroys its socket.
    if (fault?.hang) return

    const reply =
      fault?.status === undefined
        ? answerSafely({ record, path, raw, requestUrl, apiBase: url + prefix })
        : faultReply(fault.status, fault.body)
    record.status = reply.status
    if (isWrite(record.method) && reply.status >= 400) {
      const { status, body } = reply
      rejections.push({ status, body, request: record })
    }
    send(response, reply, {
      'x-github-request-id': requestId(),
      ...rateLimit(),
      ...reply.headers,
      ...lowerCaseKeys(fault?.headers ?? {}),
    })
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.add(timer)
    })
  }

  // A handler bug must fail the test that hit it, so it answers 500 with
  // the error rather than vanishing.
  function answerSafely(request: ApiRequest): Reply {
    try {
      return answer(request)
    } catch (error) {
      return failure(500, `GitHub emulator bug: ${String(error)}`)
    }
  }

  const server = createServer((request, response) => {
    // Rejects only when the client goes away mid-request: nothing to answer.
    handle(request, response).catch(() => response.destroy())
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => {
      sockets.delete(socket)
    })
  })
  url = `http://127.0.0.1:${await listen(server)}`

  let closing: Promise<void> | undefined
  return {
    url,
    requests,
    reviews: store.reviews,
    reviewComments: store.reviewComments,
    issueComments: store.issueComments,
    rejections,
    addPullRequest: (setup) => {
      store.addPullRequest(setup)
    },
    inject: (fault) => {
      faults.add(fault)
    },
    setHead: (owner, repo, number, sha, files) => {
      store.setHead(owner, repo, number, sha, files)
    },
    close() {
      closing ??= new Promise((resolve) => {
        // Delayed answers would otherwise keep the test process alive.
        for (const timer of timers) clearTimeout(timer)
        server.close(() => {
          resolve()
        })
        for (const socket of sockets) socket.destroy()
      })
      return closing
    },
  }
}

interface ApiRequest {
  record: RecordedRequest
  /** The pathname without any /api/v3 prefix. */
  path: string
  raw: string
  requestUrl: URL
  apiBase: string
}

/**
 * The normal answer to a request. Checks run in a fixed order, credentials,
 * route, permission, request body, so each test sees one clear failure.
 */
function createAnswerer(
  store: Store,
  options: GitHubEmulatorOptions,
): (request: ApiRequest) => Reply {
  const readOnly = new Set(options.readOnlyTokens ?? [])
  // A read-only token is still a real token, so reads accept it.
  const accepted =
    options.tokens === undefined
      ? undefined
      : new Set([...options.tokens, ...readOnly])

  return ({ record, path, raw, requestUrl, apiBase }) => {
    const token = readToken(record.headers['authorization'])
    if (token === undefined || (accepted && !accepted.has(token))) {
      return failure(401, 'Bad credentials')
    }

    const match = matchRoute(record.method, path)
    if (match === undefined) return notFound()
    const { route, params } = match
    if (route.write && readOnly.has(token)) {
      return failure(403, 'Resource not accessible by integration', route.docs)
    }

    const body = route.write ? parseWriteBody(raw, route.docs) : { value: {} }
    if ('reply' in body) return body.reply

    return route.handle({
      params,
      url: requestUrl,
      apiBase,
      headers: record.headers,
      body: body.value,
      login: options.logins?.[token] ?? ACTIONS_LOGIN,
      store,
      docs: route.docs,
    })
  }
}

/** A write's JSON object, or GitHub's answer to a body it cannot use. */
function parseWriteBody(
  raw: string,
  docs: string,
): { value: Record<string, unknown> } | { reply: Reply } {
  if (raw.trim() === '') return { value: {} }
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return { reply: failure(400, 'Problems parsing JSON', docs) }
  }
  if (isRecord(value)) return { value }
  return {
    reply: invalidRequest(
      `Invalid request.\n\nFor 'links/0/schema', ${raw.trim()} is not an ` +
        'object.',
      docs,
    ),
  }
}

/** What the request log keeps: JSON when it parses, else the raw text. */
function parseLoosely(raw: string): unknown {
  if (raw === '') return undefined
  try {
    return JSON.parse(raw) as unknown
  } catch {
    return raw
  }
}

function splitPrefix(pathname: string): { path: string; prefix: string } {
  const prefixed =
    pathname === ENTERPRISE_PREFIX ||
    pathname.startsWith(`${ENTERPRISE_PREFIX}/`)
  if (!prefixed) return { path: pathname, prefix: '' }
  const path = pathname.slice(ENTERPRISE_PREFIX.length) || '/'
  return { path, prefix: ENTERPRISE_PREFIX }
}

function isWrite(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD'
}

/**
 * Rate-limit headers that count down per request. They are informational:
 * to test exhaustion, inject a fault with the headers GitHub would send.
 */
function createRateLimit(enabled: boolean): () => Record<string, string> {
  const reset = Math.floor(Date.now() / 1000) + 3_600
  let used = 0
  return (): Record<string, string> => {
    if (!enabled) return {}
    used += 1
    return {
      'x-ratelimit-limit': String(RATE_LIMIT),
      'x-ratelimit-remaining': String(Math.max(0, RATE_LIMIT - used)),
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-used': String(used),
      'x-ratelimit-resource': 'core',
    }
  }
}

/** Shaped like GitHub's, e.g. "C0E8:3B4A:1F4E2B:3E8D5C:6571A2B4". */
function requestId(): string {
  return [2, 2, 3, 3, 4]
    .map((size) => randomBytes(size).toString('hex').toUpperCase())
    .join(':')
}

function lowerCaseKeys(
  headers: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  )
}

function send(
  response: ServerResponse,
  reply: Reply,
  headers: Record<string, string>,
): void {
  if (response.destroyed) return
  const payload =
    reply.contentType === undefined
      ? JSON.stringify(reply.body)
      : String(reply.body)
  response.writeHead(reply.status, {
    'content-type': reply.contentType ?? 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(payload)),
    ...headers,
  })
  response.end(payload)
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      resolve()
    })
  })
  const address = server.address()
  if (address === null || typeof address === 'string') {
    throw new Error('the emulator is not listening on a TCP port')
  }
  return address.port
}
