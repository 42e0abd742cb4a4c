import { parseFile, type PatchSource } from '../src/diff/parse'
import type { DiffFile } from '../src/diff/model'

export interface ListedFile extends PatchSource {
  readonly patch?: string
  readonly previous_filename?: string
}

/**
 * A "List pull request files" entry for a patch, its line counts taken
 * from the patch, as GitHub computes them.
 */
export function listedFile(
  filename: string,
  patch: string | undefined,
  fields: Partial<ListedFile> = {},
): ListedFile {
  const lines = patch?.split('\n') ?? []
  const additions = lines.filter((line) => line.startsWith('+')).length
  const deletions = lines.filter((line) => line.startsWith('-')).length
  return {
    filename,
    status: 'modified',
    additions,
    deletions,
    changes: additions + deletions,
    ...(patch === undefined ? {} : { patch }),
    ...fields,
  }
}

/** A diff-model file from a patch, as the files endpoint would list it. */
export function diffFile(
  filename: string,
  patch: string | undefined,
  fields: Partial<ListedFile> = {},
): DiffFile {
  return parseFile(listedFile(filename, patch, fields))
}

export const BASE62 =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/**
 * Seeded noise in a given alphabet: planted secrets look random, as real
 * ones do, yet no real key is ever written into a test.
 */
export function noise(length: number, seed = 1, alphabet = BASE62): string {
  let state = seed
  let out = ''
  for (let index = 0; index < length; index++) {
    state = (state * 1103515245 + 12345) % 2 ** 31
    out += alphabet.charAt(Math.floor(state / 65536) % alphabet.length)
  }
  return out
}

/**
 * The workflow commands a runner carries out from a step's output, parsed
 * as actions/runner parses them (src/Runner.Common/ActionCommand.cs): a
 * line that starts with "::name::" once leading spaces are trimmed, or
 * that holds "##[name]" anywhere. Between "::stop-commands::TOKEN" and a
 * command named TOKEN, none. Unknown names count too.
 */
export function workflowCommands(output: string): string[] {
  const commands: string[] = []
  let stopToken: string | undefined
  for (const line of output.split(/\r\n|\r|\n/)) {
    const command = commandIn(line)
    if (!command) continue
    if (stopToken !== undefined) {
      if (command.name.toLowerCase() === stopToken.toLowerCase()) {
        stopToken = undefined
      }
      continue
    }
    if (command.name === 'stop-commands') stopToken = command.data
    commands.push(line)
  }
  return commands
}

function commandIn(line: string): { name: string; data: string } | undefined {
  const [, info, data] =
    /^\s*::(.*?)::(.*)$/.exec(line) ?? /##\[(.*?)\](.*)$/.exec(line) ?? []
  if (info === undefined) return undefined
  return { name: info.split(' ')[0] ?? '', data: data ?? '' }
}
