/**
 * The local work on one fixture in a fresh process, so that nothing the
 * benchmark loaded before counts towards its memory or the tokenizer's
 * first load:
 *
 *   node --import tsx bench/local-work.ts <slug> [deepseek|openai]
 *
 * Prints one JSON line (see LocalWorkReport).
 */
import { loadTokenCounter } from '../src/prompt/tokens'
import { readFixture } from './fixtures'
import { timeLocalWork, type LocalWorkReport } from './local'

const [slug, provider = 'deepseek'] = process.argv.slice(2)
if (!slug) {
  console.error('usage: local-work.ts <fixture slug> [deepseek|openai]')
  process.exit(2)
}

const startRssKb = Math.round(process.memoryUsage().rss / 1024)
const fixture = readFixture(slug)

const started = performance.now()
const count = await loadTokenCounter(provider)
count('warm-up')
const tokenizerLoadMs = performance.now() - started

const report: LocalWorkReport = {
  slug,
  provider,
  tokenizerLoadMs,
  medianMs: timeLocalWork(fixture, count),
  startRssKb,
  // Kilobytes on Linux and macOS alike.
  maxRssKb: process.resourceUsage().maxRSS,
}
console.log(JSON.stringify(report))
