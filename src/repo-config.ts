/**
 * The repository's own settings, `.github/cost-aware-review.yml` on the
 * base revision: input names mapped to values. Keys and the shapes of
 * values are checked here; `readSettings` validates the values as it does
 * inputs, and lets the workflow's inputs win.
 */
import { isScalar, parseDocument } from 'yaml'
import { DEFAULTS, type InputName } from './settings'

/** The repository's config file: where it is, and its values by input name. */
export interface RepositoryConfig {
  readonly path: string
  readonly values: Readonly<Partial<Record<InputName, string>>>
}

// Inputs that hold credentials: never read from a file in the repository.
const SECRET_INPUTS: readonly InputName[] = [
  'github-token',
  'deepseek-api-key',
  'openai-api-key',
  'self-hosted-api-key',
]

// Inputs that decide where private code and the keys go, and the prices
// the workflow's `max-cost-usd` counts in. The workflow owns them: a file
// anyone with push access to the default branch can edit must not redirect
// a key, opt private code into a public API, or price the budget away.
const WORKFLOW_ONLY: readonly InputName[] = [
  'deepseek-base-url',
  'openai-base-url',
  'self-hosted-url',
  'private-provider',
  'fallback-provider',
  'allow-public-api-for-private-code',
  'pricing',
]

/**
 * Reads `.github/cost-aware-review.yml`: a map of input names to values,
 * lists allowed for globs. Keys and shapes are checked here, values by
 * `readSettings` like any input's.
 */
export function parseRepositoryConfig(
  text: string,
  path: string,
): RepositoryConfig {
  let document: ReturnType<typeof parseDocument>
  try {
    document = parseDocument(text)
    if (document.errors[0]) throw document.errors[0]
  } catch (error) {
    throw new Error(
      `The repository config ${path} is not valid YAML: ${(error as Error).message}`,
      { cause: error },
    )
  }
  const parsed: unknown = document.toJS()
  if (parsed === null || parsed === undefined) return { path, values: {} }
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(
      `The repository config ${path} must be a map of input names to ` +
        'values, e.g. `exclude: docs/**`.',
    )
  }
  const values: Partial<Record<InputName, string>> = {}
  for (const [key, value] of Object.entries(parsed)) {
    if (!(key in DEFAULTS)) {
      throw new Error(
        `The repository config ${path} has an unknown key "${key}"; its keys ` +
          'are the inputs listed in the README.',
      )
    }
    const name = key as InputName
    if (SECRET_INPUTS.includes(name)) {
      throw new Error(
        `The repository config ${path} sets "${key}": credentials belong in ` +
          'secrets passed as inputs, never in a file. Remove it and rotate it.',
      )
    }
    if (WORKFLOW_ONLY.includes(name)) {
      throw new Error(
        `The repository config ${path} sets "${key}", which decides ` +
          (name === 'pricing'
            ? 'what `max-cost-usd` counts'
            : 'where code and keys go') +
          ": only the workflow may set it. Move it to the step's `with:`.",
      )
    }
    const wrong = wrongShape(name, value)
    if (wrong) {
      throw new Error(
        `The repository config ${path} sets "${key}" to ${wrong}; give ` +
          (GLOB_INPUTS.includes(name)
            ? 'a glob or a list of globs.'
            : 'one value, as the input takes it.'),
      )
    }
    // A number keeps the digits it was written with: YAML reads 0x10 as
    // 16, which the input refuses.
    const node: unknown = document.get(key, true)
    const digits =
      isScalar(node) && typeof node.value === 'number' ? node.source : undefined
    values[name] =
      digits ??
      (Array.isArray(value)
        ? value.map(String).join('\n')
        : String(value ?? ''))
  }
  return { path, values }
}

// Inputs of one glob per line, which the config may give as a list.
const GLOB_INPUTS: readonly InputName[] = [
  'include',
  'exclude',
  'escalate-paths',
  'sensitive-paths',
]

/** What is wrong with the shape of a config value, if anything. */
function wrongShape(name: InputName, value: unknown): string | undefined {
  // A key without a value leaves the input at its default.
  if (value === null) return undefined
  const isMap = typeof value === 'object'
  if (GLOB_INPUTS.includes(name)) {
    if (typeof value === 'string') return undefined
    if (Array.isArray(value)) {
      return value.every((item) => typeof item === 'string')
        ? undefined
        : 'a list that holds more than globs'
    }
    return isMap ? 'a map' : `${JSON.stringify(value)}, not a glob`
  }
  if (Array.isArray(value)) return 'a list'
  return isMap ? 'a map' : undefined
}
