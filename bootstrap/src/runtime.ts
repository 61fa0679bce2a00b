/**
 * How the `hypha-bootstrap` bin runs V8. A volunteer node under a connection
 * and stream flood makes garbage fast; V8's defaults on a machine with a few
 * GiB of memory trade memory and pause length for fewer collections, which
 * is the wrong trade for a node whose honest traffic must keep flowing and
 * whose memory a volunteer pays for. The bin applies these at start; library
 * users of `createBootstrapNode` keep V8's defaults.
 *
 * This module imports nothing heavy: the bin calls `tuneRuntime` before it
 * loads the node, so a restart (below) costs one bare Node.js start.
 */

import { setFlagsFromString } from 'node:v8'

/**
 * How far V8 lets the heap grow past what survived its last full
 * collection, in percent (V8 picks 10% to 300% by itself, from how fast it
 * collects). A node under the flood makes garbage fast and collects it
 * fast, so V8 grows the heap to about 4 times the live data and keeps it; at
 * 100% it collects sooner instead. Measured by the adversarial suite's
 * connection flood (45 s, ~11,000 connection attempts and ~500 streams a
 * second, with `HostGate`, V8's 64 MiB young generation): RSS +297 to +322
 * MiB with V8's choice (4 runs), +225 to +251 MiB at 100% (11 runs), +217
 * to +239 MiB at 50% (4 runs). With the 8 MiB young generation below: +256
 * MiB with V8's choice, +185 MiB at 200%, +131 to +152 MiB at 100%.
 */
export const BOOTSTRAP_HEAP_GROWING_PERCENT = 100

/**
 * The most V8's young generation may hold per semi-space, in MiB. V8 sizes
 * it from the heap limit, so from the machine's memory: 64 MiB here
 * (`new_space_capacity` in `--trace-gc-nvp`), and under the connection flood every scavenge copied 5 to 10 MB of survivors
 * while the node stood still, 13 to 26 ms a time, and those pauses were the
 * honest messages' slowest deliveries (traced with `--trace-gc` against each
 * message's send and arrival). At 8 MiB scavenges come 8 times as
 * often and the longest in a run took 8 to 15
 * ms; they cost the node 1.3 s of CPU over a 65 s run instead of 0.65 s.
 * RSS under the flood: +131 to +152 MiB over the "before" value (9 runs),
 * against +225 to +251 MiB with V8's size. At 4 and 2 MiB the pauses were
 * shorter still, GC took 1.5 to 2 s, and the honest p99 was no better
 * (2.2x to 3.1x at 4 MiB and 2.5x to 2.6x at 2 MiB, 2 runs each, against
 * 1.8x to 2.1x at 8 MiB in 3). V8 reads it
 * only at start, so the bin restarts itself with it (`process.execve`: same
 * process id, same standard streams).
 */
export const BOOTSTRAP_SEMI_SPACE_MIB = 8

const SEMI_SPACE_FLAG = '--max-semi-space-size'

/** Set in the restarted process: it never restarts twice, whatever its command line says */
export const RESTARTED_ENV = 'HYPHA_BOOTSTRAP_RESTARTED'

function givesSemiSpace (args: readonly string[]): boolean {
  return args.some(arg => /^--max[-_]semi[-_]space[-_]size(=|$)/.test(arg))
}

/**
 * The arguments (after the Node.js binary) the bin restarts itself with, so
 * that V8 starts with `BOOTSTRAP_SEMI_SPACE_MIB`; undefined when it must not
 * restart: it did already, or the operator gave a semi-space size of their
 * own (on node's command line or in NODE_OPTIONS), which is kept.
 */
export function restartArgs (execArgv: readonly string[], argv: readonly string[], env: Record<string, string | undefined>): string[] | undefined {
  if (env[RESTARTED_ENV] != null) { return undefined }
  if (givesSemiSpace(execArgv) || givesSemiSpace((env.NODE_OPTIONS ?? '').split(/\s+/))) { return undefined }
  return [`${SEMI_SPACE_FLAG}=${BOOTSTRAP_SEMI_SPACE_MIB}`, ...execArgv, ...argv.slice(1)]
}

/**
 * Applies the bin's V8 settings: restarts this process with the young
 * generation's size when it must (and where Node.js can: `process.execve`
 * exists from Node.js 23.11 on, not on Windows; elsewhere the node runs with
 * V8's young generation), then caps the heap's growth. Call it before
 * anything else starts: a restart loses everything but the process id and
 * the standard streams.
 */
export function tuneRuntime (): void {
  const args = restartArgs(process.execArgv, process.argv, process.env)
  if (args != null && typeof process.execve === 'function') {
    process.execve(process.execPath, [process.execPath, ...args], { ...process.env, [RESTARTED_ENV]: '1' })
  }
  setFlagsFromString(`--heap-growing-percent=${BOOTSTRAP_HEAP_GROWING_PERCENT}`)
}
