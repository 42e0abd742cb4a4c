/**
 * The dated price table. Prices change: they live here as data, each row
 * with its source, and the `pricing` input can add or replace rows.
 * All prices are US dollars per million tokens.
 */

export interface Rates {
  /** Input tokens not served from the provider's cache. */
  readonly input: number
  /** Input tokens served from the cache. */
  readonly cachedInput: number
  /** Output tokens, reasoning tokens included. */
  readonly output: number
  /** Input tokens written to the cache, where the provider bills writes. */
  readonly cacheWrite?: number
}

/** A request whose prompt is longer than `overTokens` is billed at a multiple. */
export interface LongContextRule {
  readonly overTokens: number
  readonly inputMultiplier: number
  readonly outputMultiplier: number
}

/** A weekly schedule of peak hours, in UTC, outside which `offPeak` applies. */
export interface PeakSchedule {
  /** Days of the week with peak hours: 0 is Sunday. */
  readonly days: readonly number[]
  /** Half-open UTC hour ranges, [from, to). */
  readonly hours: ReadonlyArray<readonly [number, number]>
}

export interface ModelPrice {
  /** The standard rates; for a model with a schedule, the peak rates. */
  readonly rates: Rates
  readonly offPeak?: { readonly rates: Rates; readonly peak: PeakSchedule }
  readonly longContext?: LongContextRule
  /** Where the rates were read. */
  readonly source: string
}

export interface PriceTable {
  /** The day the rates were last checked against their sources. */
  readonly asOf: string
  readonly models: Readonly<Record<string, ModelPrice>>
}

// DeepSeek bills peak hours at twice the off-peak price: Monday to Friday,
// 01:00-04:00 and 06:00-10:00 UTC (09-12 and 14-18 Beijing time).
// TODO: Chinese public holidays are off-peak too; without a holiday calendar
// they are priced as peak, which can only overstate the bill.
const DEEPSEEK_PEAK: PeakSchedule = {
  days: [1, 2, 3, 4, 5],
  hours: [
    [1, 4],
    [6, 10],
  ],
}

const DEEPSEEK_SOURCE =
  'https://api-docs.deepseek.com/quick_start/pricing (checked 2026-10-27)'

const deepseekFlash: ModelPrice = {
  rates: { input: 0.3, cachedInput: 0.006, output: 1.2 },
  offPeak: {
    rates: { input: 0.15, cachedInput: 0.003, output: 0.6 },
    peak: DEEPSEEK_PEAK,
  },
  source: DEEPSEEK_SOURCE,
}

const OPENAI_GPT5_SOURCE = 'https://developers.openai.com/api/docs/models/gpt-5'
const OPENAI_TABLE_SOURCE =
  'github/docs data/tables/copilot/models-and-pricing.yml, ' +
  'OpenAI pricing as quoted by tokenmix.ai (2026-06-04)'

function flat(
  input: number,
  cachedInput: number,
  output: number,
  source: string,
): ModelPrice {
  return { rates: { input, cachedInput, output }, source }
}

/** The built-in table; each row names where its rates were read. */
export const PRICE_TABLE: PriceTable = {
  asOf: '2026-12-04',
  models: {
    'deepseek-flash': deepseekFlash,
    // The legacy name is still accepted, served and billed as Flash.
    'deepseek-v4-flash': deepseekFlash,
    'deepseek-v4-pro': {
      rates: { input: 1.32, cachedInput: 0.044, output: 3.96 },
      offPeak: {
        rates: { input: 0.66, cachedInput: 0.022, output: 1.98 },
        peak: DEEPSEEK_PEAK,
      },
      source: DEEPSEEK_SOURCE,
    },
    'gpt-5': flat(1.25, 0.125, 10, OPENAI_GPT5_SOURCE),
    'gpt-5-mini': flat(
      0.25,
      0.025,
      2,
      'https://developers.openai.com/api/docs/models/gpt-5-mini',
    ),
    'gpt-5-nano': flat(
      0.05,
      0.005,
      0.4,
      'https://developers.openai.com/api/docs/models/gpt-5-nano',
    ),
    'gpt-5.1': flat(
      1.25,
      0.125,
      10,
      'https://developers.openai.com/api/docs/models/gpt-5.1',
    ),
    'gpt-5.2': flat(1.75, 0.175, 14, OPENAI_TABLE_SOURCE),
    'gpt-5.4': flat(2.5, 0.25, 15, OPENAI_TABLE_SOURCE),
    'gpt-5.4-mini': flat(0.75, 0.075, 4.5, OPENAI_TABLE_SOURCE),
    'gpt-5.4-nano': flat(0.2, 0.02, 1.25, OPENAI_TABLE_SOURCE),
    'gpt-5.5': flat(5, 0.5, 30, OPENAI_TABLE_SOURCE),
    // Cache writes are billed at 1.25 times the input price, and a prompt
    // over 272K tokens bills the whole request at 2x input and 1.5x output.
    'gpt-5.6-terra': {
      rates: { input: 2, cachedInput: 0.2, output: 12, cacheWrite: 2.5 },
      longContext: {
        overTokens: 272_000,
        inputMultiplier: 2,
        outputMultiplier: 1.5,
      },
      source:
        'https://developers.openai.com/api/docs/models/gpt-5.6-terra ' +
        '(prices after the 2026-07-30 cut)',
    },
  },
}

// Providers answer with dated snapshot names ("gpt-5-2025-08-07").
const DATE_SUFFIX = /-\d{4}-\d{2}-\d{2}$/

/**
 * Finds a model's price: user overrides first, then the built-in table, by
 * exact name and then without a date suffix. Undefined means unknown.
 */
export function findPrice(
  model: string,
  overrides: Readonly<Record<string, ModelPrice>> = {},
  table: PriceTable = PRICE_TABLE,
): ModelPrice | undefined {
  const undated = model.replace(DATE_SUFFIX, '')
  return (
    overrides[model] ??
    overrides[undated] ??
    table.models[model] ??
    table.models[undated]
  )
}
