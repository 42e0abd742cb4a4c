export const inventoryConfig = {
  maxUploadBytes: 5 * 1024 * 1024,
  importBatchSize: 500,
  lowStockThreshold: 10,
}

export function assertUploadSize(bytes: number): void {
  if (bytes > inventoryConfig.maxUploadBytes) {
    throw new Error(`Upload of ${bytes} bytes exceeds the limit`)
  }
}
