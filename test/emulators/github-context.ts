// What every route handler receives. Kept apart from the route table so the
// handlers and the table do not import each other.

import type { Store } from './github-store'

/** The user the workflow's GITHUB_TOKEN acts as. */
export const ACTIONS_LOGIN = 'github-actions[bot]'

export interface RouteContext {
  params: Record<string, string>
  /** The request URL as received, on the emulator's own origin. */
  url: URL
  /** Base of `url` fields in answers: the origin plus any /api/v3. */
  apiBase: string
  headers: Record<string, string>
  /** The JSON object of a write; empty for reads. */
  body: Record<string, unknown>
  login: string
  store: Store
  /** The route's documentation link, for error bodies. */
  docs: string
}

/** A parameter the route's template guarantees. */
export function param(context: RouteContext, name: string): string {
  const value = context.params[name]
  if (value === undefined) {
    throw new Error(`route has no :${name} parameter; this is an emulator bug`)
  }
  return value
}
