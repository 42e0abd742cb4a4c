/**
 * The local CLI: the action's own code path, run from a terminal.
 *
 *   cost-aware-review review --repo OWNER/NAME --pr N [--dry-run]
 *   cost-aware-review estimate --diff FILE.patch [--public] [--title TEXT]
 *
 * Results go to standard output; progress, warnings and the action's log
 * go to standard error.
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parseGitDiff } from './diff/git'
import { parseFile, type PatchSource } from './diff/parse'
import { ratesAt } from './cost/cost'
import { findPrice } from './cost/prices'
import {
  ASSUMED_OUTPUT_TOKENS,
  chosenTotal,
  estimateRoutes,
  type RouteEstimate,
} from './estimate'
import { printingPoster } from './github/review'
import { review } from './main'
import { redactPullRequest } from './redact'
import { formatCount, formatUsd } from './report/text'
import { assignLanes, chooseRoute } from './route'
import { selectFiles, SKIP_REASON_TEXT } from './select'
import { readCliSettings, type CliRequest, type Settings } from './settings'
import { version } from '../package.json'

const USAGE = `Usage:
  cost-aware-review review --repo OWNER/NAME --pr N [--dry-run] [--private] [--input NAME=VALUE]...
  cost-aware-review estimate --diff FILE.patch [--public] [--title TEXT] [--input NAME=VALUE]...
  cost-aware-review --version

review    Reviews a pull request on GitHub, as the action would, with the
          same inputs (--input, repeatable). Keys come from GITHUB_TOKEN (or
          GH_TOKEN), DEEPSEEK_API_KEY, OPENAI_API_KEY and SELF_HOSTED_API_KEY;
          GITHUB_API_URL points it at GitHub Enterprise Server. Without
          --dry-run it posts the review. The repository's visibility comes
          from GitHub (private when it cannot be read); --private treats
          the repository as private whatever GitHub says.
estimate  Prices the review of a patch file (git diff or format-patch; -
          reads standard input) on every configured route. Needs no key
          and no network. The patch counts as private code unless --public.
`

// Inputs that hold credentials: better in the environment than in shell
// history.
const KEY_INPUTS: Readonly<Record<string, string>> = {
  'github-token': 'GITHUB_TOKEN',
  'deepseek-api-key': 'DEEPSEEK_API_KEY',
  'openai-api-key': 'OPENAI_API_KEY',
  'self-hosted-api-key': 'SELF_HOSTED_API_KEY',
}

type Write = (text: string) => void

/** Runs the CLI; returns the exit code. */
export async function cli(argv: readonly string[]): Promise<number> {
  // Bound now: while the log is redirected, results still reach stdout.
  const stdout = process.stdout.write.bind(process.stdout)
  const out: Write = (text) => void stdout(text)
  const err: Write = (text) => void process.stderr.write(text)
  // A reader that stops early, like `head`, is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    process.exit(process.exitCode ?? 0)
  })
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        repo: { type: 'string' },
        pr: { type: 'string' },
        diff: { type: 'string' },
        title: { type: 'string' },
        public: { type: 'boolean', default: false },
        private: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        input: { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    })
    const [command] = positionals
    if (values.version) {
      out(`cost-aware-review ${version}\n`)
      return 0
    }
    if (values.help || command === 'help') {
      out(USAGE)
      return 0
    }
    if (!command) throw new UsageError('name a command: review or estimate')
    const inputs = parseInputs(values.input, err)
    if (values.public && values.private) {
      throw new UsageError('give --public or --private, not both')
    }

    if (command === 'estimate') {
      if (!values.diff) throw new UsageError('estimate needs --diff FILE.patch')
      for (const ignored of ['mode', 'dry-run'].filter(
        (name) => name in inputs,
      )) {
        err(`cost-aware-review: --input ${ignored} is ignored by estimate\n`)
      }
      const diff = values.diff
      const restore = redirectLog(err)
      try {
        return await estimate(
          diff,
          values.public,
          values.title ?? '',
          inputs,
          out,
          err,
        )
      } finally {
        restore()
      }
    }
    if (command === 'review') {
      const { repo } = values
      if (!repo || !/^[^/\s]+\/[^/\s]+$/.test(repo)) {
        throw new UsageError(
          `review needs --repo OWNER/NAME; got ${repo === undefined ? 'none' : `"${repo}"`}`,
        )
      }
      const pr = Number(values.pr)
      if (!Number.isInteger(pr) || pr < 1) {
        throw new UsageError(
          `review needs --pr N, a pull request number; got ${values.pr === undefined ? 'none' : `"${values.pr}"`}`,
        )
      }
      // Only GitHub may say a repository is public: a flag that could send
      // private code to the public provider would defeat the policy.
      if (values.public) {
        throw new UsageError(
          'review reads the visibility from GitHub; --public applies to ' +
            'estimate only',
        )
      }
      const visibility = values.private ? 'private' : undefined
      return await reviewPullRequest(
        {
          command: 'review',
          repo,
          pr,
          dryRun: values['dry-run'],
          inputs,
          ...(visibility
            ? { visibility, visibilitySource: `the --${visibility} flag` }
            : {}),
        },
        out,
        err,
      )
    }
    throw new UsageError(`unknown command "${command}"`)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    err(`cost-aware-review: ${message}\n`)
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      err(USAGE)
      return 2
    }
    return 1
  }
}

