/**
 * The review as GitHub receives it: inline comments for findings anchored to
 * the diff, and a body with the summary and every finding that could not be
 * placed on a line, so that nothing the model found is lost.
 */
import type { BodyPlacement, InlinePlacement, Placement } from '../diff/anchor'
import { bySeverity, type Finding, type Severity } from '../findings'
import type { ReviewComment, ReviewDraft } from '../github/review'
import { SKIP_REASON_TEXT, type FileStatus } from '../select'
import {
  bodyFingerprint,
  fingerprint,
  fingerprintMarker,
  MAX_RECORD_LENGTH,
  reviewMarker,
  type ReviewRecord,
  type RunRecord,
} from './markers'
import { blockText, codePath, cut, fenceFor, inlineText, oneLine } from './text'

export interface ReviewInput {
  readonly headSha: string
  /** The model's summary of each call. */
  readonly summaries: readonly string[]
  /** Findings not posted before, placed inline or in the body. */
  readonly placements: readonly Placement[]
  /** Findings an earlier review already posted inline, left out here. */
  readonly alreadyPosted: number
  readonly statuses: readonly FileStatus[]
  /** One line on what was reviewed: all of it, or what changed since. */
  readonly scope: string
  /** What the reader should know: failed calls, files left out. */
  readonly notes: readonly string[]
  /** One line on the model, tokens and dollars. */
  readonly costLine: string
  readonly run: RunRecord
}

/** At most this many inline comments; the rest go into the body. */
export const MAX_INLINE_COMMENTS = 30

// GitHub refuses bodies over 65,536 characters; stay well below.
export const MAX_BODY_LENGTH = 60_000

// A review's text, all but its record, leaves room for the record and for
// the footer a later run may add when it amends the review, so that an
// amended review fits too. The footer's markup takes the rest of its room.
const MAX_FOOTER_LENGTH = 900
const FOOTER_ROOM = 1_000
const MAX_TEXT_LENGTH = MAX_BODY_LENGTH - MAX_RECORD_LENGTH - FOOTER_ROOM

// A single finding's text, and a model's summary; longer ones are cut,
// saying so.
const MAX_FINDING_LENGTH = 4_000
const MAX_SUMMARY_LENGTH = 2_000

// The notes, and the list of files not reviewed: past these, the rest is
// left to the job summary, so that a run with many failed calls, or many
// files with long paths, leaves room for the findings.
const MAX_NOTES_LENGTH = 8_000
const MAX_SKIPPED_LENGTH = 6_000
const MAX_SKIPPED_ROWS = 100

// A suggestion longer than this is not offered: no one applies a change
// that large from a comment.
const MAX_SUGGESTION_LENGTH = 8_000

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

interface Listed {
  readonly heading: string
  readonly path: string
  readonly line: number
  /** LEFT: a line of the old file, as removed lines are numbered. */
  readonly side?: 'LEFT' | 'RIGHT'
  readonly finding: Finding
}

/**
 * Builds the review. `inline` decides which anchored findings may be posted
 * as comments; the others are listed in the body with their line, as after
 * GitHub refused them.
 */
/** A review to post, and what it says of the findings placed inline. */
export interface ComposedReview extends ReviewDraft {
  /** Inline placements listed in the body: refused, or over the cap. */
  readonly demoted: ReadonlySet<Placement>
}

export function composeReview(
  input: ReviewInput,
  inline: (placement: InlinePlacement) => boolean = () => true,
): ComposedReview {
  const anchored = input.placements
    .filter((p): p is InlinePlacement => p.kind === 'inline')
    .sort((a, b) => bySeverity(a.finding, b.finding))
  const accepted = anchored.filter(inline)
  const kept = accepted.slice(0, MAX_INLINE_COMMENTS)
  const list = (
    heading: string,
    placements: readonly InlinePlacement[],
  ): Listed[] =>
    placements.map((p) => ({
      heading,
      path: p.path,
      line: p.line,
      side: p.side,
      finding: p.finding,
    }))
  const listed: Listed[] = [
    ...list(
      'Findings GitHub did not accept as inline comments',
      anchored.filter((placement) => !inline(placement)),
    ),
    ...list(
      `More findings (over the limit of ${MAX_INLINE_COMMENTS} inline comments)`,
      accepted.slice(MAX_INLINE_COMMENTS),
    ),
    ...input.placements
      .filter((p): p is BodyPlacement => p.kind === 'body')
      .map((p) => ({
        heading: BODY_REASON_HEADING[p.reason],
        path: p.path,
        line: p.finding.line,
        ...(p.finding.side ? { side: p.finding.side } : {}),
        finding: p.finding,
      })),
  ]

  const comments = kept.map(toComment)
  const marker = reviewMarker({
    runs: [input.run],
    fps: input.placements.map(placementFingerprint),
  })
  return {
    commitId: input.headSha,
    body: fitBody(input, comments.length, listed, marker),
    comments,
    demoted: new Set(anchored.filter((placement) => !kept.includes(placement))),
  }
}

