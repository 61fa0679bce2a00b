/* eslint-disable no-console */
/**
 * `npm run bench`: every benchmark, printed side by side with its baseline.
 */

import { cryptoBench, formatCryptoReport } from './crypto.ts'

const iterations = process.env.HYPHA_BENCH_ITERATIONS == null ? undefined : Number(process.env.HYPHA_BENCH_ITERATIONS)
console.log(formatCryptoReport(await cryptoBench({ iterations })))
