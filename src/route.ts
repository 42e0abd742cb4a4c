/**
 * Routing by data policy: public repositories go to the public provider,
 * everything else, including a repository whose visibility cannot be
 * established, to the private one.
 */
import type { ModelEndpoint } from './llm/client'
import type { ProviderName } from './llm/providers'
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
        ...(settings.deepseek.apiKey ? { apiKey: settings.deepseek.apiKey } : {}),
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
      // Settings guarantees the URL and model when self-hosted is in use.
      return {
        provider,
        model: settings.selfHosted.model ?? '',
        baseUrl: settings.selfHosted.baseUrl ?? '',
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
