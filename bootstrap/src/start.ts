/**
 * `npm start`: the root script builds every package, then runs this.
 */
import { bootstrapStatus, formatStatus } from './status.ts'

// eslint-disable-next-line no-console
console.log(formatStatus(bootstrapStatus()))
