/**
 * Selection: which files of the pull request go to the model. Every file
 * ends with a status, so the summary can say what was left out and why.
 */
import picomatch from 'picomatch'
import type { DiffFile, NoPatchReason } from './diff/model'

export type SkipReason =
  | NoPatchReason
  | 'deleted'
  | 'submodule'
  | 'unchanged-since-review'
  | 'sensitive'
  | 'too-large-for-call'
  | 'over-budget'
  | 'out-of-time'
  | 'call-failed'
  | 'excluded'
  | 'not-included'
  | 'lockfile'
  | 'generated'
  | 'minified'
  | 'vendored'

export interface FileStatus {
  readonly path: string
  readonly previousPath?: string
  readonly reviewed: boolean
  readonly reason?: SkipReason
}

export interface Selection {
  readonly reviewed: readonly DiffFile[]
  readonly statuses: readonly FileStatus[]
}

export interface SelectOptions {
  /** When not empty, only files matching one of these globs are reviewed. */
  readonly include: readonly string[]
  /** Files matching one of these globs are never reviewed. */
  readonly exclude: readonly string[]
}

/** What each skip reason means, in the words of the job summary. */
export const SKIP_REASON_TEXT: Readonly<Record<SkipReason, string>> = {
  binary: 'binary file',
  'too-large': 'patch too large for GitHub to send',
  'rename-only': 'renamed, no content change',
  'copy-only': 'copied, no content change',
  'no-text-diff': 'no text diff (mode change, empty or binary file)',
  unparseable: 'patch could not be parsed',
  deleted: 'file deleted',
  submodule: 'submodule pointer moved',
  'unchanged-since-review': 'unchanged since the last review',
  sensitive: 'matches `sensitive-paths`, and no private provider is set up',
  'too-large-for-call': 'too large for one model call (`max-prompt-tokens`)',
  'over-budget': 'over the `max-cost-usd` budget',
  'out-of-time': 'the run reached `run-timeout-minutes` first',
  'call-failed': 'the model call failed',
  excluded: 'matches `exclude`',
  'not-included': 'does not match `include`',
  lockfile: 'lockfile',
  generated: 'generated code',
  minified: 'minified code',
  vendored: 'vendored code',
}

const LOCKFILES = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'bun.lockb',
  'deno.lock',
  'Cargo.lock',
  'Gemfile.lock',
  'composer.lock',
  'poetry.lock',
  'Pipfile.lock',
  'uv.lock',
  'pdm.lock',
  'go.sum',
  'go.work.sum',
  'mix.lock',
  'pubspec.lock',
  'Podfile.lock',
  'Package.resolved',
  'packages.lock.json',
  'gradle.lockfile',
  'flake.lock',
  '.terraform.lock.hcl',
]

const VENDORED = [
  '**/vendor/**',
  '**/third_party/**',
  '**/third-party/**',
  '**/node_modules/**',
  '**/bower_components/**',
  '**/.yarn/releases/**',
  '**/.yarn/plugins/**',
]

const GENERATED = [
  'dist/**',
  '**/generated/**',
  '**/__generated__/**',
  '**/__snapshots__/**',
  '**/*.snap',
  '**/*.map',
  '**/*.pb.go',
  '**/*.pb.cc',
  '**/*.pb.h',
  '**/*_pb2.py',
  '**/*_pb2_grpc.py',
  '**/*.g.dart',
  '**/*.freezed.dart',
  '**/*.generated.*',
  '**/*.Designer.cs',
]

const MINIFIED = ['**/*.min.js', '**/*.min.css', '**/*.min.mjs']

// The conventional header of generated code ("@generated", Go's "Code
// generated ... DO NOT EDIT."), looked for in the first lines of a file.
const GENERATED_MARKER = /@generated\b|\bDO NOT EDIT\b/

const isLockfile = compileGlobs(LOCKFILES)
const isVendored = compileGlobs(VENDORED)
const isGeneratedPath = compileGlobs(GENERATED)
const isMinifiedPath = compileGlobs(MINIFIED)

/**
 * Compiles user globs as this action reads them: a pattern without a slash
 * matches the file name in any folder (`*.md`), dotfiles included.
 */
export function compileGlobs(
  patterns: readonly string[],
): (path: string) => boolean {
  if (patterns.length === 0) return () => false
  // picomatch's own `basename` option also changes patterns with a slash,
  // so bare names are anchored to any folder here instead. A pattern also
  // matches what is below it, so `src/auth` means the folder.
  const anchored = patterns.flatMap((pattern) => {
    const glob = pattern.includes('/') ? pattern : `**/${pattern}`
    const folder = glob.replace(/\/+$/, '')
    return [folder, `${folder}/**`]
  })
  return picomatch(anchored, { dot: true })
}