/**
 * A finding's fingerprint: for an anchored finding the one its comment
 * carries, for one listed in the body its file, line and text.
 */
export function placementFingerprint(placement: Placement): string {
  return placement.kind === 'inline'
    ? fingerprint(placement.path, placement.side, placement.anchorText)
    : bodyFingerprint(
        placement.path,
        placement.finding.line,
        placement.finding.body,
      )
}

/**
 * Renders the body, dropping listed findings from the end until its text
 * fits MAX_TEXT_LENGTH; the job summary always has all of them.
 */
function fitBody(
  input: ReviewInput,
  inlineCount: number,
  listed: readonly Listed[],
  marker: string,
): string {
  let shown = listed.length
  for (;;) {
    const text = renderText(input, inlineCount, listed, shown)
    if (text.length <= MAX_TEXT_LENGTH) return `${text}\n\n${marker}`
    // Every other part has its own limit, which this only backs up.
    if (shown === 0) return `${cutText(text, MAX_TEXT_LENGTH)}\n\n${marker}`
    shown = Math.max(0, shown - Math.max(1, Math.ceil(listed.length / 20)))
  }
}

function renderText(
  input: ReviewInput,
  inlineCount: number,
  listed: readonly Listed[],
  shown: number,
): string {
  const omitted = listed.length - shown
  const sections = [
    '### Cost-aware review',
    // Each summary is a block of its own: a fence one leaves open ends
    // with it, not with the review.
    blockText(
      input.summaries
        .map((summary) => blockText(summary.trim(), MAX_SUMMARY_LENGTH))
        .filter((summary) => summary !== '')
        .join('\n\n'),
      4 * MAX_SUMMARY_LENGTH,
    ),
    `${input.scope} ${countLine(inlineCount, listed.length, input.alreadyPosted)}`,
    ...groupByHeading(listed.slice(0, shown)),
    omitted > 0
      ? `…and ${omitted} more ${omitted === 1 ? 'finding' : 'findings'}, ` +
        "cut to stay under GitHub's size limit: the job summary lists them all."
      : '',
    // Notes quote file names and provider errors.
    ...fitNotes(input.notes),
    skippedFiles(input.statuses),
    `<sub>${cut(input.costLine, MAX_FOOTER_LENGTH)}</sub>`,
  ]
  return sections.filter((section) => section !== '').join('\n\n')
}

/**
 * The notes that fit MAX_NOTES_LENGTH, in order, and how many more there
 * are. The job summary has them all.
 */
function fitNotes(notes: readonly string[]): string[] {
  const shown: string[] = []
  let length = 0
  for (const note of notes) {
    const block = `> [!NOTE]\n> ${inlineText(note)}`
    if (length + block.length > MAX_NOTES_LENGTH) continue
    shown.push(block)
    length += block.length + 2
  }
  const more = notes.length - shown.length
  if (more === 0) return shown
  return [
    ...shown,
    `> [!NOTE]\n> …and ${more} more ${more === 1 ? 'note' : 'notes'}, cut ` +
      "to stay under GitHub's size limit: the job summary has them all.",
  ]
}

function countLine(inline: number, inBody: number, earlier: number): string {
  const total = inline + inBody
  const before =
    earlier > 0
      ? ` ${earlier} ${earlier === 1 ? 'finding was' : 'findings were'} ` +
        'already posted and are not repeated.'
      : ''
  if (total === 0)
    return earlier > 0 ? `No new findings.${before}` : 'No findings.'
  const noun = total === 1 ? 'finding' : 'findings'
  const where =
    inBody === 0
      ? 'all inline'
      : inline === 0
        ? 'listed below'
        : `${inline} inline, ${inBody} below`
  return `**${total} ${noun}**: ${where}.${before}`
}

