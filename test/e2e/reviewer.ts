/**
 * A scripted "model" for the LLM emulator: it reads which files the prompt
 * shows and answers with findings computed from the patches themselves, some
 * on valid anchors and some deliberately not, the way real models err.
 */
import { commentableLines, type GitHubFile } from '../emulators/github'
import type { ChatRequest, ReplySpec } from '../emulators/llm'

export interface ScriptedFinding {
  path: string
  line: number
  side?: 'LEFT' | 'RIGHT'
  start_line?: number | null
  severity: 'critical' | 'major' | 'minor' | 'nit'
  body: string
  suggestion?: string | null
  quote?: string | null
}

/** Findings for every file of `files` that the prompt shows. */
export function mixedFindings(
  files: readonly GitHubFile[],
  prompt: string,
): ScriptedFinding[] {
  const findings: ScriptedFinding[] = []
  for (const file of files) {
    if (!file.patch || !prompt.includes(`FILE: ${file.filename}\n`)) continue
    const lines = commentableLines(file.patch)
    const [firstRight] = [...lines.right].sort((a, b) => a - b)
    if (firstRight !== undefined) {
      findings.push({
        path: file.filename,
        line: firstRight,
        side: 'RIGHT',
        severity: 'minor',
        body: `A valid anchor on ${file.filename}.`,
      })
    }
    const deleted = [...lines.left].filter((line) => !lines.right.has(line))
    if (deleted[0] !== undefined) {
      findings.push({
        path: file.filename,
        line: deleted[0],
        side: 'LEFT',
        severity: 'major',
        body: 'A finding on a removed line.',
      })
    }
    findings.push({
      path: file.filename,
      line: 99_999,
      side: 'RIGHT',
      severity: 'nit',
      body: 'A line far outside the diff.',
    })
  }
  findings.push({
    path: 'not/in/this/pr.ts',
    line: 3,
    severity: 'minor',
    body: 'A file outside the pull request.',
  })
  return findings
}

/** A responder answering with `findings(prompt)` as the model's JSON. */
export function scriptedReviewer(
  findings: (request: ChatRequest) => ScriptedFinding[],
): (request: ChatRequest) => ReplySpec {
  return (request) => ({
    content: JSON.stringify({
      summary: 'Scripted review.',
      comments: findings(request),
    }),
  })
}
