/**
 * Reading a `git diff` (or `git format-patch`) file into the entries the
 * files endpoint would list, for the local CLI: the same diff model then
 * serves a pull request on GitHub and a patch on disk.
 */
import { parsePatch } from 'diff'
import type { PatchSource } from './parse'

export function parseGitDiff(text: string): PatchSource[] {
  return parsePatch(withoutSignatures(text)).flatMap((file): PatchSource[] => {
    const oldPath = stripSide(file.oldFileName)
    const newPath = stripSide(file.newFileName)
    const path = newPath ?? oldPath
    if (path === undefined) return []
    const status =
      file.isCreate || oldPath === undefined
        ? 'added'
        : file.isDelete || newPath === undefined
          ? 'removed'
          : file.isRename
            ? 'renamed'
            : file.isCopy
              ? 'copied'
              : 'modified'
    const lines = file.hunks.flatMap((hunk) => hunk.lines)
    const additions = lines.filter((line) => line.startsWith('+')).length
    const deletions = lines.filter((line) => line.startsWith('-')).length
    const patch = file.hunks
      .map((hunk) => {
        // parsePatch moves the start of an empty side one line on; the
        // header states it as git wrote it.
        const oldStart = hunk.oldLines === 0 ? hunk.oldStart - 1 : hunk.oldStart
        const newStart = hunk.newLines === 0 ? hunk.newStart - 1 : hunk.newStart
        return [
          `@@ -${oldStart},${hunk.oldLines} +${newStart},${hunk.newLines} @@`,
          ...hunk.lines,
        ].join('\n')
      })
      .join('\n')

    return [
      {
        filename: path,
        status,
        additions,
        deletions,
        changes: additions + deletions,
        ...(patch !== '' && !file.isBinary ? { patch } : {}),
        ...((status === 'renamed' || status === 'copied') &&
        oldPath !== undefined
          ? { previous_filename: oldPath }
          : {}),
      },
    ]
  })
}

// git prefixes paths with a/ and b/; /dev/null stands for no file.
function stripSide(path: string | undefined): string | undefined {
  if (path === undefined || path === '/dev/null') return undefined
  return path.replace(/^[ab]\//, '')
}

// Each mail of `git format-patch` starts with this line.
const MAIL_START = /^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$/m

// A mail's default signature: "-- " and the git version ("2.43.0"), at its
// very end. Anywhere else "-- " is a removed line "- ".
const SIGNATURE = /\n-- \n\d+\.\d+[^\n]*\n*$/

/**
 * `git format-patch` ends each mail with a signature, which would
 * otherwise read as lines of the last hunk.
 */
function withoutSignatures(text: string): string {
  if (!MAIL_START.test(text)) return text
  return text
    .split(new RegExp(`(?=${MAIL_START.source})`, 'm'))
    .map((mail) => mail.replace(SIGNATURE, '\n'))
    .join('')
}