/** Decides, for every file, whether it is reviewed and if not, why. */
export function selectFiles(
  files: readonly DiffFile[],
  options: SelectOptions,
): Selection {
  const excluded = compileGlobs(options.exclude)
  const included =
    options.include.length > 0 ? compileGlobs(options.include) : () => true

  const statuses = files.map((file): FileStatus => {
    const reason = skipReason(file, excluded, included)
    return {
      path: file.path,
      ...(file.previousPath ? { previousPath: file.previousPath } : {}),
      reviewed: reason === undefined,
      ...(reason ? { reason } : {}),
    }
  })

  return {
    reviewed: files.filter((_, index) => statuses[index]?.reviewed),
    statuses,
  }
}

function skipReason(
  file: DiffFile,
  excluded: (path: string) => boolean,
  included: (path: string) => boolean,
): SkipReason | undefined {
  // Reasons that hold whatever the patch says come first, so a lockfile
  // or a bundle too large for GitHub to diff is reported as what it is.
  if (file.change === 'removed') return 'deleted'
  if (isLockfile(file.path)) return 'lockfile'
  if (isVendored(file.path)) return 'vendored'
  if (isGeneratedPath(file.path)) return 'generated'
  if (isMinifiedPath(file.path)) return 'minified'
  if (file.noPatch) return file.noPatch
  if (isSubmoduleBump(file)) return 'submodule'
  if (excluded(file.path)) return 'excluded'
  if (!included(file.path)) return 'not-included'
  if (looksMinified(file)) return 'minified'
  if (hasGeneratedHeader(file)) return 'generated'
  return undefined
}

// Minified code has very long lines; reviewing it costs many tokens and
// yields nothing a person could act on. Only formats that are minified in
// practice count, and only when nearly every added line is long: one long
// line in a source file cannot take the file out of the review.
const MINIFIABLE = /\.(js|mjs|cjs|css|json|svg|html?)$/i

function looksMinified(file: DiffFile): boolean {
  if (!MINIFIABLE.test(file.path)) return false
  const added = file.hunks.flatMap((hunk) =>
    hunk.lines.filter((line) => line.kind === 'add'),
  )
  if (added.length === 0) return false
  const long = added.filter((line) => line.text.length > 500).length
  return long / added.length >= 0.9
}

// A generated-code header counts only when the base revision had it too
// (a context line): a pull request that adds "@generated" to a file, or
// creates one with it, is reviewed like any other.
function hasGeneratedHeader(file: DiffFile): boolean {
  const first = file.hunks[0]
  if (!first || first.newStart > 1) return false
  return first.lines
    .slice(0, 5)
    .some((line) => line.kind === 'context' && GENERATED_MARKER.test(line.text))
}

// A submodule's diff is its pointer: "Subproject commit <sha>" lines.
function isSubmoduleBump(file: DiffFile): boolean {
  const changed = file.hunks.flatMap((hunk) =>
    hunk.lines.filter((line) => line.kind !== 'context'),
  )
  return (
    changed.length > 0 &&
    changed.every((line) => /^Subproject commit [0-9a-f]{7,64}/.test(line.text))
  )
}

/** What became of the files meant for review, once the calls are made. */
export interface CallsFate {
  /** Files in at least one call that the model answered. */
  readonly reviewed: ReadonlySet<string>
  readonly withheld: readonly string[]
  readonly tooLarge: readonly string[]
  readonly overBudget: readonly string[]
  readonly outOfTime: readonly string[]
}

/**
 * The statuses after the calls: a file meant for review counts as reviewed
 * only if the model answered a call that showed it, else it says why not.
 */
export function settleStatuses(
  statuses: readonly FileStatus[],
  fate: CallsFate,
): FileStatus[] {
  const reason = (path: string): SkipReason | undefined => {
    if (fate.reviewed.has(path)) return undefined
    if (fate.withheld.includes(path)) return 'sensitive'
    if (fate.overBudget.includes(path)) return 'over-budget'
    if (fate.outOfTime.includes(path)) return 'out-of-time'
    if (fate.tooLarge.includes(path)) return 'too-large-for-call'
    return 'call-failed'
  }
  return statuses.map((status) => {
    if (!status.reviewed) return status
    const why = reason(status.path)
    return why ? { ...status, reviewed: false, reason: why } : status
  })
}