class UsageError extends Error {}

function parseInputs(
  pairs: readonly string[],
  err: Write,
): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=')
      if (at < 1)
        throw new UsageError(`--input takes NAME=VALUE, not "${pair}"`)
      const name = pair.slice(0, at)
      const variable = KEY_INPUTS[name]
      if (variable) {
        err(
          `cost-aware-review: --input ${name} puts a credential in your shell ` +
            `history; prefer the ${variable} environment variable\n`,
        )
      }
      return [name, pair.slice(at + 1)]
    }),
  )
}

/**
 * Reviews through the action's own `review`, with the runner's files in a
 * temporary folder: its job summary is printed when it is done, and its
 * log (workflow commands meant for a runner) goes to standard error.
 */
async function reviewPullRequest(
  request: CliRequest,
  out: Write,
  err: Write,
): Promise<number> {
  const folder = mkdtempSync(join(tmpdir(), 'cost-aware-review-'))
  const summaryPath = join(folder, 'summary.md')
  const outputsPath = join(folder, 'outputs.txt')
  writeFileSync(summaryPath, '')
  writeFileSync(outputsPath, '')
  // @actions/core reads these when it writes the summary and outputs.
  process.env.GITHUB_STEP_SUMMARY = summaryPath
  process.env.GITHUB_OUTPUT = outputsPath

  const printing = printingPoster((text) => {
    out(`${text}\n\n`)
  })
  const restore = redirectLog(err)
  let failed = false
  try {
    const settings = readCliSettings(request)
    await review(settings, {
      ...(settings.dryRun ? { poster: printing } : {}),
      configure: (config) => readCliSettings(request, undefined, config),
      // Reviews posted with this token by earlier CLI runs are this
      // action's own, though not a bot's.
      trustedLogin: async (octokit) => {
        try {
          return (await octokit.rest.users.getAuthenticated()).data.login
        } catch {
          // An installation token has no user: bots' reviews only.
          return undefined
        }
      },
    })
  } catch (error) {
    failed = true
    err(
      `cost-aware-review: ${error instanceof Error ? error.message : String(error)}\n`,
    )
  } finally {
    restore()
  }
  out(readFileSync(summaryPath, 'utf8'))
  rmSync(folder, { recursive: true, force: true })
  return failed || process.exitCode === 1 ? 1 : 0
}

/**
 * Sends what @actions/core writes to standard output (log lines and
 * workflow commands) to standard error, turning the commands into plain
 * text a person can read.
 */
function redirectLog(err: Write): () => void {
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = (chunk: string | Uint8Array) => {
    const text =
      typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
    err(readable(text))
    return true
  }
  return () => {
    process.stdout.write = write
  }
}

