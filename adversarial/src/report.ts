/**
 * What every scenario reports: one row per thing tried, counted, with the
 * issue's target and whether it was met. `formatReport` prints them as one
 * table.
 */

import * as core from '@hypha/core'

/** The suite's parts, in the order they run */
export const AREAS = ['fuzz', 'replay', 'tamper', 'flood', 'crash', 'sybil'] as const
export type Area = typeof AREAS[number]

/** How big a run is: `full` for `npm run test:adversarial`, otherwise the scaled-down run inside `npm test` */
export interface SuiteOptions {
  full: boolean
  /** Progress lines (stderr in the runner); never keys or plaintext */
  progress?(line: string): void
}

export interface Row {
  area: Area
  /** What was tried, e.g. "mailbox handler, random frames" */
  name: string
  /** Cases run (inputs sent, envelopes replayed, messages sent) */
  tried: number
  /**
   * Invalid inputs that were accepted (target 0), or, for rows about honest
   * traffic, honest messages delivered
   */
  accepted: number
  /** Inputs refused with a typed error (a named Hypha error class) */
  rejected: number
  /** Inputs refused with anything else (a defect: every refusal must be typed) */
  untyped: number
  /** Unhandled exceptions, dead processes, or a node that stopped serving */
  crashes: number
  /** Honest messages lost (target 0 unless the row says otherwise) */
  lost: number
  /** Measurements: latency under attack, RSS before/during/after, score, disk use */
  detail?: string
  /** The issue's target for this row, in words */
  target: string
  met: boolean
}

/** A part of the suite */
export type Scenario = (options: SuiteOptions) => Promise<Row[]>

/** The names of the error classes `@hypha/core` exports: a refusal with one of these is "typed" */
export const TYPED_ERRORS: ReadonlySet<string> = new Set(
  Object.values(core)
    .filter((value): value is new (...args: any[]) => Error => typeof value === 'function' && value.prototype instanceof Error)
    .map(value => value.name)
)

/** True for an error of one of core's named error classes */
export function isTyped (err: unknown): boolean {
  return err instanceof Error && TYPED_ERRORS.has(err.name)
}

/** Resident set size of this process, in MiB */
export function rssMiB (): number {
  return process.memoryUsage().rss / (1024 * 1024)
}

function cell (value: string | number, width: number, left = false): string {
  const text = String(value)
  return left ? text.padEnd(width) : text.padStart(width)
}

const COLUMNS: Array<{ title: string, left?: boolean, value(row: Row): string | number }> = [
  { title: 'area', left: true, value: row => row.area },
  { title: 'case', left: true, value: row => row.name },
  { title: 'tried', value: row => row.tried },
  { title: 'accepted', value: row => row.accepted },
  { title: 'rejected', value: row => row.rejected },
  { title: 'untyped', value: row => row.untyped },
  { title: 'crashes', value: row => row.crashes },
  { title: 'lost', value: row => row.lost },
  { title: 'target', left: true, value: row => row.target },
  { title: 'result', left: true, value: row => row.met ? 'MET' : 'MISSED' }
]

/** The table, then the measurements of rows that have any, then a summary line */
export function formatReport (rows: Row[], seconds?: number): string {
  const widths = COLUMNS.map(column => Math.max(column.title.length, ...rows.map(row => String(column.value(row)).length)))
  const line = (values: Array<string | number>): string => values.map((value, i) => cell(value, widths[i], COLUMNS[i].left)).join('  ').trimEnd()
  const out = [
    line(COLUMNS.map(column => column.title)),
    line(widths.map(width => '-'.repeat(width))),
    ...rows.map(row => line(COLUMNS.map(column => column.value(row))))
  ]
  const details = rows.filter(row => row.detail != null && row.detail !== '')
  if (details.length > 0) {
    out.push('', 'measurements:')
    for (const row of details) { out.push(`  ${row.area} / ${row.name}: ${row.detail}`) }
  }
  const missed = rows.filter(row => !row.met).length
  const sum = (key: 'tried' | 'crashes' | 'untyped' | 'lost'): number => rows.reduce((total, row) => total + row[key], 0)
  out.push('', `${rows.length} rows, ${sum('tried')} cases, ${sum('crashes')} crashes, ${sum('untyped')} untyped refusals, ${sum('lost')} honest messages lost; ` +
    `${missed === 0 ? 'every target MET' : `${missed} target(s) MISSED`}${seconds == null ? '' : ` (${seconds.toFixed(0)} s)`}`)
  return out.join('\n')
}
