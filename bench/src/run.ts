/* eslint-disable no-console */
/**
 * `npm run bench`: every benchmark, printed side by side with its baseline.
 */

import { cryptoBench, formatCryptoReport } from './crypto.ts'
import { formatMeshRows, meshBench } from './mesh.ts'

const iterations = process.env.HYPHA_BENCH_ITERATIONS == null ? undefined : Number(process.env.HYPHA_BENCH_ITERATIONS)
console.log(formatCryptoReport(await cryptoBench({ iterations })))
console.log('')
const perPeer = process.env.HYPHA_BENCH_MESH_MESSAGES == null ? 100 : Number(process.env.HYPHA_BENCH_MESH_MESSAGES)
console.log(formatMeshRows([await meshBench(2, perPeer), await meshBench(10, perPeer)]))
