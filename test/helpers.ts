import { parseFile, type PatchSource } from '../src/diff/parse'
import type { DiffFile } from '../src/diff/model'

/** A diff-model file from a patch, as the files endpoint would list it. */
export function diffFile(
  filename: string,
  patch: string | undefined,
  fields: Partial<PatchSource> = {},
): DiffFile {
  const lines = patch?.split('\n') ?? []
  const additions = lines.filter((line) => line.startsWith('+')).length
  const deletions = lines.filter((line) => line.startsWith('-')).length
  return parseFile({
    filename,
    status: 'modified',
    additions,
    deletions,
    changes: additions + deletions,
    ...(patch === undefined ? {} : { patch }),
    ...fields,
  })
}
