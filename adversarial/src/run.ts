/* eslint-disable no-console */
/**
 * `npm run test:adversarial` (repository root): the full suite against real
 * nodes on 127.0.0.1, printed as one table. `HYPHA_ADVERSARIAL_ONLY=fuzz,flood`
 * runs some areas; `HYPHA_ADVERSARIAL_SCALE=ci` runs the scaled-down sizes
 * of `npm test`. Exits 1 when a target is missed.
 */

import { AREAS, formatReport } from './report.ts'
import { SCENARIOS } from './scenarios.ts'
import type { Row } from './report.ts'

const only = process.env.HYPHA_ADVERSARIAL_ONLY?.split(',').map(s => s.trim()).filter(s => s !== '')
const full = process.env.HYPHA_ADVERSARIAL_SCALE !== 'ci'
const started = performance.now()
const rows: Row[] = []

for (const area of AREAS) {
  if (only != null && only.length > 0 && !only.includes(area)) { continue }
  const t0 = performance.now()
  console.error(`[${area}] starting`)
  try {
    rows.push(...await SCENARIOS[area]({ full, progress: line => { console.error(`[${area}] ${line}`) } }))
  } catch (err: any) {
    rows.push({ area, name: `${area} run failed: ${String(err.message ?? err).slice(0, 120)}`, tried: 0, accepted: 0, rejected: 0, untyped: 0, crashes: 1, lost: 0, target: 'runs to its end', met: false })
  }
  console.error(`[${area}] done in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
}

console.log(formatReport(rows, (performance.now() - started) / 1000))
if (rows.some(row => !row.met)) { process.exitCode = 1 }
// libp2p timers of stopped nodes must not keep the suite alive
setTimeout(() => process.exit(), 1000).unref()
