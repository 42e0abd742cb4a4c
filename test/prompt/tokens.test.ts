import { countTokens } from 'gpt-tokenizer/encoding/o200k_base'
import { describe, expect, it } from 'vitest'
import { loadTokenCounter } from '../../src/prompt/tokens'

const exact = (text: string) =>
  countTokens(text, { disallowedSpecial: new Set<string>() })

describe('loadTokenCounter', () => {
  it('counts ordinary text exactly for OpenAI, and 10% more for DeepSeek', async () => {
    const text = 'export const answer = compute(42, "the question")\n'
    expect((await loadTokenCounter('openai'))(text)).toBe(exact(text))
    expect((await loadTokenCounter('deepseek'))(text)).toBe(
      Math.ceil(exact(text) * 1.1),
    )
  })

  it('counts a long text in pieces, never below the whole count', async () => {
    const lines = Array.from(
      { length: 2_000 },
      (_, k) => `+  const value${k} = compute(${k}, 'argument ${k}')\n`,
    ).join('')
    expect(lines.length).toBeGreaterThan(60_000)
    const counted = (await loadTokenCounter('openai'))(lines)
    expect(counted).toBeGreaterThanOrEqual(exact(lines))
    expect(counted).toBeLessThanOrEqual(exact(lines) * 1.01)
  })

  it('counts a minified line of hundreds of kilobytes in pieces', async () => {
    // The same run of 8-character tokens whole would be 50,000 tokens.
    const minified = 'x'.repeat(400_000)
    const counted = (await loadTokenCounter('openai'))(minified)
    expect(counted).toBeGreaterThanOrEqual(50_000)
    expect(counted).toBeLessThanOrEqual(50_000 + 200)
  })
})
