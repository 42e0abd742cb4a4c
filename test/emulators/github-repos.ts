// Handlers for repository-wide data: the repository object, file contents
// at a ref, and comparing two commits of the configured graph.

import { createHash } from 'node:crypto'
import { param, type RouteContext } from './github-context'
import {
  failure,
  isRecord,
  json,
  notFound,
  text,
  type Reply,
} from './github-http'
import type { RepoState } from './github-store'

const RAW_MEDIA = /application\/vnd\.github(?:\.v3)?\.raw/

function findRepo(context: RouteContext): RepoState | undefined {
  return context.store.findRepo(param(context, 'owner'), param(context, 'repo'))
}

export function getRepository(context: RouteContext): Reply {
  const repository = findRepo(context)?.repository
  return repository ? json(repository) : notFound(context.docs)
}

export function getContents(context: RouteContext): Reply {
  const repo = findRepo(context)
  if (repo === undefined) return notFound(context.docs)

  const path = param(context, 'path')
  const ref = resolveRef(repo, context.url.searchParams.get('ref'))
  const content = repo.contents.get(ref)?.get(path)
  if (content === undefined) return notFound(context.docs)

  if (RAW_MEDIA.test(context.headers['accept'] ?? '')) {
    return text(content, 'text/plain; charset=utf-8')
  }
  const bytes = Buffer.from(content, 'utf8')
  return json({
    type: 'file',
    encoding: 'base64',
    size: bytes.length,
    name: path.slice(path.lastIndexOf('/') + 1),
    path,
    content: wrapBase64(bytes.toString('base64')),
    sha: blobSha(bytes),
    url:
      `${context.apiBase}/repos/${repo.owner}/${repo.repo}/contents/` +
      `${encodeURI(path)}?ref=${encodeURIComponent(ref)}`,
  })
}

/**
 * The contents key a ref names. Besides the configured refs this accepts
 * `refs/heads/` prefixes and the branch names of the repository's pull
 * requests, so a client asking for `main` finds the base revision.
 */
function resolveRef(repo: RepoState, ref: string | null): string {
  const wanted = (ref ?? repo.defaultRef ?? defaultBranch(repo)).replace(
    /^refs\/heads\//,
    '',
  )
  if (repo.contents.has(wanted)) return wanted

  for (const state of repo.pulls.values()) {
    if (branchOf(state.pull['head']) === wanted) return state.headSha
    if (branchOf(state.pull['base']) === wanted) return state.baseSha
  }
  return wanted
}

function defaultBranch(repo: RepoState): string {
  const branch = repo.repository?.['default_branch']
  return typeof branch === 'string' ? branch : 'main'
}

function branchOf(end: unknown): unknown {
  return isRecord(end) ? end['ref'] : undefined
}

/** GitHub wraps base64 content at 60 characters, each line ending in \n. */
function wrapBase64(encoded: string): string {
  return encoded.replace(/.{1,60}/g, '$&\n')
}

/** The git blob id, so clients can compare it with files' `sha`. */
function blobSha(bytes: Buffer): string {
  return createHash('sha1')
    .update(`blob ${bytes.length}\0`)
    .update(bytes)
    .digest('hex')
}

export function compare(context: RouteContext): Reply {
  const repo = findRepo(context)
  const range = param(context, 'basehead')
  const [baseRef, headRef, ...rest] = range.split('...')
  if (repo === undefined || baseRef === undefined || headRef === undefined) {
    return notFound(context.docs)
  }
  if (rest.length > 0) return notFound(context.docs)

  const base = resolveCommit(repo, baseRef)
  const head = resolveCommit(repo, headRef)
  if (base === undefined || head === undefined) return notFound(context.docs)

  const headHistory = history(repo.parents, head)
  const baseHistory = new Set(history(repo.parents, base))
  const mergeBase = findMergeBase(repo.parents, headHistory, baseHistory)
  if (mergeBase === undefined) {
    return failure(
      404,
      `No common ancestor between ${baseRef} and ${headRef}.`,
      context.docs,
    )
  }

  const headSet = new Set(headHistory)
  const ahead = headHistory.filter((sha) => !baseHistory.has(sha))
  const behindBy = [...baseHistory].filter((sha) => !headSet.has(sha)).length
  const files =
    repo.compareFiles.get(range) ??
    repo.compareFiles.get(`${base}...${head}`) ??
    []
  return json({
    status: compareStatus(ahead.length, behindBy),
    ahead_by: ahead.length,
    behind_by: behindBy,
    total_commits: ahead.length,
    base_commit: commitObject(repo, base),
    merge_base_commit: commitObject(repo, mergeBase),
    // Oldest first, as GitHub lists them.
    commits: [...ahead].reverse().map((sha) => commitObject(repo, sha)),
    files,
  })
}

function compareStatus(aheadBy: number, behindBy: number): string {
  if (aheadBy === 0 && behindBy === 0) return 'identical'
  if (behindBy === 0) return 'ahead'
  if (aheadBy === 0) return 'behind'
  return 'diverged'
}

/** A full sha, a unique abbreviation of one, or a pull's branch name. */
function resolveCommit(repo: RepoState, ref: string): string | undefined {
  const known = new Set([
    ...repo.parents.keys(),
    ...[...repo.parents.values()].flat(),
  ])
  if (known.has(ref)) return ref

  const matches = [...known].filter((sha) => sha.startsWith(ref))
  if (ref.length >= 4 && matches.length === 1) return matches[0]

  const branchSha = resolveRef(repo, ref)
  return known.has(branchSha) ? branchSha : undefined
}

/** The commit and all its ancestors, nearest first (breadth-first). */
function history(parents: Map<string, string[]>, start: string): string[] {
  const seen = new Set([start])
  const order = [start]
  for (let index = 0; index < order.length; index++) {
    const sha = order[index] as string
    for (const parent of parents.get(sha) ?? []) {
      if (seen.has(parent)) continue
      seen.add(parent)
      order.push(parent)
    }
  }
  return order
}

/**
 * The best common ancestor: one that no other common ancestor descends
 * from. Ties go to the one nearest the head, to stay deterministic.
 */
function findMergeBase(
  parents: Map<string, string[]>,
  headHistory: readonly string[],
  baseHistory: ReadonlySet<string>,
): string | undefined {
  const common = headHistory.filter((sha) => baseHistory.has(sha))
  return common.find((candidate) =>
    common.every(
      (other) =>
        other === candidate || !history(parents, other).includes(candidate),
    ),
  )
}

function commitObject(repo: RepoState, sha: string): Record<string, unknown> {
  return {
    sha,
    parents: (repo.parents.get(sha) ?? []).map((parent) => ({ sha: parent })),
  }
}
