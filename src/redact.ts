/**
 * Redaction: credentials are cut out of pull-request text before any model
 * provider sees it. Each secret becomes `[REDACTED:<kind>]`; the text around
 * it, and every line break, stays where it was, so diff line numbers remain
 * valid for anchoring comments.
 *
 * Three passes, cheapest certainty first:
 * 1. PEM private keys, which span lines, over the whole list of lines.
 * 2. Formats a provider defines (AWS, GitHub, OpenAI, ...), wherever they
 *    appear; their prefixes are distinctive enough to need no context.
 * 3. Values that are secret only by context: the password of a connection
 *    string, a 40-character AWS secret beside its name, and high-entropy
 *    values assigned to a name such as `password` or `api_key`.
 *
 * Every pattern is anchored on a boundary the secret's own alphabet cannot
 * cross, so a match attempt can only start where a token starts. That keeps
 * each pass linear even on a megabyte-long line.
 */

import type { DiffFile } from './diff/model'
import { replaceHunks } from './diff/parse'

export type SecretKind =
  | 'private-key'
  | 'aws-access-key'
  | 'aws-secret-key'
  | 'github-token'
  | 'openai-key'
  | 'anthropic-key'
  | 'slack-token'
  | 'stripe-key'
  | 'google-api-key'
  | 'jwt'
  | 'connection-string-password'
  /** A high-entropy value assigned to a name like secret or password. */
  | 'assigned-secret'

export interface Redacted<T> {
  readonly value: T
  /** How many secrets were replaced, by kind. Never the secrets themselves. */
  readonly counts: Readonly<Partial<Record<SecretKind, number>>>
}

type Tally = Partial<Record<SecretKind, number>>

/** Every placeholder starts with this; text holding it was redacted already. */
const PLACEHOLDER_START = '[REDACTED:'

/**
 * Keys shorter than this are placeholders, as a local server's "none" or
 * "e": masking one in every message and log line would blot out the text
 * and protect nothing.
 */
export const MIN_KEY_LENGTH = 6

/** The placeholder that replaces a secret of a kind: `[REDACTED:<kind>]`. */
export function placeholder(kind: SecretKind): string {
  return `${PLACEHOLDER_START}${kind}]`
}

/** Redacts free text (PR title, description). Line breaks are kept exactly. */
export function redactText(text: string): Redacted<string> {
  // Splitting on a captured group keeps each break at the odd indexes, so
  // joining the parts again restores \r\n, \n and \r exactly as they were.
  const parts = text.split(/(\r\n|\n|\r)/)
  const lines = parts.filter((_, index) => index % 2 === 0)
  const { value, counts } = redactLines(lines)

  const joined = parts
    .map((part, index) => (index % 2 === 0 ? (value[index / 2] ?? '') : part))
    .join('')
  return { value: joined, counts }
}

/**
 * Redacts the lines of one file's diff, given in order (text only, without
 * diff markers). Returns exactly as many lines as it was given: a multi-line
 * secret (a PEM private key) has each of its lines replaced, so every other
 * line keeps its position and line numbers stay valid for anchoring.
 */
export function redactLines(lines: readonly string[]): Redacted<string[]> {
  const tally: Tally = {}
  const value = redactPrivateKeys(lines, tally).map((line) =>
    redactLine(line, tally),
  )
  return { value, counts: tally }
}

/** Sums counts of several redactions. */
export function addCounts(
  ...counts: Array<Redacted<unknown>['counts']>
): Partial<Record<SecretKind, number>> {
  const sum: Tally = {}
  for (const tally of counts) {
    for (const kind of Object.keys(tally) as SecretKind[]) {
      sum[kind] = (sum[kind] ?? 0) + (tally[kind] ?? 0)
    }
  }
  return sum
}

function record(tally: Tally, kind: SecretKind): string {
  tally[kind] = (tally[kind] ?? 0) + 1
  return placeholder(kind)
}

function redactLine(line: string, tally: Tally): string {
  let out = line
  for (const rule of TOKEN_RULES) out = applyTokenRule(out, rule, tally)
  out = redactConnectionStrings(out, tally)
  out = redactAwsSecretKeys(out, tally)
  return redactAssignments(out, tally)
}

// ---------------------------------------------------------------------------
// PEM private keys

