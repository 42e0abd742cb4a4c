// Scripted misbehaviour: faults injected by a test take over matching
// requests, in the order they were injected, until used up.

import { STATUS_CODES } from 'node:http'
import { DOCS, type Reply } from './github-http'
import type { FaultSpec } from './github-types'

export interface FaultQueue {
  add(fault: FaultSpec): void
  /** Claims one use of the first fault matching the request, if any. */
  take(method: string, path: string): FaultSpec | undefined
}

export function createFaultQueue(): FaultQueue {
  const pending: Array<{ fault: FaultSpec; remaining: number }> = []

  return {
    add(fault) {
      pending.push({ fault, remaining: fault.times ?? 1 })
    },
    take(method, path) {
      const index = pending.findIndex(({ fault }) =>
        matches(fault, method, path),
      )
      const entry = pending[index]
      if (entry === undefined) return undefined
      entry.remaining -= 1
      if (entry.remaining <= 0) pending.splice(index, 1)
      return entry.fault
    },
  }
}

function matches(fault: FaultSpec, method: string, path: string): boolean {
  if (fault.method && fault.method.toUpperCase() !== method) return false
  // A /g or /y pattern keeps state between test() calls; start afresh.
  fault.path.lastIndex = 0
  return fault.path.test(path)
}

/**
 * The answer a fault replaces the normal one with. Without a body it gets
 * GitHub's error shape; a string body is sent as text, as a proxy's error
 * page would be.
 */
export function faultReply(status: number, body: unknown): Reply {
  if (typeof body === 'string') {
    return { status, body, contentType: 'text/plain; charset=utf-8' }
  }
  const fallback = {
    message: STATUS_CODES[status] ?? 'Error',
    documentation_url: DOCS,
    status: String(status),
  }
  return { status, body: body === undefined ? fallback : body }
}
