/**
 * Loads the Wycheproof vectors (C2SP/wycheproof `testvectors_v1/`) from
 * `../shared/vectors/wycheproof/` beside the repository checkout. Node only
 * (node:fs): imported by the `*.node.ts` tests.
 */

import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fromString } from 'uint8arrays/from-string'
import { toString } from 'uint8arrays/to-string'

export type WycheproofResult = 'valid' | 'invalid' | 'acceptable'

export interface WycheproofTest {
  tcId: number
  comment?: string
  flags?: string[]
  result: WycheproofResult
}

export interface WycheproofGroup<Test extends WycheproofTest> {
  type: string
  tests: Test[]
}

export interface WycheproofFile<Group extends WycheproofGroup<WycheproofTest>> {
  algorithm: string
  schema: string
  numberOfTests: number
  testGroups: Group[]
}

// test/crypto when mocha runs the TypeScript sources, dist/test/crypto after a build
const candidates = [
  join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'vectors', 'wycheproof'),
  join(import.meta.dirname, '..', '..', '..', '..', '..', 'shared', 'vectors', 'wycheproof')
]

export const WYCHEPROOF_DIR = candidates.find(dir => existsSync(join(dir, 'README.md'))) ?? candidates[0]

export function loadVectors <Group extends WycheproofGroup<WycheproofTest>> (file: string): WycheproofFile<Group> {
  const path = join(WYCHEPROOF_DIR, file)
  if (!existsSync(path)) {
    throw new Error(`Wycheproof vectors not found at ${path} (expected ../shared/vectors/wycheproof beside the checkout)`)
  }
  const parsed: WycheproofFile<Group> = JSON.parse(readFileSync(path, 'utf8'))
  const count = parsed.testGroups.reduce((n, group) => n + group.tests.length, 0)
  if (count !== parsed.numberOfTests) {
    throw new Error(`${file}: numberOfTests says ${parsed.numberOfTests}, the groups hold ${count}`)
  }
  return parsed
}

export function hex (value: string): Uint8Array {
  return fromString(value, 'base16')
}

export function toHex (bytes: Uint8Array): string {
  return toString(bytes, 'base16')
}

/** Mocha title of one vector: `tcId 12 valid [Ktv] comment` */
export function title (test: WycheproofTest): string {
  const flags = test.flags != null && test.flags.length > 0 ? ` [${test.flags.join(', ')}]` : ''
  const comment = test.comment != null && test.comment !== '' ? ` ${test.comment}` : ''
  return `tcId ${test.tcId} ${test.result}${flags}${comment}`
}

/** Counts of vectors that passed, by result (valid, invalid, acceptable) and by a free-form outcome */
export class Tally {
  readonly passed: Record<WycheproofResult, number> = { valid: 0, invalid: 0, acceptable: 0 }
  readonly outcomes = new Map<string, number>()

  pass (test: WycheproofTest): void {
    this.passed[test.result]++
  }

  record (outcome: string): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1)
  }

  total (): number {
    return this.passed.valid + this.passed.invalid + this.passed.acceptable
  }

  toString (): string {
    const outcomes = [...this.outcomes].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `\n      ${k}: ${v}`).join('')
    return `valid ${this.passed.valid}, invalid ${this.passed.invalid}, acceptable ${this.passed.acceptable}${outcomes}`
  }
}
