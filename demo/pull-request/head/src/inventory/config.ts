export const inventoryConfig = {
  maxUploadBytes: 50 * 1024 * 1024,
  importBatchSize: 500,
  lowStockThreshold: 10,
}

export function assertUploadSize(bytes: number): void {
  if (bytes > inventoryConfig.maxUploadBytes) {
    console.warn(`Large upload: ${bytes} bytes`)
  }
}