/**
 * A BEGIN or END line of a private key: PKCS#1 (`RSA`, `EC`, `DSA`), PKCS#8
 * (plain or `ENCRYPTED`), `OPENSSH`, PGP's `PRIVATE KEY BLOCK`, and the
 * four-dash `---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----` form.
 */
const PEM_MARKER =
  /-{4,5} ?(BEGIN|END) (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)? ?-{4,5}/g

/** Armor headers that may sit between BEGIN and the base64 body. */
const PEM_HEADER =
  /^\s*(?:Proc-Type|DEK-Info|Version|Comment|Hash|Charset|Subject|Key-Type):/

interface Marker {
  readonly type: 'BEGIN' | 'END'
  readonly start: number
  readonly end: number
}

function findMarkers(line: string): Marker[] {
  if (!line.includes('PRIVATE KEY')) return []
  return [...line.matchAll(PEM_MARKER)].map((match) => ({
    type: match[1] === 'BEGIN' ? 'BEGIN' : 'END',
    start: match.index,
    end: match.index + match[0].length,
  }))
}

/**
 * Strips what keys embedded in code or config wrap their lines in: quotes,
 * string concatenation, escaped line breaks, indentation.
 */
function keyCore(fragment: string): string {
  return fragment.replace(/\\[nr]/g, '').replace(/[\s'"`,;\\]/g, '')
}

/** Could this fragment be part of a key body (or blank inside one)? */
function isKeyish(fragment: string): boolean {
  return (
    PEM_HEADER.test(fragment) || /^[A-Za-z0-9+/=]*$/.test(keyCore(fragment))
  )
}

/**
 * Does this fragment hold real key material? A marker in code, such as
 * `pem.startsWith('-----BEGIN PRIVATE KEY-----')`, has none after it and must
 * not swallow the lines below.
 */
function hasKeyBody(fragment: string): boolean {
  return /[A-Za-z0-9+/]{20,}/.test(keyCore(fragment))
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length
}

function contentEnd(line: string): number {
  return line.trimEnd().length
}

function replaceSpan(line: string, from: number, to: number): string {
  return line.slice(0, from) + placeholder('private-key') + line.slice(to)
}

function redactPrivateKeys(lines: readonly string[], tally: Tally): string[] {
  const out = [...lines]
  for (let index = 0; index < out.length; index++) {
    const line = redactInlineKeys(out[index] ?? '', tally)
    out[index] = line

    const markers = findMarkers(line)
    const begin = markers.find((marker) => marker.type === 'BEGIN')
    if (begin) {
      const last = redactKeyFrom(out, index, begin, tally)
      if (last !== undefined) {
        index = last
        continue
      }
    }
    const end = markers.find((marker) => marker.type === 'END')
    if (end) redactKeyEndingAt(out, index, end, tally)
  }
  return out
}

/**
 * Keys held on one line, as JSON service-account files and escaped
 * environment values keep them: BEGIN, body with `\n` escapes, END.
 */
function redactInlineKeys(line: string, tally: Tally): string {
  let out = line
  let open: Marker | undefined
  // Right to left, so replacing a span leaves earlier offsets valid.
  const spans: Array<[number, number]> = []
  for (const marker of findMarkers(line)) {
    if (marker.type === 'BEGIN') {
      open = marker
    } else if (open) {
      const body = line.slice(open.end, marker.start)
      const pieces = body.split(/\\[nr]/)
      if (pieces.every(isKeyish) && hasKeyBody(body)) {
        spans.unshift([open.start, marker.end])
      }
      open = undefined
    }
  }
  for (const [from, to] of spans) {
    out = replaceSpan(out, from, to)
    record(tally, 'private-key')
  }
  return out
}

/**
 * Follows a key from its BEGIN line down to END. Without END (a hunk cut off
 * mid-key), the key ends at the last line that still looks like key body.
 * Returns the last line redacted, or undefined when this is no key.
 */
function redactKeyFrom(
  out: string[],
  first: number,
  begin: Marker,
  tally: Tally,
): number | undefined {
  const line = out[first] ?? ''
  if (!isKeyish(line.slice(begin.end))) return undefined

  let found = hasKeyBody(line.slice(begin.end))
  let last = first
  let endColumn: number | undefined
  for (let index = first + 1; index < out.length; index++) {
    const current = out[index] ?? ''
    const end = findMarkers(current).find((marker) => marker.type === 'END')
    if (end && isKeyish(current.slice(0, end.start))) {
      found ||= hasKeyBody(current.slice(0, end.start))
      last = index
      endColumn = end.end
      break
    }
    if (!isKeyish(current)) break
    found ||= hasKeyBody(current)
    if (keyCore(current) !== '') last = index
  }
  if (!found) return undefined

  out[first] = replaceSpan(line, begin.start, contentEnd(line))
  for (let index = first + 1; index <= last; index++) {
    const current = out[index] ?? ''
    const to =
      index === last && endColumn !== undefined
        ? endColumn
        : contentEnd(current)
    out[index] = replaceSpan(current, indentOf(current), to)
  }
  record(tally, 'private-key')
  return last
}

/**
 * An END with no BEGIN above it: the hunk starts inside a key. The body
 * lines above it, up to the first line that is not body, are the key.
 */
function redactKeyEndingAt(
  out: string[],
  last: number,
  end: Marker,
  tally: Tally,
): void {
  const line = out[last] ?? ''
  const before = line.slice(0, end.start)
  if (!isKeyish(before)) return

  let first = last
  while (first > 0) {
    const previous = out[first - 1] ?? ''
    if (keyCore(previous) === '' || !isKeyish(previous)) break
    first--
  }
  const body = out.slice(first, last).concat(before)
  if (!body.some(hasKeyBody)) return

  for (let index = first; index < last; index++) {
    const current = out[index] ?? ''
    out[index] = replaceSpan(current, indentOf(current), contentEnd(current))
  }
  out[last] = replaceSpan(line, indentOf(line), end.end)
  record(tally, 'private-key')
}

// ---------------------------------------------------------------------------
// Provider formats

interface TokenRule {
  readonly kind: SecretKind
  /** Text every match contains; lines without it skip the pattern. */
  readonly hint?: string
  /** Global; the whole match is the secret. */
  readonly pattern: RegExp
  /** A further check, for formats whose prefix alone is too common. */
  readonly accept?: (match: string) => boolean
}

// Each lookbehind excludes the characters the token itself is made of, so a
// token is only ever matched from its first character.
const TOKEN_RULES: readonly TokenRule[] = [
  {
    kind: 'aws-access-key',
    pattern:
      /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
  },
  {
    // Classic, OAuth, user-to-server, server-to-server and refresh tokens.
    kind: 'github-token',
    hint: 'gh',
    pattern: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,}/g,
  },
  {
    // Fine-grained personal access tokens.
    kind: 'github-token',
    hint: 'github_pat_',
    pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,}/g,
  },
  {
    // Before OpenAI: `sk-ant-` would match the more general `sk-` too.
    kind: 'anthropic-key',
    hint: 'sk-ant-',
    pattern: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,}/g,
  },
  {
    // Legacy `sk-`, `sk-proj-`, `sk-svcacct-`, `sk-admin-`; OpenAI-compatible
    // providers such as DeepSeek use the same prefix.
    kind: 'openai-key',
    hint: 'sk-',
    pattern: /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}/g,
    // Keeps kebab-case names like `sk-learn-...-version` out.
    accept: (match) => /\d/.test(match) && !looksLikeWords(match),
  },
  {
    // Bot, user, app-level, configuration and refresh tokens.
    kind: 'slack-token',
    pattern: /(?<![A-Za-z0-9-])(?:xox[abprse]|xapp)-[A-Za-z0-9-]{10,}/g,
    accept: (match) => /\d/.test(match),
  },
  {
    // The last path segment of an incoming webhook is its credential.
    kind: 'slack-token',
    hint: 'hooks.slack.com',
    pattern:
      /(?<=hooks\.slack\.com\/services\/T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/)[A-Za-z0-9]{16,}/g,
  },
  {
    // Secret and restricted keys; publishable `pk_` keys are public.
    kind: 'stripe-key',
    hint: 'k_',
    pattern: /(?<![A-Za-z0-9_])[sr]k_(?:live|test)_[A-Za-z0-9]{16,}/g,
  },
  {
    kind: 'google-api-key',
    hint: 'AIza',
    pattern: /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g,
  },
  {
    // Header and payload are base64url JSON; the header always starts `{"`,
    // which encodes as `eyJ`. An unsigned token has an empty third part.
    kind: 'jwt',
    hint: 'eyJ',
    pattern:
      /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  },
]

