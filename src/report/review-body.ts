/**
 * The review as GitHub receives it: inline comments for findings anchored to
 * the diff, and a body with the summary and every finding that could not be
 * placed on a line, so that nothing the model found is lost.
 */
import type { BodyPlacement, InlinePlacement, Placement } from '../diff/anchor'
import { bySeverity, type Finding, type Severity } from '../findings'
import type { ReviewComment, ReviewDraft } from '../github/review'
import { SKIP_REASON_TEXT, type FileStatus } from '../select'
import { fingerprint, fingerprintMarker, runMarker } from './markers'
import { codePath, fenceFor, sanitizeModelText } from './text'

export interface ReviewInput {
  readonly headSha: string
  /** The model's summary of each call. */
  readonly summaries: readonly string[]
  readonly placements: readonly Placement[]
  readonly statuses: readonly FileStatus[]
  /** What the reader should know: failed calls, files left out. */
  readonly notes: readonly string[]
  /** One line on the model, tokens and dollars. */
  readonly costLine: string
  readonly usd?: number
}

/** At most this many inline comments; the rest go into the body. */
export const MAX_INLINE_COMMENTS = 30

// GitHub refuses bodies over 65,536 characters; stay well below.
export const MAX_BODY_LENGTH = 60_000

const SEVERITY_LABEL: Readonly<Record<Severity, string>> = {
  critical: '🔴 **Critical**',
  major: '🟠 **Major**',
  minor: '🟡 **Minor**',
  nit: '⚪ **Nit**',
}

const BODY_REASON_HEADING = {
  'outside-pr': 'Notes on files outside this PR',
  'not-reviewed': 'Notes on files that were not reviewed',
  'outside-diff': 'Findings on lines outside the diff',
  'quote-not-found': 'Findings whose code could not be located in the diff',
} as const

/**
 * Builds the review. With `inline: false` every finding goes into the body,
 * for a second attempt after GitHub rejected the inline comments.
 */
export function composeReview(
  input: ReviewInput,
  options: { inline: boolean },
): ReviewDraft {
  const anchored = input.placements
    .filter((p): p is InlinePlacement => p.kind === 'inline')
    .sort((a, b) => bySeverity(a.finding, b.finding))
  const kept = options.inline ? anchored.slice(0, MAX_INLINE_COMMENTS) : []
  const overflow = anchored.slice(kept.length)
  const unplaced = input.placements.filter(
    (p): p is BodyPlacement => p.kind === 'body',
  )

  const sections = [
    '### Cost-aware review',
    summaryText(input.summaries),
    countLine(kept.length, overflow.length + unplaced.length, options.inline),
    ...bodyFindings(overflow, unplaced, options.inline),
    ...input.notes.map((note) => `> [!NOTE]\n> ${note}`),
    skippedFiles(input.statuses),
    `<sub>${input.costLine}</sub>`,
  ].filter((section) => section !== '')

  const marker = runMarker({
    head: input.headSha,
    ...(input.usd !== undefined ? { usd: input.usd } : {}),
  })
  return {
    commitId: input.headSha,
    body: fitBody(sections.join('\n\n'), marker),
    comments: kept.map(toComment),
  }
}

function summaryText(summaries: readonly string[]): string {
  const text = summaries
    .map((summary) => summary.trim())
    .filter((summary) => summary !== '')
    .join('\n\n')
  return sanitizeModelText(text)
}

function countLine(inline: number, inBody: number, inlineAllowed: boolean): string {
  const total = inline + inBody
  if (total === 0) return 'No findings.'
  const noun = total === 1 ? 'finding' : 'findings'
  if (!inlineAllowed) {
    return (
      `**${total} ${noun}**, listed below: GitHub did not accept them as ` +
      'inline comments on this diff.'
    )
  }
  if (inBody === 0) return `**${total} ${noun}**, all inline.`
  return `**${total} ${noun}**: ${inline} inline, ${inBody} below.`
}

