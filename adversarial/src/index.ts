/**
 * @packageDocumentation
 *
 * `@hypha/adversarial` is Hypha's adversarial suite: fuzzing of every
 * protocol handler and decoder, replayed and tampered envelopes, floods,
 * crashes and sybils, run against real nodes on 127.0.0.1 and counted in one
 * table (`npm run test:adversarial` at the repository root; `npm test` runs a
 * scaled-down version).
 *
 * @example
 *
 * ```ts
 * import { SCENARIOS, formatReport } from '@hypha/adversarial'
 *
 * const rows = await SCENARIOS.fuzz({ full: false })
 * console.info(formatReport(rows))
 * // area  case                         tried  accepted  rejected  untyped  crashes  lost  target  result
 * // ...
 * ```
 */

export { SCENARIOS } from './scenarios.ts'
export { AREAS, TYPED_ERRORS, isTyped, formatReport, rssMiB } from './report.ts'
export type { Area, Row, Scenario, SuiteOptions } from './report.ts'
export { startHub, startPeer, until, percentile, SUITE_STAMP_DIFFICULTY } from './mesh.ts'
export type { Hub, Peer, PeerOptions, Db } from './mesh.ts'
export { Proc, startBootstrap, tempDir, freePort, cleanEnv, BOOTSTRAP_BIN, HYPHA_BIN } from './processes.ts'
export type { BootstrapProc, Line } from './processes.ts'