function readable(text: string): string {
  // Text logged with workflow commands stopped (report/log.ts) is shown
  // as it was written, without the two lines that stop and restart them.
  const stopped = /^::stop-commands::(\w+)\n([\s\S]*)\n::\1::\r?\n$/.exec(text)
  if (stopped) return `${stopped[2]}\n`
  return text
    .split('\n')
    .flatMap((line) => {
      const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line)
      if (!command) return [line]
      const [, name, message] = command
      if (name === 'add-mask' || name === 'endgroup' || name === 'debug')
        return []
      if (name === 'group') return [`== ${message}`]
      if (name === 'set-output') return []
      return [`${name}: ${decodeCommand(message ?? '')}`]
    })
    .join('\n')
}

function decodeCommand(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

/** Prices a patch file on every configured route; no key, no network. */
async function estimate(
  path: string,
  isPublic: boolean,
  title: string,
  inputs: Record<string, string>,
  out: Write,
  warn: Write,
): Promise<number> {
  const name = path === '-' ? 'standard input' : path
  const settings = readCliSettings({
    command: 'estimate',
    visibility: isPublic ? 'public' : 'private',
    visibilitySource: isPublic
      ? 'the --public flag'
      : 'a patch counts as private code unless --public',
    title,
    dryRun: true,
    inputs,
  })
  let text: string
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8')
  } catch (error) {
    throw new Error(
      `cannot read the patch file ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); ` +
        'make one with e.g. `git diff origin/main...HEAD > change.patch`',
      { cause: error },
    )
  }
  let sources: PatchSource[]
  try {
    sources = parseGitDiff(text)
  } catch (error) {
    throw new Error(
      `cannot read ${name} as a patch (${(error as Error).message}); make ` +
        'one with e.g. `git diff origin/main...HEAD > change.patch`',
      { cause: error },
    )
  }
  if (sources.length === 0) {
    if (text.trim() === '') {
      out(`${name} is empty: nothing to estimate.\n`)
      return 0
    }
    throw new Error(
      `${name} is not a patch: no file diffs in it. Make one with e.g. ` +
        '`git diff origin/main...HEAD > change.patch`',
    )
  }
  const repeated = [
    ...new Set(
      sources
        .map((source) => source.filename)
        .filter((name, index, all) => all.indexOf(name) !== index),
    ),
  ]
  if (repeated.length > 0) {
    warn(
      `${name} changes ${repeated.length === 1 ? 'a file' : 'files'} more ` +
        `than once (${repeated.slice(0, 3).join(', ')}${repeated.length > 3 ? ', …' : ''}), ` +
        'as a series of commits does: each diff is priced as it is. ' +
        '`git diff origin/main...HEAD` gives the one diff a pull request shows.\n',
    )
  }
  const files = sources.map(parseFile)
  const selection = selectFiles(files, settings)
  const redacted = redactPullRequest(
    { title, body: '' },
    null,
    selection.reviewed,
  )
  // The visibility is given: the lookup is never asked.
  const route = await chooseRoute(settings, () => Promise.resolve(undefined))
  const lanes = assignLanes(route, redacted.files, settings)
  const estimates = await estimateRoutes(
    settings,
    route,
    lanes,
    redacted.files,
    redacted,
  )

  const withheld = new Set(lanes.withheld)
  const tooLarge = new Set(
    estimates
      .filter((row) => row.label.startsWith('chosen'))
      .flatMap((row) => row.tooLarge),
  )
  const reviewed = lanes.lanes.flatMap((lane) =>
    lane.files
      .filter((file) => !tooLarge.has(file.path))
      .map(
        (file) =>
          `  review (${lane.kind}, ${lane.endpoint.model}): ${file.path}\n`,
      ),
  )
  const skipped = [
    ...selection.statuses.flatMap((status) =>
      status.reviewed || !status.reason
        ? []
        : [
            `  not reviewed: ${status.path}: ${SKIP_REASON_TEXT[status.reason]}\n`,
          ],
    ),
    ...[...withheld].map(
      (path) => `  not reviewed: ${path}: ${SKIP_REASON_TEXT.sensitive}\n`,
    ),
    ...[...tooLarge].map(
      (path) =>
        `  not reviewed: ${path}: ${SKIP_REASON_TEXT['too-large-for-call']}\n`,
    ),
  ]
  out(
    `${files.length} ${files.length === 1 ? 'file' : 'files'} in ${name}; ` +
      `${reviewed.length} to review.\n`,
  )
  out([...reviewed, ...skipped].join(''))
  out(`\nRoute: ${route.reason}.\n\n`)
  out(estimateTable(estimates))
  out(estimateNotes(estimates, settings))
  return budgetProblem(estimates, settings, out)
}

