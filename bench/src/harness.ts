/**
 * A small benchmark harness: time a function many times, report throughput
 * and latency percentiles, render results side by side.
 *
 * Each call is timed on its own with `performance.now()` so percentiles are
 * real, not derived from a mean. Async functions are awaited one at a time:
 * the numbers are sequential latency, not throughput under concurrency (run
 * calls in parallel inside `fn` to measure that).
 */

/** Timed calls when `iterations` is not given */
export const DEFAULT_ITERATIONS = 1000

/** Untimed calls first, so JIT compilation and caches settle */
export const DEFAULT_WARMUP = 100

export interface MeasureOptions {
  /**
   * Timed calls
   *
   * @default 1000
   */
  iterations?: number

  /**
   * Untimed calls before the timed ones
   *
   * @default 100
   */
  warmup?: number
}

export interface BenchResult {
  /** What was measured */
  name: string
  /** Timed calls */
  iterations: number
  /** Sum of the timed calls, in milliseconds */
  totalMs: number
  /** `iterations` per second of `totalMs` */
  opsPerSecond: number
  /** Mean time of one call, in microseconds */
  meanUs: number
  /** Median time of one call, in microseconds */
  p50Us: number
  /** 99th percentile time of one call, in microseconds */
  p99Us: number
}

/**
 * Time `fn`, which may be sync or return a promise.
 *
 * @throws {TypeError} when `fn` is not a function
 * @throws {RangeError} when `iterations` is not a positive integer or `warmup` not a non-negative integer
 */
export async function measure (name: string, fn: () => unknown, options: MeasureOptions = {}): Promise<BenchResult> {
  const iterations = options.iterations ?? DEFAULT_ITERATIONS
  const warmup = options.warmup ?? DEFAULT_WARMUP

  if (typeof fn !== 'function') {
    throw new TypeError(`fn must be a function, got ${typeof fn}`)
  }

  if (!Number.isInteger(iterations) || iterations <= 0) {
    throw new RangeError(`iterations must be a positive integer, got ${iterations}`)
  }

  if (!Number.isInteger(warmup) || warmup < 0) {
    throw new RangeError(`warmup must be a non-negative integer, got ${warmup}`)
  }

  for (let i = 0; i < warmup; i++) {
    await settle(fn())
  }

  const samples = new Float64Array(iterations)

  for (let i = 0; i < iterations; i++) {
    const start = performance.now()
    const result = fn()

    if (isThenable(result)) {
      await result
    }

    samples[i] = performance.now() - start
  }

  let totalMs = 0
  for (const sample of samples) {
    totalMs += sample
  }

  samples.sort()

  return {
    name,
    iterations,
    totalMs,
    opsPerSecond: totalMs > 0 ? iterations / (totalMs / 1000) : Number.POSITIVE_INFINITY,
    meanUs: (totalMs * 1000) / iterations,
    p50Us: percentile(samples, 0.5) * 1000,
    p99Us: percentile(samples, 0.99) * 1000
  }
}

/**
 * Nearest-rank percentile of sorted samples
 */
export function percentile (sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) {
    throw new RangeError('percentile of no samples')
  }

  if (!(p > 0 && p <= 1)) {
    throw new RangeError(`p must be in (0, 1], got ${p}`)
  }

  return sorted[Math.ceil(p * sorted.length) - 1]
}

const COLUMNS: Array<{ title: string, value(row: BenchResult): string }> = [
  { title: 'benchmark', value: row => row.name },
  { title: 'ops/s', value: row => formatNumber(row.opsPerSecond) },
  { title: 'mean µs', value: row => formatNumber(row.meanUs) },
  { title: 'p50 µs', value: row => formatNumber(row.p50Us) },
  { title: 'p99 µs', value: row => formatNumber(row.p99Us) },
  { title: 'runs', value: row => String(row.iterations) }
]

/**
 * Render results as a text table: the name column left-aligned, numbers
 * right-aligned, a rule under the header. No trailing newline.
 */
export function formatTable (rows: BenchResult[]): string {
  const cells = [
    COLUMNS.map(column => column.title),
    ...rows.map(row => COLUMNS.map(column => column.value(row)))
  ]
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map(line => line[i].length)))
  const render = (line: string[]): string => line
    .map((cell, i) => i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))
    .join('  ')

  return [
    render(cells[0]),
    widths.map(width => '-'.repeat(width)).join('  '),
    ...cells.slice(1).map(render)
  ].join('\n')
}

/**
 * Write `formatTable(rows)` and a newline to `out` (standard output by default)
 */
export function printTable (rows: BenchResult[], out: { write(text: string): unknown } = process.stdout): void {
  out.write(`${formatTable(rows)}\n`)
}

/**
 * Numbers with three significant digits or more, grouped in thousands
 */
export function formatNumber (value: number): string {
  if (!Number.isFinite(value)) {
    return String(value)
  }

  if (Math.abs(value) >= 100) {
    return Math.round(value).toLocaleString('en-US')
  }

  if (Math.abs(value) >= 10) {
    return value.toFixed(1)
  }

  return value.toFixed(2)
}

function isThenable (value: unknown): value is PromiseLike<unknown> {
  return value != null && typeof (value as { then?: unknown }).then === 'function'
}

async function settle (value: unknown): Promise<void> {
  if (isThenable(value)) {
    await value
  }
}
