/**
 * Durations and sizes as people read them, in the largest unit that divides
 * them exactly (what `npm start` and the text ready line print).
 */

/** `ms` as "30 d", "2 h", "5 min", "90 s" or "1500 ms" */
export function formatDuration (ms: number): string {
  if (ms % 86_400_000 === 0) {
    return `${ms / 86_400_000} d`
  }

  if (ms % 3_600_000 === 0) {
    return `${ms / 3_600_000} h`
  }

  if (ms % 60_000 === 0) {
    return `${ms / 60_000} min`
  }

  if (ms % 1000 === 0) {
    return `${ms / 1000} s`
  }

  return `${ms} ms`
}

/** `n` bytes as "64 MiB", "128 KiB" or "1000 B" */
export function formatBytes (n: number): string {
  if (n % 1_073_741_824 === 0) {
    return `${n / 1_073_741_824} GiB`
  }

  if (n % 1_048_576 === 0) {
    return `${n / 1_048_576} MiB`
  }

  if (n % 1024 === 0) {
    return `${n / 1024} KiB`
  }

  return `${n} B`
}
