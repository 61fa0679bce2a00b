/* eslint-disable no-console */
/**
 * `npm run bench`: every benchmark, printed side by side with its baseline.
 * `HYPHA_BENCH_ONLY=browser` (or crypto, mesh, groups; comma-separated) runs a part.
 */

import { firstMessageBench, formatFirstMessage, formatInitialJs, formatStartupJs, initialJsBench } from './browser.ts'
import { cryptoBench, formatCryptoReport } from './crypto.ts'
import { formatGroupsReport, groupsBench } from './groups.ts'
import { formatMeshRows, meshBench } from './mesh.ts'

const only = process.env.HYPHA_BENCH_ONLY?.split(',').map(s => s.trim()).filter(s => s !== '')
const runs = (part: string): boolean => only == null || only.length === 0 || only.includes(part)

if (runs('crypto')) {
  const iterations = process.env.HYPHA_BENCH_ITERATIONS == null ? undefined : Number(process.env.HYPHA_BENCH_ITERATIONS)
  console.log(formatCryptoReport(await cryptoBench({ iterations })))
  console.log('')
}

if (runs('mesh')) {
  const perPeer = process.env.HYPHA_BENCH_MESH_MESSAGES == null ? 100 : Number(process.env.HYPHA_BENCH_MESH_MESSAGES)
  console.log(formatMeshRows([await meshBench(2, perPeer), await meshBench(10, perPeer)]))
  console.log('')
}

if (runs('groups')) {
  const sizes = process.env.HYPHA_BENCH_GROUP_SIZES?.split(',').map(Number)
  const sends = process.env.HYPHA_BENCH_GROUP_SENDS == null ? undefined : Number(process.env.HYPHA_BENCH_GROUP_SENDS)
  console.log(formatGroupsReport(await groupsBench({ sizes, sends })))
  console.log('')
}

if (runs('browser')) {
  console.log(formatInitialJs(await initialJsBench()))
  console.log('')
  try {
    const report = await firstMessageBench()
    console.log(formatStartupJs(report))
    console.log('')
    console.log(formatFirstMessage(report))
  } catch (err: any) {
    console.log(formatFirstMessage(`failed: ${err.message}`))
    process.exitCode = 1
  }
}