function groupByHeading(listed: readonly Listed[]): string[] {
  const headings = [...new Set(listed.map((item) => item.heading))]
  return headings.map((heading) => {
    const items = listed
      .filter((item) => item.heading === heading)
      .sort((a, b) => bySeverity(a.finding, b.finding))
    const byFile = new Map<string, Listed[]>()
    for (const item of items) {
      byFile.set(item.path, [...(byFile.get(item.path) ?? []), item])
    }
    const files = [...byFile].map(([path, entries]) => {
      const lines = entries.map(
        ({ line, side, finding }) =>
          // The file's heading names the path.
          `- Line ${line}${side === 'LEFT' ? ' of the old file' : ''} - ` +
          `${SEVERITY_LABEL[finding.severity]}: ` +
          oneLine(findingText(finding)),
      )
      return `**${codePath(path)}**\n${lines.join('\n')}`
    })
    return `#### ${heading}\n\n${files.join('\n\n')}`
  })
}

function skippedFiles(statuses: readonly FileStatus[]): string {
  const skipped = statuses.filter((status) => !status.reviewed)
  if (skipped.length === 0) return ''
  const reviewed = statuses.length - skipped.length
  const rows: string[] = []
  let length = 0
  for (const status of skipped.slice(0, MAX_SKIPPED_ROWS)) {
    const reason = status.reason ? SKIP_REASON_TEXT[status.reason] : 'skipped'
    const moved =
      status.previousPath !== undefined
        ? ` (from ${codePath(status.previousPath)})`
        : ''
    const row = `- ${codePath(status.path)}${moved}: ${reason}`
    if (length + row.length > MAX_SKIPPED_LENGTH) break
    rows.push(row)
    length += row.length + 1
  }
  if (skipped.length > rows.length) {
    rows.push(`- …and ${skipped.length - rows.length} more in the job summary`)
  }
  return (
    `<details><summary>${reviewed} of ${statuses.length} files reviewed; ` +
    `${skipped.length} not reviewed</summary>\n\n${rows.join('\n')}\n\n</details>`
  )
}

function toComment(placement: InlinePlacement): ReviewComment {
  const { finding } = placement
  const parts = [`${SEVERITY_LABEL[finding.severity]}: ${findingText(finding)}`]
  if (finding.suggestion !== undefined) {
    const code = finding.suggestion.replace(/\n$/, '')
    const fence = fenceFor(code)
    parts.push(
      code.length > MAX_SUGGESTION_LENGTH
        ? '(The proposed change is too long to show here.)'
        : placement.applySuggestion
          ? `${fence}suggestion\n${code}\n${fence}`
          : `Proposed code:\n\n${fence}\n${code}\n${fence}`,
    )
  }
  parts.push(fingerprintMarker(placementFingerprint(placement)))

  return {
    path: placement.path,
    line: placement.line,
    side: placement.side,
    ...(placement.startLine !== undefined
      ? { start_line: placement.startLine, start_side: placement.side }
      : {}),
    body: parts.join('\n\n'),
  }
}

function findingText(finding: Finding): string {
  return blockText(finding.body, MAX_FINDING_LENGTH)
}

/**
 * The body of an earlier review after a run that found nothing new: its
 * text stays, its footer says what this run covered and cost, and its
 * record is the one given, with this run. Text that leaves the record no
 * room, as in reviews posted before the text had a limit, is cut.
 */
export function amendedBody(
  body: string,
  record: ReviewRecord,
  footer: string,
): string {
  const lines = body.trimEnd().split('\n')
  lines.pop() // the old record
  const text = lines
    .join('\n')
    .trimEnd()
    .replace(/\n*<sub>Re-(?:reviewed|run) [^\n]*<\/sub>$/, '')
  const end =
    `\n\n<sub>${cut(footer, MAX_FOOTER_LENGTH)}</sub>\n\n` +
    reviewMarker(record)
  const room = MAX_BODY_LENGTH - end.length
  return `${text.length <= room ? text : cutText(text, room)}${end}`
}

/**
 * Text cut at a line to fit `limit` characters, saying so. A collapsed
 * section left open is closed, so that what follows is not hidden in it.
 */
function cutText(text: string, limit: number): string {
  const notice =
    "*The rest of this review was cut to stay under GitHub's size limit; " +
    'the job summary of the run that posted it has all of it.*'
  const room = limit - notice.length - '\n\n</details>\n\n'.length
  const end = text.lastIndexOf('\n', room)
  const kept = text.slice(0, end > 0 ? end : Math.max(0, room)).trimEnd()
  const open =
    (kept.match(/<details>/g) ?? []).length >
    (kept.match(/<\/details>/g) ?? []).length
  return `${kept}${open ? '\n\n</details>' : ''}\n\n${notice}`
}
