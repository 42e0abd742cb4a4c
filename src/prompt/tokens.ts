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
  return (text) => Math.ceil(countTokens(text, options) * factor)
}