function bodyFindings(
  overflow: readonly InlinePlacement[],
  unplaced: readonly BodyPlacement[],
  inlineAllowed: boolean,
): string[] {
  const sections: string[] = []
  if (overflow.length > 0) {
    const heading = inlineAllowed
      ? `More findings (over the limit of ${MAX_INLINE_COMMENTS} inline comments)`
      : 'Findings'
    sections.push(
      groupByFile(
        heading,
        overflow.map((p) => ({ path: p.path, line: p.line, finding: p.finding })),
      ),
    )
  }
  for (const reason of Object.keys(BODY_REASON_HEADING) as Array<
    keyof typeof BODY_REASON_HEADING
  >) {
    const items = unplaced.filter((p) => p.reason === reason)
    if (items.length === 0) continue
    sections.push(
      groupByFile(
        BODY_REASON_HEADING[reason],
        items.map((p) => ({ path: p.path, line: p.finding.line, finding: p.finding })),
      ),
    )
  }
  return sections
}

function groupByFile(
  heading: string,
  items: ReadonlyArray<{ path: string; line: number; finding: Finding }>,
): string {
  const byFile = new Map<string, typeof items[number][]>()
  for (const item of [...items].sort((a, b) => bySeverity(a.finding, b.finding))) {
    byFile.set(item.path, [...(byFile.get(item.path) ?? []), item])
  }
  const files = [...byFile].map(([path, entries]) => {
    const lines = entries.map(
      ({ line, finding }) =>
        `- ${path}:${line} - ${SEVERITY_LABEL[finding.severity]}: ` +
        oneLine(sanitizeModelText(finding.body)),
    )
    return `**${codePath(path)}**\n${lines.join('\n')}`
  })
  return `#### ${heading}\n\n${files.join('\n\n')}`
}

function skippedFiles(statuses: readonly FileStatus[]): string {
  const skipped = statuses.filter((status) => !status.reviewed)
  if (skipped.length === 0) return ''
  const reviewed = statuses.length - skipped.length
  const rows = skipped.map((status) => {
    const reason = status.reason ? SKIP_REASON_TEXT[status.reason] : 'skipped'
    const renamed =
      status.previousPath && status.reason === 'rename-only'
        ? ` (from ${codePath(status.previousPath)})`
        : ''
    return `- ${codePath(status.path)}${renamed}: ${reason}`
  })
  return (
    `<details><summary>${reviewed} of ${statuses.length} files reviewed; ` +
    `${skipped.length} skipped</summary>\n\n${rows.join('\n')}\n\n</details>`
  )
}

function toComment(placement: InlinePlacement): ReviewComment {
  const { finding } = placement
  const parts = [
    `${SEVERITY_LABEL[finding.severity]}: ${sanitizeModelText(finding.body)}`,
  ]
  if (finding.suggestion !== undefined) {
    const code = finding.suggestion.replace(/\n$/, '')
    const fence = fenceFor(code)
    parts.push(
      placement.applySuggestion
        ? `${fence}suggestion\n${code}\n${fence}`
        : `Proposed code:\n\n${fence}\n${code}\n${fence}`,
    )
  }
  parts.push(
    fingerprintMarker(
      fingerprint(placement.path, placement.side, placement.anchorText),
    ),
  )

  return {
    path: placement.path,
    line: placement.line,
    side: placement.side,
    ...(placement.startLine !== undefined
      ? { start_line: placement.startLine, start_side: placement.side }
      : {}),
    body: fitComment(parts.join('\n\n')),
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ')
}

/** Keeps the body under GitHub's limit, saying what was cut. */
function fitBody(body: string, marker: string): string {
  const room = MAX_BODY_LENGTH - marker.length - 200
  if (body.length <= room) return `${body}\n\n${marker}`
  return (
    `${body.slice(0, room)}\n\n` +
    '> [!WARNING]\n> The review was cut here to stay under GitHub\'s size ' +
    'limit; the job summary lists every finding.' +
    `\n\n${marker}`
  )
}

function fitComment(body: string): string {
  if (body.length <= MAX_BODY_LENGTH) return body
  return `${body.slice(0, MAX_BODY_LENGTH)}\n\n(cut to stay under GitHub's size limit)`
}
