/**
 * @packageDocumentation
 *
 * `@hypha/bench` holds Hypha's benchmarks, each shown side by side with the
 * baseline it is measured against (`npm run bench` at the repository root).
 * Dependencies used only for comparison live here, never in core. This build
 * has the harness; the benchmarks arrive with the code they measure.
 *
 * @example
 *
 * ```ts
 * import { measure, printTable } from '@hypha/bench'
 *
 * const rows = [
 *   await measure('sha-256 1 KiB (WebCrypto)', () => crypto.subtle.digest('SHA-256', new Uint8Array(1024))),
 *   await measure('JSON round trip', () => JSON.parse(JSON.stringify({ a: 1 })), { iterations: 10_000 })
 * ]
 *
 * printTable(rows)
 * // benchmark                  ops/s  mean µs  p50 µs  p99 µs   runs
 * // -------------------------  -----  -------  ------  ------  -----
 * // ...
 * ```
 */

export {
  measure,
  percentile,
  formatTable,
  printTable,
  formatNumber,
  DEFAULT_ITERATIONS,
  DEFAULT_WARMUP
} from './harness.ts'
export type { MeasureOptions, BenchResult } from './harness.ts'
export {
  initialScripts, initialJs, initialJsBench, formatInitialJs, firstMessageBench, formatFirstMessage, formatStartupJs,
  INITIAL_JS_BUDGET_KB, FIRST_MESSAGE_BUDGET_MS, FIRST_MESSAGE_RUNS
} from './browser.ts'
export type { InitialJsReport, FirstMessageReport } from './browser.ts'
export {
  groupsBench, formatGroupsReport, sendRatios, GROUP_MESSAGE_BYTES, GROUP_SIZES, GROUP_SENDS, GROUP_MAILBOXES, REMOVAL_CPU_BUDGET_MS, SEND_RATIO_BUDGET
} from './groups.ts'
export type { GroupBenchReport, GroupBenchOptions, GroupSendRow, GroupRemovalRow, WireCount } from './groups.ts'
