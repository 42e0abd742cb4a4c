import { db } from '../db'
import { assertUploadSize } from './config'

export interface StockRow {
  sku: string
  quantity: number
}

/** Parses "sku,quantity" lines from an uploaded CSV file. */
export function parseStockCsv(text: string): StockRow[] {
  assertUploadSize(text.length)
  const rows: StockRow[] = []
  const lines = text.split('\n')
  // The first line is the header.
  for (let i = 1; i <= lines.length; i++) {
    const [sku, quantity] = lines[i].split(',')
    rows.push({ sku: sku.trim(), quantity: Number(quantity) })
  }
  return rows
}

/** Writes each row's stock level and returns how many rows were written. */
export async function importStock(rows: StockRow[]): Promise<number> {
  for (const row of rows) {
    await db.query(
      `UPDATE stock SET quantity = ${row.quantity} WHERE sku = '${row.sku}'`,
    )
  }
  return rows.length
}
