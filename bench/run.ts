/**
 * `npm run bench`: what a review costs in tokens, dollars, API calls, time
 * and memory, on every shared fixture and on both routes, beside a naive
 * one-call-per-file layout. Prints a Markdown table and the targets, and
 * writes every number to bench/results/. Targets are reported, never
 * enforced: the exit code is 0 unless the benchmark itself breaks.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { ratesAt } from '../src/cost/cost'
import { findPrice } from '../src/cost/prices'
import { loadTokenCounter } from '../src/prompt/tokens'
import { fixtureSlugs, hasShared } from '../test/shared'
import {
  largestFixture,
  readFixture,
  routeCases,
  type Fixture,
  type RouteCase,
} from './fixtures'
import { selectedPaths, timeLocalWork, type LocalWorkReport } from './local'
import { reviewNaively } from './naive'
import {
  billedRatio,
  cachedShare,
  evaluateTargets,
  renderTable,
  renderTargets,
  tokensPerLine,
  type Footprint,
  type RouteResult,
  type TargetResult,
} from './report'
import { patchSize, reviewOnRoute } from './review'
import { bundleBytes, measureColdStart } from './startup'

const ROOT = resolve(import.meta.dirname, '..')
const RESULTS = join(import.meta.dirname, 'results')

async function main(): Promise<void> {
  const fixtures = hasShared ? fixtureSlugs().map(readFixture) : []
  if (!hasShared) {
    console.log(
      'skipped: ../shared is absent, so no fixture is measured; ' +
        'cold start and bundle size follow.\n',
    )
  }

  const rows: RouteResult[] = []
  for (const fixture of fixtures) {
    for (const route of routeCases(fixture)) {
      rows.push(await measureRoute(fixture, route))
    }
  }
  progress('cold start and bundle')
  const footprint: Footprint = {
    coldStart: await measureColdStart(),
    bundleBytes: bundleBytes(),
    ...(fixtures.length > 0
      ? { memory: await measureInFreshProcess(largestFixture(fixtures)) }
      : {}),
  }
  const targets = evaluateTargets(rows, footprint)

  if (rows.length > 0) {
    console.log(renderTable(rows))
    console.log(`\n${legend()}\n`)
  }
  for (const note of rows.flatMap((row) => row.notes)) {
    console.log(`- Note: ${note}`)
  }
  console.log(`## Targets\n\n${renderTargets(targets)}`)

  const written = writeResults({ rows, footprint, targets })
  console.log(`\nResults: ${written}`)
}

async function measureRoute(
  fixture: Fixture,
  route: RouteCase,
): Promise<RouteResult> {
  progress(`${fixture.slug} on ${route.provider}`)
  const review = await reviewOnRoute(fixture, route)
  const reviewedPaths = review.first.shownPaths
  const reviewed = fixture.files.filter((file) =>
    reviewedPaths.includes(file.filename),
  )
  const naive =
    reviewed.length > 0
      ? await reviewNaively(reviewed, route.provider, review.requestOptions)
      : null
  // The emulators loaded the tokenizer already: this times the work alone.
  const count = await loadTokenCounter(route.provider)

  return {
    slug: fixture.slug,
    provider: route.provider,
    model: review.first.model,
    own: route.own,
    changedFiles: fixture.files.length,
    reviewedPaths,
    patch: patchSize(fixture.files, reviewedPaths),
    first: review.first,
    rerun: review.rerun,
    naive,
    localMs: timeLocalWork(fixture, count),
    notes: suspicions(fixture, route, reviewedPaths, review.misrouted),
  }
}

/** What would make a row's numbers wrong, said next to the table. */
function suspicions(
  fixture: Fixture,
  route: RouteCase,
  shown: readonly string[],
  misrouted: number,
): string[] {
  const notes: string[] = []
  const selected = selectedPaths(fixture)
  const differ =
    selected.length !== shown.length ||
    selected.some((path) => !shown.includes(path))
  if (differ) {
    notes.push(
      `${fixture.slug} on ${route.provider}: the prompts show ` +
        `[${shown.join(', ')}] but the selection reviews ` +
        `[${selected.join(', ')}].`,
    )
  }
  if (misrouted > 0) {
    notes.push(
      `${fixture.slug} on ${route.provider}: ${misrouted} model call(s) ` +
        'reached the other provider.',
    )
  }
  return notes
}

const execFileAsync = promisify(execFile)

/**
 * The largest fixture's local work in a child process, so its peak memory
 * and the tokenizer's first load are its own. Measured on the route its
 * visibility picks.
 */
async function measureInFreshProcess(
  fixture: Fixture,
): Promise<LocalWorkReport> {
  progress(`local work on ${fixture.slug}, fresh process`)
  const provider = fixture.isPrivate ? 'openai' : 'deepseek'
  const { stdout } = await execFileAsync(
    process.execPath,
    ['--import', 'tsx', 'bench/local-work.ts', fixture.slug, provider],
    { cwd: ROOT },
  )
  const last = stdout.trim().split('\n').at(-1) ?? ''
  return JSON.parse(last) as LocalWorkReport
}

function legend(): string {
  const deepseek = findPrice('deepseek-flash')
  const rate = deepseek ? ratesAt(deepseek, new Date()).rate : 'unknown'
  return [
    '- Tokens are o200k, as the emulators count them. A first review runs ' +
      'after one unrelated review put the static instructions in the cache.',
    '- Billed ÷ patch: uncached + 0.1 × cached prompt tokens, over the ' +
      'tokens of the raw patches of the reviewed files.',
    "- Cost: the action's `cost-usd`, with the scripted model's replies; " +
      `DeepSeek at ${rate} rates at the time of the run.`,
    "- (forced): the route the fixture's visibility would not pick.",
    '- Re-run: the same review again at once; Local work: parse, select ' +
      'and plan, median of 20.',
    "- Naive: one call per reviewed file, the instructions and that file's " +
      'diff alone.',
  ].join('\n')
}

function writeResults(results: {
  rows: readonly RouteResult[]
  footprint: Footprint
  targets: readonly TargetResult[]
}): string {
  const now = new Date()
  const data = {
    date: now.toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: availableParallelism(),
    shared: hasShared,
    rows: results.rows.map((row) => ({
      ...row,
      derived: {
        cachedShare: cachedShare(row.first),
        billedRatio: billedRatio(row, row.first),
        tokensPerLine: tokensPerLine(row),
        rerunCachedShare: cachedShare(row.rerun),
        naiveBilledRatio: row.naive ? billedRatio(row, row.naive) : null,
      },
    })),
    footprint: results.footprint,
    targets: results.targets,
  }
  mkdirSync(RESULTS, { recursive: true })
  const text = `${JSON.stringify(data, null, 2)}\n`
  const dated = join(RESULTS, `bench-${now.toISOString().slice(0, 10)}.json`)
  writeFileSync(dated, text)
  writeFileSync(join(RESULTS, 'latest.json'), text)
  return dated
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`)
}

await main()
