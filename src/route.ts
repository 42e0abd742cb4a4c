/**
 * Routing by data policy: public repositories go to the public provider,
 * everything else, including a repository whose visibility cannot be
 * established, to the private one.
 */
import type { DiffFile } from './diff/model'
import type { ModelEndpoint } from './llm/client'
import type { ProviderName } from './llm/providers'
import { compileGlobs } from './select'
import type { Settings, Visibility } from './settings'

export type PrivacyClass = 'public' | 'private'

export interface Route {
  readonly endpoint: ModelEndpoint
  readonly privacy: PrivacyClass
  /** The repository's visibility, or unknown. */
  readonly visibility: Visibility | 'unknown'
  /** Which rule decided, for the summary. */
  readonly reason: string
}

/** Asks GitHub for the repository's visibility; undefined when it cannot. */
export type VisibilityLookup = () => Promise<Visibility | undefined>

export async function chooseRoute(
  settings: Settings,
  lookup: VisibilityLookup,
): Promise<Route> {
  const { visibility, source } = await resolveVisibility(settings, lookup)
  const privacy: PrivacyClass = visibility === 'public' ? 'public' : 'private'
  const provider =
    privacy === 'public' ? settings.publicProvider : settings.privateProvider
  const providerInput =
    privacy === 'public' ? 'public-provider' : 'private-provider'

  return {
    endpoint: endpointFor(provider, settings),
    privacy,
    visibility,
    reason:
      `repository is ${visibility} (${source}), so \`${providerInput}\` ` +
      `applies: ${provider}`,
  }
}

async function resolveVisibility(
  settings: Settings,
  lookup: VisibilityLookup,
): Promise<{ visibility: Visibility | 'unknown'; source: string }> {
  const repository = settings.event.repository
  if (repository.visibility) {
    return {
      visibility: repository.visibility,
      source: repository.visibilitySource ?? 'the event',
    }
  }
  const looked = await lookup().catch(() => undefined)
  if (looked) return { visibility: looked, source: 'the repository API' }
  return {
    visibility: 'unknown',
    source: 'neither the event nor the repository API said; treated as private',
  }
}

export function endpointFor(
  provider: ProviderName,
  settings: Settings,
): ModelEndpoint {
  switch (provider) {
    case 'deepseek':
      return {
        provider,
        model: settings.deepseek.model,
        baseUrl: settings.deepseek.baseUrl,
        ...(settings.deepseek.apiKey
          ? { apiKey: settings.deepseek.apiKey }
          : {}),
        keyInput: 'deepseek-api-key',
        modelInput: 'deepseek-model',
      }
    case 'openai':
      return {
        provider,
        model: settings.openai.model,
        baseUrl: settings.openai.baseUrl,
        ...(settings.openai.apiKey ? { apiKey: settings.openai.apiKey } : {}),
        keyInput: 'openai-api-key',
        modelInput: 'openai-model',
      }
    case 'self-hosted':
      if (!settings.selfHosted.baseUrl || !settings.selfHosted.model) {
        // An empty base URL would make the SDK fall back to OpenAI's.
        throw new Error(
          'Bug: the self-hosted provider is used without a URL and model, ' +
            'which settings should have refused; please open an issue.',
        )
      }
      return {
        provider,
        model: settings.selfHosted.model,
        baseUrl: settings.selfHosted.baseUrl,
        ...(settings.selfHosted.apiKey
          ? { apiKey: settings.selfHosted.apiKey }
          : {}),
        keyInput: 'self-hosted-api-key',
        modelInput: 'self-hosted-model',
      }
  }
}

/**
 * The input that must hold a key for this route and is empty, if any.
 * Self-hosted servers may need no key.
 */
export function missingKey(route: Route): string | undefined {
  const { endpoint } = route
  if (endpoint.provider === 'self-hosted' || endpoint.apiKey) return undefined
  return endpoint.keyInput
}

/** Where a group of files goes: the route's model, or a lane beside it. */
export type LaneKind = 'default' | 'escalated' | 'sensitive'

export interface Lane {
  readonly kind: LaneKind
  readonly endpoint: ModelEndpoint
  readonly privacy: PrivacyClass
  readonly files: readonly DiffFile[]
}

export interface LanePlan {
  /** The lanes that have files, default first. */
  readonly lanes: readonly Lane[]
  /**
   * Sensitive files of a public repository that no private provider can
   * take: they are not reviewed at all.
   */
  readonly withheld: readonly string[]
}

/**
 * The second axis of routing. In a public repository, files matching
 * `sensitive-paths` go to the private provider, or nowhere; files matching
 * `escalate-paths`, or large enough, go to the escalation model of the
 * route's own provider, so escalation never changes the privacy class.
 */
export function assignLanes(
  route: Route,
  files: readonly DiffFile[],
  settings: Settings,
): LanePlan {
  const sensitive =
    route.privacy === 'public'
      ? compileGlobs(settings.sensitivePaths)
      : () => false
  const escalated = (file: DiffFile): boolean =>
    settings.escalationModel !== undefined &&
    (compileGlobs(settings.escalatePaths)(file.path) ||
      (settings.escalateMinChanges !== undefined &&
        file.additions + file.deletions >= settings.escalateMinChanges))

  const privateEndpoint = endpointFor(settings.privateProvider, settings)
  const privateUsable =
    settings.privateProvider !== 'deepseek' &&
    (privateEndpoint.provider === 'self-hosted' || !!privateEndpoint.apiKey)

  const groups: Record<LaneKind, DiffFile[]> = {
    default: [],
    escalated: [],
    sensitive: [],
  }
  const withheld: string[] = []
  for (const file of files) {
    // A file moved out of a sensitive folder still shows its old lines.
    if (
      sensitive(file.path) ||
      (file.previousPath !== undefined && sensitive(file.previousPath))
    ) {
      if (privateUsable) groups.sensitive.push(file)
      else withheld.push(file.path)
    } else {
      groups[escalated(file) ? 'escalated' : 'default'].push(file)
    }
  }

  const lanes: Lane[] = [
    {
      kind: 'default',
      endpoint: route.endpoint,
      privacy: route.privacy,
      files: groups.default,
    },
    {
      kind: 'escalated',
      endpoint: {
        ...route.endpoint,
        model: settings.escalationModel ?? route.endpoint.model,
        modelInput: 'escalation-model',
      },
      privacy: route.privacy,
      files: groups.escalated,
    },
    {
      kind: 'sensitive',
      endpoint: privateEndpoint,
      privacy: 'private',
      files: groups.sensitive,
    },
  ]
  return { lanes: lanes.filter((lane) => lane.files.length > 0), withheld }
}

/**
 * The endpoint that takes a lane's calls when its provider fails, if the
 * user chose one. Settings have already refused a fallback that would move
 * private code to DeepSeek without consent. Sensitive files of a public
 * repository were kept off the public provider and off DeepSeek whatever
 * the consent, so their fallback never goes there either.
 */
export function fallbackFor(
  lane: Lane,
  settings: Settings,
): ModelEndpoint | undefined {
  const provider = settings.fallbackProvider
  if (!provider || provider === lane.endpoint.provider) return undefined
  if (lane.kind === 'sensitive') {
    if (provider === 'deepseek' || provider === settings.publicProvider) {
      return undefined
    }
  } else if (
    lane.privacy === 'private' &&
    provider === 'deepseek' &&
    !settings.allowPublicApiForPrivateCode
  ) {
    return undefined
  }
  return endpointFor(provider, settings)
}