function applyTokenRule(line: string, rule: TokenRule, tally: Tally): string {
  if (rule.hint && !line.includes(rule.hint)) return line
  return line.replace(rule.pattern, (match) =>
    rule.accept && !rule.accept(match) ? match : record(tally, rule.kind),
  )
}

// ---------------------------------------------------------------------------
// Secrets known by their context

/** Joins regular expressions written apart so each part can be explained. */
function compose(flags: string, ...parts: RegExp[]): RegExp {
  return new RegExp(parts.map((part) => part.source).join(''), flags)
}

/**
 * `scheme://user:password@host` for any scheme (postgres, mongodb+srv,
 * redis, amqp, https...). The password may hold an unescaped `@`, so it runs
 * to the last `@` before the host; `/`, `?` and `#` cannot occur in it
 * unescaped and end the search early.
 */
const CONNECTION_STRING = compose(
  'g',
  /(?<![A-Za-z0-9+.-])/,
  /(?<kept>[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/[^\s:@/?#'"`<>]{0,128}:)/,
  /(?<password>[^\s/?#'"`<>]{1,256})@/,
)

function redactConnectionStrings(line: string, tally: Tally): string {
  if (!line.includes('://')) return line
  return line.replace(
    CONNECTION_STRING,
    (match, kept: string, password: string) =>
      isReference(password) || isPlaceholder(password)
        ? match
        : `${kept}${record(tally, 'connection-string-password')}@`,
  )
}

const AWS_SECRET_NAME = /secret[_-]?access[_-]?key|aws[_-]?secret/i
// Padding after the 40th character means a longer base64 value, while an
// `=` before the first is an assignment.
const AWS_SECRET_VALUE =
  /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g

/**
 * AWS secret access keys have no prefix; a 40-character base64 value counts
 * only on a line that names it, in whatever form (`aws configure set`, INI,
 * YAML, SDK options).
 */
function redactAwsSecretKeys(line: string, tally: Tally): string {
  if (!AWS_SECRET_NAME.test(line)) return line
  return line.replace(AWS_SECRET_VALUE, (match) =>
    /[A-Z]/.test(match) && /[a-z]/.test(match) && /\d/.test(match)
      ? record(tally, 'aws-secret-key')
      : match,
  )
}

// ---------------------------------------------------------------------------
// Assignments to secret-sounding names

/** A cheap test that lets most lines skip the assignment scan entirely. */
const SECRET_NAME_HINT = /secret|token|pass|pwd|key|auth/i

/**
 * A name, then an assignment operator. The name may be quoted (JSON, Python
 * dicts, PHP arrays), end an index (`env["TOKEN"] =`) or be a flag
 * (`--token=`). The operator is `=`, `:`, `=>` or `:=`; comparisons (`==`,
 * `===`, `=~`) and scopes (`::`) are not assignments.
 */
const ASSIGNMENT = compose(
  'g',
  /(?<![\w$.@-])/,
  /(?<quote>["'`]?)(?<name>-{0,2}[A-Za-z_$@][\w$.@-]{0,99})\k<quote>\]?/,
  /\s{0,20}(?<operator>=>|:=|=(?![=~])|:(?![:/=]))[ \t]{0,20}/,
)

/** Words that name a secret on their own: `password`, `authToken`. */
const SECRET_WORDS = new Set([
  'secret',
  'token',
  'password',
  'passwd',
  'pass',
  'pwd',
  'passphrase',
  'auth',
  'authorization',
  'apikey',
  'accesskey',
  'privatekey',
  'secretkey',
  'clientsecret',
])

/** Endings that make a run-together word a secret name: `dbpassword`. */
const SECRET_SUFFIXES = [
  'secret',
  'token',
  'password',
  'passwd',
  'auth',
  'apikey',
  'accesskey',
  'privatekey',
]

/** `key` is a secret name only after one of these: `api_key`, `private_key`. */
const KEY_QUALIFIERS = new Set([
  'api',
  'access',
  'private',
  'secret',
  'signing',
  'encryption',
  'master',
])

/**
 * Words after the secret word that make the name describe the secret rather
 * than hold it: `token_type`, `TOKEN_URL`, `api_key_header`, `passwordLength`.
 */
const METADATA_WORDS = new Set(
  [
    'account age alg algorithm at audience budget callback class cost count',
    'date digest dir directory domain email enabled endpoint env error errors',
    'estimate exp expiration expires expiry field file filename format grant',
    'hash header hint host id ids index input issuer kind label len length',
    'lifetime limit limits location login max message method min mode msg',
    'name names output param parameter path pattern placeholder policy prefix',
    'price prompt provider rate realm redirect ref regex region required role',
    'roles rotation scope scopes server service size source strategy suffix',
    'tenant time timeout ttl type types uri url urls usage user username var',
    'variable version',
  ]
    .join(' ')
    .split(' '),
)

/** Splits `DB_PASSWORD`, `apiKey`, `x-api-key`, `APIKey` into lower words. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '')
}

function isSecretWord(word: string, previous: string | undefined): boolean {
  if (word === 'key') {
    return previous !== undefined && KEY_QUALIFIERS.has(previous)
  }
  return (
    SECRET_WORDS.has(word) ||
    SECRET_SUFFIXES.some((suffix) => word.endsWith(suffix))
  )
}

/** `DB_PASSWORD` and `apiKey` name secrets; `TOKEN_URL` names a URL. */
function isSecretName(name: string): boolean {
  const words = nameWords(name)
  const last = words.findLastIndex((word, index) =>
    isSecretWord(word, words[index - 1]),
  )
  if (last < 0) return false
  return !words.slice(last + 1).some((word) => METADATA_WORDS.has(word))
}

/**
 * The entropy rule for assigned values: at least 8 characters, and at least
 * 3.0 bits of Shannon entropy per character from 12 characters on. Random
 * base62 clears that almost always (99.99% at 16 characters), hex most of
 * the time (86% at 16, 97% at 20); repeated characters and most single words
 * do not. Below 12 characters the most any value can reach, log2(length), is
 * itself near 3, so short values must come within half a bit of it: nearly
 * every character distinct.
 */
const MIN_SECRET_LENGTH = 8
const SHORT_VALUE_LENGTH = 12
const MIN_ENTROPY = 3.0
const SHORT_VALUE_SLACK = 0.5

/** Shannon entropy in bits per character. */
function entropy(value: string): number {
  const frequencies = new Map<string, number>()
  for (const char of value) {
    frequencies.set(char, (frequencies.get(char) ?? 0) + 1)
  }
  let bits = 0
  for (const count of frequencies.values()) {
    const p = count / value.length
    bits -= p * Math.log2(p)
  }
  return bits
}

function hasSecretEntropy(value: string): boolean {
  const needed =
    value.length >= SHORT_VALUE_LENGTH
      ? MIN_ENTROPY
      : Math.log2(value.length) - SHORT_VALUE_SLACK
  return entropy(value) >= needed
}

/** Where code reads a secret from instead of holding it. */
const SECRET_SOURCE =
  /^(?:process\.env|import\.meta\.env|os\.environ|os\.getenv|System\.getenv|ENV\[|env\.|secrets\.|vars\.)/

/** References to a secret kept elsewhere, never the secret itself. */
function isReference(value: string): boolean {
  return (
    /^\$[A-Za-z_{(]/.test(value) || // $VAR, ${VAR}, ${{ secrets.X }}, $(cmd)
    /\$\{|\{\{|\}\}|#\{|%\(|<%/.test(value) || // templates
    /^%\w+%$/.test(value) || // %VAR% on Windows
    SECRET_SOURCE.test(value)
  )
}

/** Substrings that mark a value as an example rather than a credential. */
const PLACEHOLDER_WORDS = [
  'changeme',
  'placeholder',
  'redacted',
  'example',
  'dummy',
  'test',
  'sample',
  'fake',
  'your',
  'replace',
  'insert',
  'mock',
  'todo',
  'fixme',
  'password',
  'passwd',
  'secret',
  'token',
  'apikey',
]

function isPlaceholder(value: string): boolean {
  if (value.includes(PLACEHOLDER_START)) return true
  if (/^<[^>]*>$|^\[[^\]]*\]$/.test(value)) return true // <token>, [key]
  if (/^(.)\1*$/.test(value)) return true // ********, 00000000
  if (/x{3}|\*{3}|\.{3}|…/i.test(value)) return true
  const letters = value.toLowerCase().replace(/[^a-z0-9]/g, '')
  return PLACEHOLDER_WORDS.some((word) => letters.includes(word))
}

/**
 * Reads like words rather than noise: at least 60% of its letters and digits
 * sit in pronounceable pieces of three or more letters (`accessToken`,
 * `Uint8Array`, `X-API-Key`). Random 16-character alphanumerics pass this by
 * chance about 4% of the time.
 */
function looksLikeWords(value: string): boolean {
  let total = 0
  let wordy = 0
  for (const [piece] of value.matchAll(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+/g)) {
    total += piece.length
    if (
      piece.length >= 3 &&
      /^[A-Za-z]+$/.test(piece) &&
      /[aeiouy]/i.test(piece) &&
      !/[^aeiouy]{5}/i.test(piece)
    ) {
      wordy += piece.length
    }
  }
  return total > 0 && wordy / total >= 0.6
}

/**
 * Decides whether an assigned value is a credential. Unquoted values are
 * usually code (`token = accessToken`, `password: z.string()`), so any that
 * read like words or call something are left alone; quoted ones only when
 * they read like words and have no digit (`"X-API-Key"`), since human
 * passwords such as `"Summer2024!"` read like words too.
 */
function looksLikeSecret(value: string, quoted: boolean): boolean {
  if (value.length < MIN_SECRET_LENGTH) return false
  if (/\s/.test(value)) return false // messages and prose
  if (isReference(value) || isPlaceholder(value)) return false
  if (/^[-+]?\d+(?:\.\d+)?$|^(?:true|false|null|nil|none)$/i.test(value)) {
    return false
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) {
    return false // URLs; a password inside one is a connection string
  }
  if (/^(?:\.{1,2}|~)?\/[\w.-]+(?:\/[\w.-]*)*$/.test(value)) {
    return false // paths
  }
  if (/\.(?:json|ya?ml|pem|key|crt|txt|env|p12|pfx|jks)$/i.test(value)) {
    return false // files that hold the secret
  }
  if (!quoted && /[()[\]{}]/.test(value)) return false // calls, indexing
  if (looksLikeWords(value) && (!quoted || !/\d/.test(value))) return false
  return hasSecretEntropy(value)
}

interface AssignedValue {
  readonly start: number
  readonly end: number
  readonly quoted: boolean
}

/** An HTTP auth scheme before the credential: `Bearer <token>`. */
const AUTH_SCHEME = /(?:Bearer|Basic|Token|Bot)[ \t]+/iy

/**
 * A type annotation between name and value: `password: str = "..."`. The
 * space before `=` keeps base64 padding (`token: c2VjcmV0=`) from matching.
 */
const TYPE_THEN_EQUALS = /[A-Za-z_$][\w$.<>[\]]*\??[ \t]+=(?![=>])[ \t]*/y

/** The longest quoted value looked for, so an unclosed quote costs little. */
const MAX_QUOTED_LENGTH = 4096

/** Reads the value that starts at `at`; undefined when there is none. */
function readValue(line: string, at: number): AssignedValue | undefined {
  let start = at
  // Python's b'...', r'...', f'...' prefixes.
  const prefix = /[bBrRuUfF]{1,2}(?=['"])/y
  prefix.lastIndex = start
  if (prefix.test(line)) start = prefix.lastIndex

  const quote = line[start]
  if (quote === '"' || quote === "'" || quote === '`') {
    const close = closingQuote(line, start + 1, quote)
    if (close === undefined) return undefined
    AUTH_SCHEME.lastIndex = start + 1
    const from = AUTH_SCHEME.test(line) ? AUTH_SCHEME.lastIndex : start + 1
    return { start: Math.min(from, close), end: close, quoted: true }
  }

  AUTH_SCHEME.lastIndex = start
  if (AUTH_SCHEME.test(line)) start = AUTH_SCHEME.lastIndex
  const bare = /[^\s,;&)\]}'"`<>|]*/y
  bare.lastIndex = start
  bare.test(line)
  // A sentence may end right after the value.
  const text = line.slice(start, bare.lastIndex).replace(/\.+$/, '')
  if (text === '') return undefined
  return { start, end: start + text.length, quoted: false }
}

function closingQuote(
  line: string,
  from: number,
  quote: string,
): number | undefined {
  const limit = Math.min(line.length, from + MAX_QUOTED_LENGTH)
  for (let index = from; index < limit; index++) {
    const char = line[index]
    if (char === '\\') index++
    else if (char === quote) return index
  }
  return undefined
}

function redactAssignments(line: string, tally: Tally): string {
  if (!SECRET_NAME_HINT.test(line)) return line

  let out = ''
  let copied = 0
  ASSIGNMENT.lastIndex = 0
  let match: RegExpExecArray | null
  while ((match = ASSIGNMENT.exec(line))) {
    const { name = '', operator } = match.groups ?? {}
    let at = ASSIGNMENT.lastIndex
    if (operator === ':') {
      TYPE_THEN_EQUALS.lastIndex = at
      if (TYPE_THEN_EQUALS.test(line)) at = TYPE_THEN_EQUALS.lastIndex
    }
    const value = readValue(line, at)
    if (!value) continue
    // Resume after the value, so nothing inside it is read as a name.
    const after = value.quoted ? value.end + 1 : value.end
    ASSIGNMENT.lastIndex = Math.max(after, ASSIGNMENT.lastIndex)

    const text = line.slice(value.start, value.end)
    if (isSecretName(name) && looksLikeSecret(text, value.quoted)) {
      out += line.slice(copied, value.start) + record(tally, 'assigned-secret')
      copied = value.end
    }
  }
  return out + line.slice(copied)
}

/**
 * A diff-model file with the credentials in its lines redacted, hunk by
 * hunk. Line numbers do not change, so anchors stay valid.
 */
export function redactFile(file: DiffFile): Redacted<DiffFile> {
  // A run redacts its files for anchoring and again for the prompt.
  const known = redactedFiles.get(file)
  if (known) return known
  const redacted = redactHunks(file)
  redactedFiles.set(file, redacted)
  return redacted
}

const redactedFiles = new WeakMap<DiffFile, Redacted<DiffFile>>()

function redactHunks(file: DiffFile): Redacted<DiffFile> {
  const counts: Array<Redacted<unknown>['counts']> = []
  const hunks = file.hunks.map((hunk) => {
    // git puts the nearest unindented line above the hunk in its header:
    // in a .env or YAML file that line can be a secret.
    const section = redactText(hunk.section)
    const redacted = redactLines(hunk.lines.map((line) => line.text))
    counts.push(section.counts, redacted.counts)
    return {
      ...hunk,
      section: section.value,
      lines: hunk.lines.map((line, index) => ({
        ...line,
        text: redacted.value[index] ?? line.text,
      })),
    }
  })
  const total = addCounts(...counts)
  return {
    value: Object.keys(total).length === 0 ? file : replaceHunks(file, hunks),
    counts: total,
  }
}

/**
 * The pull request as providers may see it: credentials in its files,
 * title, description and guidelines replaced by placeholders. The note
 * counts them by kind, never showing one.
 */
export interface RedactedPullRequest {
  readonly title: string
  readonly description: string
  readonly guidelines: string | null
  readonly files: readonly DiffFile[]
  /** How many credentials were replaced. */
  readonly total: number
  /** A sentence for the summary, counting them by kind. */
  readonly note: string
}

export function redactPullRequest(
  pull: { readonly title: string; readonly body: string },
  guidelines: string | null,
  files: readonly DiffFile[],
): RedactedPullRequest {
  const title = redactText(pull.title)
  const description = redactText(pull.body)
  const rules = guidelines === null ? undefined : redactText(guidelines)
  const redactedFiles = files.map(redactFile)
  const counts = addCounts(
    title.counts,
    description.counts,
    rules?.counts ?? {},
    ...redactedFiles.map((file) => file.counts),
  )
  const entries = Object.entries(counts)
  const total = entries.reduce((sum, [, count]) => sum + count, 0)
  const kinds = entries.map(([kind, count]) => `${count} ${kind}`).join(', ')
  return {
    title: title.value,
    description: description.value,
    guidelines: rules?.value ?? null,
    files: redactedFiles.map((file) => file.value),
    total,
    note:
      `${total} ${total === 1 ? 'credential was' : 'credentials were'} ` +
      `replaced by placeholders before any model saw the pull request ` +
      `(${kinds}). Rotate any that are real.`,
  }
}
