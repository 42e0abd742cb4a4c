/**
 * The README's inputs and outputs tables, generated from action.yml, the
 * one source of truth. `npm run readme` rewrites them in place; a test
 * fails when the README and action.yml drift apart.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parse } from 'yaml'

const ROOT = resolve(import.meta.dirname, '..')

interface ActionMetadata {
  inputs: Record<string, { description: string; default?: string }>
  outputs: Record<string, { description: string }>
}

export function readAction(): ActionMetadata {
  return parse(
    readFileSync(resolve(ROOT, 'action.yml'), 'utf8'),
  ) as ActionMetadata
}

function cell(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim()
}

export function inputsTable(action = readAction()): string {
  const rows = Object.entries(action.inputs).map(([name, input]) => {
    const value = input.default ?? ''
    const shown = value === '' ? '' : `\`${value}\``
    return `| \`${name}\` | ${shown} | ${cell(input.description)} |`
  })
  return ['| Input | Default | What it does |', '|---|---|---|', ...rows].join(
    '\n',
  )
}

export function outputsTable(action = readAction()): string {
  const rows = Object.entries(action.outputs).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description)} |`,
  )
  return ['| Output | What it holds |', '|---|---|', ...rows].join('\n')
}

/** The README with both tables replaced between their markers. */
export function renderReadme(readme: string, action = readAction()): string {
  return replaceBetween(
    replaceBetween(readme, 'inputs', inputsTable(action)),
    'outputs',
    outputsTable(action),
  )
}

function replaceBetween(text: string, name: string, table: string): string {
  const start = `<!-- ${name}:start (generated from action.yml by npm run readme) -->`
  const end = `<!-- ${name}:end -->`
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from === -1 || to < from) {
    throw new Error(`README.md has no ${start} ... ${end} section`)
  }
  return `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`
}

if (process.argv[1] === import.meta.filename) {
  const path = resolve(ROOT, 'README.md')
  writeFileSync(path, renderReadme(readFileSync(path, 'utf8')))
}
