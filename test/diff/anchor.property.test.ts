/**
 * A property over every shared fixture: whatever findings a model returns,
 * every inline comment the action builds is accepted by the GitHub
 * emulator (which validates anchors independently of src/), and every
 * finding is either inline or listed in the body.
 */
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { placeFindings } from '../../src/diff/anchor'
import { parseFile } from '../../src/diff/parse'
import type { Finding } from '../../src/findings'
import { composeReview } from '../../src/report/review-body'
import {
  loadFixtureSetup,
  startGitHubEmulator,
  type GitHubEmulator,
} from '../emulators/github'
import { FIXTURES_DIR, fixtureSlugs, hasShared } from '../shared'

// Undefined if the emulator failed to start.
let github: GitHubEmulator | undefined
beforeAll(async () => {
  github = await startGitHubEmulator()
})
afterAll(() => github?.close())

function findingsFor(paths: string[], codeLines: string[], maxLine: number) {
  const path = fc.oneof(
    fc.constantFrom(...paths),
    fc.constantFrom(...paths).map((p) => `./${p}`),
    fc.constantFrom('src/elsewhere.ts', 'README.md', ''),
  )
  const quote = fc.option(
    fc.oneof(fc.constantFrom(...codeLines), fc.string({ maxLength: 20 })),
    { nil: undefined },
  )
  const finding = fc.record({
    path,
    line: fc.integer({ min: 1, max: maxLine }),
    startOffset: fc.option(fc.integer({ min: -3, max: 6 }), { nil: undefined }),
    side: fc.option(fc.constantFrom('LEFT' as const, 'RIGHT' as const), {
      nil: undefined,
    }),
    severity: fc.constantFrom(
      'critical' as const,
      'major' as const,
      'minor' as const,
      'nit' as const,
    ),
    body: fc.string({ minLength: 1, maxLength: 40 }),
    suggestion: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
    quote,
  })
  return fc.array(finding, { maxLength: 25 }).map((items) =>
    items.map(
      ({ startOffset, side, suggestion, quote: q, ...rest }): Finding => ({
        ...rest,
        ...(startOffset !== undefined && rest.line - startOffset > 0
          ? { startLine: rest.line - startOffset }
          : {}),
        ...(side ? { side } : {}),
        ...(suggestion !== undefined ? { suggestion } : {}),
        ...(q !== undefined ? { quote: q } : {}),
      }),
    ),
  )
}

describe.skipIf(!hasShared)(
  'anchoring random findings on every shared fixture',
  () => {
    for (const [index, slug] of fixtureSlugs().entries()) {
      it(`${slug}: GitHub accepts every inline comment; every other finding is in the body`, async () => {
        const setup = loadFixtureSetup(join(FIXTURES_DIR, slug))
        const number = 1000 + index
        github!.addPullRequest({ ...setup, number })
        const headSha = (setup.pull.head as { sha: string }).sha
        const files = setup.files.map(parseFile)
        const reviewed = new Set(
          files.filter((f) => f.hunks.length > 0).map((f) => f.path),
        )
        const paths = files.map((f) => f.path)
        const lines = files.flatMap((f) => f.hunks.flatMap((h) => h.lines))
        const codeLines = [
          ...new Set(
            lines.map((l) => l.text).filter((t) => t.trim().length > 3),
          ),
        ]
        const maxLine =
          Math.max(
            10,
            ...lines.map((l) => Math.max(l.newLine ?? 0, l.oldLine ?? 0)),
          ) + 20

        await fc.assert(
          fc.asyncProperty(
            findingsFor(paths, codeLines.length ? codeLines : ['x'], maxLine),
            async (findings) => {
              const placements = placeFindings(findings, files, reviewed)
              const draft = composeReview({
                headSha,
                summaries: ['Property run.'],
                placements,
                alreadyPosted: 0,
                statuses: [],
                scope: 'Reviewed the whole pull request.',
                notes: [],
                costLine: 'cost',
                run: { head: headSha },
              })
              const response = await fetch(
                `${github!.url}/repos/${setup.owner}/${setup.repo}/pulls/${number}/reviews`,
                {
                  method: 'POST',
                  headers: {
                    authorization: 'token ghs_property',
                    'content-type': 'application/json',
                  },
                  body: JSON.stringify({
                    commit_id: draft.commitId,
                    event: 'COMMENT',
                    body: draft.body,
                    comments: draft.comments,
                  }),
                },
              )
              expect(response.status, await response.clone().text()).toBe(200)
              const listed = draft.body
                .split('\n')
                .filter((line) =>
                  /^- Line \d+( of the old file)? - /.test(line),
                )
              expect(draft.comments.length + listed.length).toBe(
                findings.length,
              )
            },
          ),
          { numRuns: 40, seed: 20261204 + index },
        )
      })
    }
  },
)
