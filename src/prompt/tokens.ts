/**
 * Token estimates for planning calls and budgets. The count is exact for the
 * GPT-5 family (o200k_base) and an estimate for other providers.
 */

/** Counts the tokens of `text` for a provider's models. */
export type TokenCounter = (text: string) => number

/**
 * DeepSeek's own tokenizer yields about 5% more tokens than o200k on unified
 * patches (3.5% on TypeScript, 8% on Rust); budgets assume 10% more so an
 * estimate rarely falls short. Measured in ../shared/REFERENCE.md, fact 49.
 */
const DEEPSEEK_FACTOR = 1.1

/**
 * Loads the tokenizer. Its rank table is most of the bundle, so it is
 * loaded only by runs that build a prompt, keeping start-up fast for runs
 * that end early.
 */
export async function loadTokenCounter(
  provider: string,
): Promise<TokenCounter> {
  const { countTokens } = await import('gpt-tokenizer/encoding/o200k_base')
  // Diffs may contain text that looks like a special token; it is data here.
  const options = { disallowedSpecial: new Set<string>() }
  const factor = provider === 'deepseek' ? DEEPSEEK_FACTOR : 1
  const count = (text: string): number => countTokens(text, options)
  return (text) =>
    Math.ceil(
      (text.length <= MAX_PIECE
        ? count(text)
        : pieces(text).reduce((sum, piece) => sum + count(piece), 0)) * factor,
    )
}

// Byte-pair encoding slows down sharply on one long run of text: a 400 KB
// minified line takes two minutes whole, a fraction of a second in small
// pieces. Each cut may add a token, so a cut count never falls short.
const MAX_PIECE = 20_000
const LONG_LINE_PIECE = 2_000

/** `text` cut at line ends, and long lines cut again, for counting. */
function pieces(text: string): string[] {
  const result: string[] = []
  let current = ''
  for (const line of text.split(/(?<=\n)/)) {
    if (line.length > MAX_PIECE) {
      if (current) result.push(current)
      current = ''
      for (let at = 0; at < line.length; at += LONG_LINE_PIECE) {
        result.push(line.slice(at, at + LONG_LINE_PIECE))
      }
    } else if (current.length + line.length > MAX_PIECE) {
      result.push(current)
      current = line
    } else {
      current += line
    }
  }
  if (current) result.push(current)
  return result
}
