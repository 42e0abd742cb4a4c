import { describe, expect, it, vi } from 'vitest'
import { chooseRoute, missingKey } from '../src/route'
import type { Settings, Visibility } from '../src/settings'

vi.mock('@actions/core', () => ({ setSecret: vi.fn() }))

function settings(
  visibility?: Visibility,
  overrides: Partial<Settings> = {},
): Settings {
  return {
    publicProvider: 'deepseek',
    privateProvider: 'openai',
    deepseek: {
      apiKey: 'ds',
      baseUrl: 'https://api.deepseek.com',
      model: 'deepseek-flash',
    },
    openai: {
      apiKey: 'oa',
      baseUrl: 'https://api.openai.com/v1',
      model: 'gpt-5',
    },
    selfHosted: { baseUrl: 'http://127.0.0.1:8000/v1', model: 'qwen3-coder' },
    event: {
      name: 'pull_request',
      repository: {
        owner: 'o',
        name: 'r',
        ...(visibility
          ? {
              visibility,
              visibilitySource: 'repository.visibility in the event',
            }
          : {}),
      },
    },
    ...overrides,
  } as Settings
}

const noLookup = () => Promise.reject(new Error('not expected'))

describe('chooseRoute', () => {
  it('sends a public repository to the public provider', async () => {
    const route = await chooseRoute(settings('public'), noLookup)
    expect(route).toMatchObject({
      privacy: 'public',
      endpoint: { provider: 'deepseek', model: 'deepseek-flash' },
    })
    expect(route.reason).toContain('repository is public')
  })

  it.each(['private', 'internal'] as const)(
    'sends a %s repository to the private provider',
    async (visibility) => {
      const route = await chooseRoute(settings(visibility), noLookup)
      expect(route).toMatchObject({
        privacy: 'private',
        endpoint: { provider: 'openai' },
      })
    },
  )

  it('asks the repository API when the event does not say', async () => {
    const route = await chooseRoute(settings(), () => Promise.resolve('public'))
    expect(route).toMatchObject({ privacy: 'public', visibility: 'public' })
    expect(route.reason).toContain('the repository API')
  })

  it('treats the repository as private when the API fails too', async () => {
    const route = await chooseRoute(settings(), () =>
      Promise.reject(new Error('500')),
    )
    expect(route).toMatchObject({
      privacy: 'private',
      visibility: 'unknown',
      endpoint: { provider: 'openai' },
    })
    expect(route.reason).toContain('treated as private')
  })

  it('routes private code to a self-hosted server with no key needed', async () => {
    const route = await chooseRoute(
      settings('private', { privateProvider: 'self-hosted' }),
      noLookup,
    )
    expect(route.endpoint).toMatchObject({
      provider: 'self-hosted',
      baseUrl: 'http://127.0.0.1:8000/v1',
      model: 'qwen3-coder',
    })
    expect(missingKey(route)).toBeUndefined()
  })

  it('names the empty key input of the chosen provider, never another provider', async () => {
    const route = await chooseRoute(
      settings('private', {
        openai: { baseUrl: 'https://api.openai.com/v1', model: 'gpt-5' },
      }),
      noLookup,
    )
    expect(route.endpoint.provider).toBe('openai')
    expect(missingKey(route)).toBe('openai-api-key')
  })
})
