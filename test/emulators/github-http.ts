// HTTP building blocks shared by the routes: answers shaped like GitHub's,
// pagination with Link headers, and reading requests.

import type { IncomingMessage } from 'node:http'

/** An answer before it is written, so faults can add headers to it. */
export interface Reply {
  status: number
  /** JSON unless `contentType` is set, in which case a string sent as is. */
  body: unknown
  contentType?: string
  headers?: Record<string, string>
}

export const DOCS = 'https://docs.github.com/rest'

/** A JSON object, as opposed to an array, a scalar or null. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function json(body: unknown, status = 200): Reply {
  return { status, body }
}

export function text(body: string, contentType: string): Reply {
  return { status: 200, body, contentType }
}

/** GitHub's plain error shape: message, documentation link, status text. */
export function failure(
  status: number,
  message: string,
  documentationUrl = DOCS,
): Reply {
  return json(
    { message, documentation_url: documentationUrl, status: String(status) },
    status,
  )
}

export function notFound(documentationUrl = DOCS): Reply {
  return failure(404, 'Not Found', documentationUrl)
}

/** A 422 with GitHub's `errors` array of plain strings. */
export function unprocessable(error: string, documentationUrl: string): Reply {
  return json(
    {
      message: 'Unprocessable Entity',
      errors: [error],
      documentation_url: documentationUrl,
      status: '422',
    },
    422,
  )
}

/** A 422 from GitHub's request schema check, which has no `errors`. */
export function invalidRequest(
  message: string,
  documentationUrl: string,
): Reply {
  return json(
    { message, documentation_url: documentationUrl, status: '422' },
    422,
  )
}

const DEFAULT_PER_PAGE = 30
const MAX_PER_PAGE = 100

/**
 * One page of `items`, with a Link header like GitHub's: prev, next, last
 * and first as they apply, as absolute URLs that keep the request's own
 * path (so a `/api/v3` prefix survives) and its other query parameters.
 */
export function paginate(items: readonly unknown[], requestUrl: URL): Reply {
  const perPage = clamp(
    readInt(requestUrl.searchParams.get('per_page'), DEFAULT_PER_PAGE),
    1,
    MAX_PER_PAGE,
  )
  const page = Math.max(1, readInt(requestUrl.searchParams.get('page'), 1))
  const lastPage = Math.max(1, Math.ceil(items.length / perPage))
  const body = items.slice((page - 1) * perPage, page * perPage)

  const links: string[] = []
  const link = (target: number, rel: string): void => {
    const url = new URL(requestUrl)
    url.searchParams.set('page', String(target))
    links.push(`<${url.href}>; rel="${rel}"`)
  }
  if (page > 1) link(Math.min(page - 1, lastPage), 'prev')
  if (page < lastPage) {
    link(page + 1, 'next')
    link(lastPage, 'last')
  }
  if (page > 1) link(1, 'first')

  const headers: Record<string, string> = {}
  if (links.length > 0) headers['link'] = links.join(', ')
  return { status: 200, body, headers }
}

function readInt(value: string | null, fallback: number): number {
  const parsed = Number.parseInt(value ?? '', 10)
  return Number.isNaN(parsed) ? fallback : parsed
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}

/** The token of `token X` or `Bearer X`; undefined when there is none. */
export function readToken(
  authorization: string | undefined,
): string | undefined {
  const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(authorization ?? '')
  return match?.[1]
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Request headers as one string each, the way tests want to read them. */
export function flattenHeaders(
  headers: IncomingMessage['headers'],
): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    flat[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}
