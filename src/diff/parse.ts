import { parsePatch } from 'diff'
import type {
  DiffFile,
  DiffLine,
  FileChange,
  Hunk,
  LineRef,
  NoPatchReason,
} from './model'

/**
 * The fields of a "List pull request files" entry that the diff model needs.
 * GitHub leaves `patch` out for binary files, pure renames, mode changes,
 * empty files and patches over its size limit.
 */
export interface PatchSource {
  readonly filename: string
  readonly status: string
  readonly additions: number
  readonly deletions: number
  readonly changes: number
  readonly patch?: string | null
  readonly previous_filename?: string | null
}

const CHANGES: ReadonlySet<string> = new Set<FileChange>([
  'added',
  'removed',
  'modified',
  'renamed',
  'copied',
  'changed',
  'unchanged',
])

// Extensions whose content is never text. GitHub omits their patch; naming
// them lets the summary say "binary" instead of a vaguer reason.
const BINARY_EXTENSIONS = new Set(
  (
    'png jpg jpeg gif bmp ico icns webp avif tif tiff psd heic ' +
    'pdf doc docx xls xlsx ppt pptx odt ' +
    'zip gz tgz bz2 xz zst 7z rar tar jar war ear apk ipa dmg iso ' +
    'class so dylib dll exe bin o a lib obj pdb wasm pyc pyo ' +
    'woff woff2 ttf otf eot ' +
    'mp3 mp4 m4a wav ogg flac aac mov avi mkv webm ' +
    'sqlite sqlite3 db keystore p12 pfx der'
  ).split(' '),
)

const HUNK_HEADER = /^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@ ?(.*)$/

/** Builds the diff model of one pull-request file. */
export function parseFile(source: PatchSource): DiffFile {
  const base = {
    path: source.filename,
    ...(source.previous_filename
      ? { previousPath: source.previous_filename }
      : {}),
    change: toChange(source.status),
    additions: source.additions,
    deletions: source.deletions,
  }

  if (source.patch == null || source.patch === '') {
    return withHunks(base, [], noPatchReason(source))
  }

  try {
    return withHunks(base, parseHunks(source.patch))
  } catch {
    // A patch the parser cannot read is still reported, never dropped.
    return withHunks(base, [], 'unparseable')
  }
}

/**
 * Parses the hunks of a patch as GitHub sends it: hunk headers and lines,
 * no file headers. The `\ No newline at end of file` marker is metadata and
 * advances neither line counter; a CR before the line feed is content.
 */
export function parseHunks(patch: string): Hunk[] {
  const [parsed] = parsePatch(patch)
  const sections = patch
    .split('\n')
    .filter((line) => line.startsWith('@@'))
    .map((line) => stripCr(HUNK_HEADER.exec(stripCr(line))?.[1] ?? '').trim())

  return (parsed?.hunks ?? []).map((hunk, index) => {
    let oldLine = hunk.oldStart
    let newLine = hunk.newStart
    const lines: DiffLine[] = []

    for (const raw of hunk.lines) {
      const marker = raw[0]
      const text = stripCr(raw.slice(1))
      if (marker === '+') {
        lines.push({ kind: 'add', oldLine: null, newLine: newLine++, text })
      } else if (marker === '-') {
        lines.push({ kind: 'del', oldLine: oldLine++, newLine: null, text })
      } else if (marker === ' ' || raw === '') {
        lines.push({
          kind: 'context',
          oldLine: oldLine++,
          newLine: newLine++,
          text,
        })
      }
      // '\' lines ("No newline at end of file") count on neither side.
    }

    return {
      oldStart: hunk.oldStart,
      oldLines: hunk.oldLines,
      newStart: hunk.newStart,
      newLines: hunk.newLines,
      section: sections[index] ?? '',
      lines,
    }
  })
}

/** The same file with other hunks, e.g. with credentials redacted. */
export function replaceHunks(file: DiffFile, hunks: Hunk[]): DiffFile {
  const { right: _right, left: _left, hunks: _hunks, noPatch, ...base } = file
  return withHunks(base, hunks, noPatch)
}

function withHunks(
  base: Omit<DiffFile, 'hunks' | 'right' | 'left' | 'noPatch'>,
  hunks: Hunk[],
  noPatch?: NoPatchReason,
): DiffFile {
  const right = new Map<number, LineRef>()
  const left = new Map<number, LineRef>()

  hunks.forEach((hunk, index) => {
    for (const line of hunk.lines) {
      const ref = { hunk: index, text: line.text, kind: line.kind }
      if (line.newLine !== null) right.set(line.newLine, ref)
      if (line.oldLine !== null) left.set(line.oldLine, ref)
    }
  })

  return { ...base, hunks, ...(noPatch ? { noPatch } : {}), right, left }
}

function noPatchReason(source: PatchSource): NoPatchReason {
  if (source.changes === 0 && source.status === 'renamed') return 'rename-only'
  if (source.changes === 0 && source.status === 'copied') return 'copy-only'
  if (isBinaryPath(source.filename)) return 'binary'
  if (source.changes > 0) return 'too-large'
  return 'no-text-diff'
}

/** True for paths whose extension names a binary format. */
export function isBinaryPath(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase()
  const dot = name.lastIndexOf('.')
  return dot > 0 && BINARY_EXTENSIONS.has(name.slice(dot + 1))
}

function toChange(status: string): FileChange {
  return CHANGES.has(status) ? (status as FileChange) : 'modified'
}

function stripCr(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text
}
