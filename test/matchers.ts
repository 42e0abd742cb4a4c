/**
 * vitest types its asymmetric matchers as `any`, which strict linting
 * refuses inside toMatchObject(). These return the same matchers typed
 * `unknown`, which is all an expected value needs to be.
 */
import { expect } from 'vitest'

/** Matches any string that contains `text`. */
export function stringContaining(text: string): unknown {
  return expect.stringContaining(text)
}

/** Matches any string. */
export function anyString(): unknown {
  return expect.any(String)
}