function estimateNotes(
  estimates: readonly RouteEstimate[],
  settings: Settings,
): string {
  const total = chosenTotal(estimates)
  const notes = [
    `Expected on the chosen route: ${total === undefined ? 'no price known' : formatUsd(total)}.`,
    `Expected: ${formatCount(ASSUMED_OUTPUT_TOKENS)} output tokens per call, and the ` +
      'shared prefix read from the cache by every call after the first. Worst ' +
      'case: no cache hit, every call writing up to its output cap.',
    'Prompt tokens are counted with the o200k tokenizer: exact for OpenAI, ' +
      'plus 10% for DeepSeek, an estimate for self-hosted models.',
  ]
  if (settings.deepseekThinking) {
    notes.push(
      'With deepseek-thinking, DeepSeek adds reasoning tokens to the expected output.',
    )
  }
  const deepseek = estimates.find((row) => row.endpoint.provider === 'deepseek')
  const price = deepseek && findPrice(deepseek.endpoint.model, settings.pricing)
  if (price?.offPeak) {
    notes.push(
      `DeepSeek priced at its ${ratesAt(price, new Date()).rate} rate, now.`,
    )
  }
  return `\n${notes.join('\n')}\n`
}

/**
 * What `max-cost-usd` would do to this review: nothing, stop it early, or,
 * for a model without a price, refuse to run, as the action does.
 */
function budgetProblem(
  estimates: readonly RouteEstimate[],
  settings: Settings,
  out: Write,
): number {
  const limit = settings.maxCostUsd
  if (limit === undefined) return 0
  const chosen = estimates.filter((row) => row.label.startsWith('chosen'))
  const unpriced = chosen.filter((row) => row.worstUsd === undefined)
  if (unpriced.length > 0) {
    out(
      `\nError: \`max-cost-usd\` is set, but no price is known for ` +
        `${unpriced.map((row) => `"${row.endpoint.model}"`).join(', ')}; the action ` +
        'would refuse to run. Add the model to the `pricing` input.\n',
    )
    return 1
  }
  const worst = chosen.reduce((sum, row) => sum + (row.worstUsd ?? 0), 0)
  const expected = chosenTotal(estimates) ?? 0
  out(
    worst <= limit
      ? `\nmax-cost-usd ${formatUsd(limit)}: even the worst case fits.\n`
      : expected <= limit
        ? `\nmax-cost-usd ${formatUsd(limit)}: the expected cost fits, the worst ` +
          'case does not; calls are capped to stay within it.\n'
        : `\nmax-cost-usd ${formatUsd(limit)}: the expected cost does not fit; the ` +
          'review would stop early and list the files left out.\n',
  )
  return 0
}

function estimateTable(estimates: readonly RouteEstimate[]): string {
  const rows = [
    [
      'route',
      'model',
      'calls',
      'prompt tokens',
      'cached',
      'expected',
      'worst case',
    ],
    ...estimates.map((row) => [
      row.label,
      `${row.endpoint.provider} ${row.endpoint.model}`,
      String(row.calls),
      formatCount(row.promptTokens),
      formatCount(row.cachedTokens),
      row.expectedUsd === undefined ? 'no price' : formatUsd(row.expectedUsd),
      row.worstUsd === undefined ? 'no price' : formatUsd(row.worstUsd),
    ]),
  ]
  const widths = rows.reduce<number[]>(
    (max, row) =>
      row.map((cell, column) => Math.max(max[column] ?? 0, cell.length)),
    [],
  )
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n')
}
