import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { DiffFile } from '../../src/diff/model'
import { parseFile } from '../../src/diff/parse'

// Each golden patch sits beside the hunk model and anchorable lines it must
// produce. After an intended change, regenerate with UPDATE_GOLDEN=1 and
// read the diff of the .json files before committing them.
const dir = join(import.meta.dirname, 'golden')
const patches = readdirSync(dir).filter((name) => name.endsWith('.patch'))

function snapshot(file: DiffFile): unknown {
  return {
    hunks: file.hunks.map((hunk) => ({
      oldStart: hunk.oldStart,
      oldLines: hunk.oldLines,
      newStart: hunk.newStart,
      newLines: hunk.newLines,
      section: hunk.section,
      lines: hunk.lines.map(
        (line) =>
          `${line.kind} ${line.oldLine ?? '-'} ${line.newLine ?? '-'} |${line.text}`,
      ),
    })),
    right: [...file.right.keys()],
    left: [...file.left.keys()],
  }
}

describe('the diff model of golden patches', () => {
  it('has a golden file for every shape it is tested on', () => {
    expect(patches.length).toBeGreaterThanOrEqual(7)
  })

  for (const name of patches) {
    it(`parses ${name} into the expected hunks and anchors`, () => {
      const patch = readFileSync(join(dir, name), 'utf8')
      const file = parseFile({
        filename: name,
        status: 'modified',
        additions: 0,
        deletions: 0,
        changes: 1,
        patch,
      })
      const expectedPath = join(dir, name.replace(/\.patch$/, '.json'))
      const actual = snapshot(file)
      if (process.env.UPDATE_GOLDEN) {
        writeFileSync(expectedPath, `${JSON.stringify(actual, null, 2)}\n`)
      }
      expect(file.noPatch).toBeUndefined()
      expect(actual).toEqual(JSON.parse(readFileSync(expectedPath, 'utf8')))
    })
  }
})
