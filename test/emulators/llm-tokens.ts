import { decode, encode } from 'gpt-tokenizer/encoding/o200k_base'

import type { ChatMessage } from './llm-types'

// Diffs can quote special tokens such as <|endoftext|>; a real API counts
// them as ordinary text, and the tokenizer would otherwise throw.
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() }

export function tokenize(text: string): number[] {
  return encode(text, AS_PLAIN_TEXT)
}

/** o200k token count of `text`, the same count the emulator bills. */
export function countTokens(text: string): number {
  return tokenize(text).length
}

/** The longest start of `text` that fits in `limit` tokens. */
export function truncateToTokens(text: string, limit: number): string {
  if (limit <= 0) return ''
  return decode(tokenize(text).slice(0, limit))
}

/**
 * One fixed rendering of a conversation. Real providers wrap messages in
 * their own templates; any stable rendering will do here, because tests
 * compare the emulator with itself, not with a provider's exact count.
 */
export function canonicalPrompt(messages: readonly ChatMessage[]): string {
  return messages
    .map((message) => `<|${message.role}|>\n${message.content}\n`)
    .join('')
}

export function commonPrefixLength(
  a: readonly number[],
  b: readonly number[],
): number {
  const limit = Math.min(a.length, b.length)
  let length = 0
  while (length < limit && a[length] === b[length]) length++
  return length
}
