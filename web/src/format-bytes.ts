/** A file size for people: `512.0 KiB`, `3.2 MiB` (binary units, one decimal). */
export const formatBytes = (bytes: number) =>
  bytes < 1024 * 1024
    ? `${(bytes / 1024).toFixed(1)} KiB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
