/**
 * Spotting text in a pull request that addresses the reviewer instead of
 * people: "ignore previous instructions", "SYSTEM:", "note to AI reviewers".
 * The prompt already fences such text as data; this only lets the review
 * say that it was there, so maintainers notice the attempt.
 */
import type { DiffFile } from '../diff/model'

const PATTERNS = [
  /\b(ignore|disregard|forget|override)\b.{0,40}\b(previous|prior|above|earlier|all|your)\b.{0,30}\b(instructions?|rules|prompts?|guidelines)\b/i,
  /^\s*(system|assistant)\s*:/im,
  /\bnew instructions\b/i,
  /\b(note|message|instructions?)\s+(to|for)\s+(the\s+)?(ai|llm|gpt|bots?|models?|assistants?|(ai\s+)?reviewers?)\b/i,
  /\b(report|find|flag)\s+(zero|no|nothing|0)\s+(issues|problems|findings|bugs)\b/i,
  /\b(you are|you're)\s+(now\s+)?(in\s+)?\w*\s*(approval|admin|developer|jailbreak)\s+mode\b/i,
  /\bpre-?approved\b/i,
  /\bsubmit an? approve\b/i,
]

/**
 * Where text addressed to a reviewer appears: "the title", "a.ts:9"; `at`
 * names a line of a file.
 */
export function findInjectionAttempts(
  title: string,
  description: string,
  files: readonly DiffFile[],
  at: (path: string, line: number | null) => string = (path, line) =>
    `${path}:${line}`,
): string[] {
  const found: string[] = []
  if (suspicious(title)) found.push('the title')
  if (suspicious(description)) found.push('the description')
  for (const file of files) {
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        if (line.kind === 'add' && suspicious(line.text)) {
          found.push(at(file.path, line.newLine))
        }
      }
    }
  }
  return found
}

function suspicious(text: string): boolean {
  return PATTERNS.some((pattern) => pattern.test(text))
}
