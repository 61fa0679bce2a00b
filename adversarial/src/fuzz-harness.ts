/**
 * The fuzzer's bookkeeping: one target is a decoder or handler with the
 * action a node would take on its bytes; the harness feeds it random bytes or
 * mutations of valid messages (fast-check), and counts what happened:
 *
 * accepted (the node acted on an invalid input: a finding); equivalent (it
 * acted on a mutation whose decoded meaning is the original's, a
 * non-canonical re-encoding of the same fields: valid); by design (it acted
 * on a mutation of a field the protocol leaves unauthenticated on purpose,
 * the row's detail says which); ignored (the node dropped it without error,
 * as it does with input not addressed to it, an unknown group hint say);
 * rejected (refused with a typed error, `isTyped`); untyped (refused with
 * anything else, TypeError, RangeError, a protons error: a finding);
 * crashes (a case that hung, or an unhandled rejection or uncaught exception
 * while the target ran).
 */

import fc from 'fast-check'
import { applyMutation, mutationArbitrary, sameBytes } from './fuzz-mutate.ts'
import { isTyped } from './report.ts'
import type { MutationOptions } from './fuzz-mutate.ts'
import type { Row } from './report.ts'

/** What a node does with an input it does not refuse */
export type Action =
  /** it acts on the input (decrypts it, stores it, applies it) */
  | { acted: true }
  /** it drops the input without error: not addressed to it */
  | { acted: false, why: string }

export const ACTED: Action = { acted: true }

export interface Target {
  name: string
  /** Valid messages made with the shipped code; every one is accepted by `accept` (see `control`) */
  pool: Uint8Array[]
  /** Mutation settings: where the protobuf starts in the pool's messages */
  mutation: MutationOptions
  /** Prefixes random bytes sometimes start with (a type byte, a magic), so they get past the first check */
  prefixes: Uint8Array[]
  /** The size limit of the input: random inputs just over it are tried */
  maxBytes: number
  /**
   * What a node would do with `bytes`: resolves with the action, throws the
   * refusal. May change the target's state only when it acts.
   */
  accept(bytes: Uint8Array): Promise<Action>
  /**
   * The decoded meaning of `bytes` (undefined when they do not decode): a
   * mutation with the meaning of its original is a re-encoding, not an
   * invalid input
   */
  meaning?(bytes: Uint8Array): string | undefined | Promise<string | undefined>
  /** What "the same meaning" is for this target, for the row's detail (default: the same decoded fields) */
  sameMeaning?: string
  /** Why a mutation the node acted on is valid by design (undefined: it is not) */
  byDesign?(bytes: Uint8Array, original: Uint8Array): string | undefined
  /** After the node acted on a mutation: put the state back so the originals still count as fresh */
  reset?(): Promise<void>
  /** Mutations that would cost too much to run (the backup's KDF past its budget): drawn again */
  skip?(bytes: Uint8Array): boolean
  /** ms after which a case counts as hung (default CASE_TIMEOUT) */
  timeout?: number
  /** Counts of what the target saw besides the verdict (e.g. inputs that passed the gossip check) */
  notes?: Map<string, number>
}

export interface Tally {
  tried: number
  accepted: number
  equivalent: number
  byDesign: number
  ignored: number
  rejected: number
  untyped: number
  crashes: number
  /** Refusals by error name */
  errors: Map<string, number>
  /** A few findings, for the detail: error names and messages, never input bytes (they may hold keys) */
  findings: string[]
  /** Reasons for by-design acceptances */
  designs: Map<string, number>
  /** Reasons inputs were ignored */
  ignores: Map<string, number>
  /** The slowest case, in ms (what one bad input can cost a node) */
  slowest: number
}

export function newTally (): Tally {
  return { tried: 0, accepted: 0, equivalent: 0, byDesign: 0, ignored: 0, rejected: 0, untyped: 0, crashes: 0, errors: new Map(), findings: [], designs: new Map(), ignores: new Map(), slowest: 0 }
}

function bump (map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by)
}

const MAX_FINDINGS = 5

function finding (tally: Tally, text: string): void {
  if (tally.findings.length < MAX_FINDINGS) { tally.findings.push(text) }
}

/** A case that does not settle in this long is counted as a crash (a hung handler) */
export const CASE_TIMEOUT = 20_000

async function withTimeout<T> (promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((resolve, reject) => {
    timer = setTimeout(() => { reject(new HungError(`no answer in ${ms} ms`)) }, ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** A case that never settled: counted as a crash */
export class HungError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'HungError'
  }
}

/** Counts a refusal */
export function countError (tally: Tally, err: any, where: string): void {
  if (err instanceof HungError) {
    tally.crashes++
    finding(tally, `${where}: hung (${err.message})`)
    return
  }
  if (isTyped(err)) {
    tally.rejected++
    bump(tally.errors, err.name)
    return
  }
  tally.untyped++
  const name = err?.name ?? typeof err
  bump(tally.errors, `untyped ${name}`)
  finding(tally, `${where}: untyped ${name}: ${String(err?.message ?? err).slice(0, 160)}`)
}

const meanings = new WeakMap<Target, Array<string | undefined>>()

/** The meanings of the valid messages: a mutation that means what one of them means is a re-encoding of it */
async function poolMeanings (target: Target): Promise<Array<string | undefined>> {
  let known = meanings.get(target)
  if (known == null) {
    known = await Promise.all(target.pool.map(async bytes => target.meaning?.(bytes)))
    meanings.set(target, known)
  }
  return known
}

/**
 * Runs one input through the target and counts it. `original` is the valid
 * message a mutation came from (undefined for random bytes).
 */
export async function runCase (target: Target, tally: Tally, bytes: Uint8Array, original?: Uint8Array): Promise<void> {
  tally.tried++
  let action: Action
  const started = performance.now()
  try {
    action = await withTimeout(target.accept(bytes), target.timeout ?? CASE_TIMEOUT)
  } catch (err: any) {
    countError(tally, err, target.name)
    return
  } finally {
    tally.slowest = Math.max(tally.slowest, performance.now() - started)
  }
  if (!action.acted) {
    tally.ignored++
    bump(tally.ignores, action.why)
    return
  }
  if (original != null) {
    const after = await target.meaning?.(bytes)
    const design = target.byDesign?.(bytes, original)
    if (after != null && (await poolMeanings(target)).includes(after)) {
      tally.equivalent++
    } else if (design != null) {
      tally.byDesign++
      bump(tally.designs, design)
    } else {
      tally.accepted++
      finding(tally, `${target.name}: acted on a mutation of ${bytes.length} bytes whose meaning differs from the original`)
    }
  } else {
    tally.accepted++
    finding(tally, `${target.name}: acted on ${bytes.length} random bytes`)
  }
  await target.reset?.()
}

/** Random inputs: plain random bytes of many lengths, random bytes behind a valid prefix, empty, just over the limit */
export function randomArbitrary (target: Pick<Target, 'prefixes' | 'maxBytes'>): fc.Arbitrary<Uint8Array> {
  // size 'max': fast-check's default size keeps arrays to a few bytes whatever maxLength says
  const tiny = fc.uint8Array({ minLength: 0, maxLength: 16 })
  const plain = fc.uint8Array({ minLength: 0, maxLength: 512, size: 'max' })
  const longer = fc.uint8Array({ minLength: 512, maxLength: 4096, size: 'max' })
  const prefixed = fc.tuple(fc.constantFrom(...(target.prefixes.length > 0 ? target.prefixes : [new Uint8Array(0)])), fc.uint8Array({ minLength: 0, maxLength: 2048, size: 'max' }))
    .map(([prefix, rest]) => concat(prefix, rest))
  const oversized = fc.tuple(fc.constantFrom(...(target.prefixes.length > 0 ? target.prefixes : [new Uint8Array(0)])), fc.integer({ min: 1, max: 4096 }), fc.nat({ max: 255 }))
    .map(([prefix, over, fill]) => {
      const out = new Uint8Array(target.maxBytes + over).fill(fill)
      out.set(prefix)
      return out
    })
  return fc.oneof(
    { weight: 10, arbitrary: tiny },
    { weight: 30, arbitrary: plain },
    { weight: 8, arbitrary: longer },
    { weight: 40, arbitrary: prefixed },
    { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
    { weight: 1, arbitrary: oversized }
  )
}

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/** Base seed of a run: HYPHA_FUZZ_SEED reproduces one */
export function baseSeed (): number {
  const fromEnv = Number(process.env.HYPHA_FUZZ_SEED)
  return Number.isSafeInteger(fromEnv) && fromEnv !== 0 ? fromEnv : (Date.now() ^ (Math.random() * 0x7fffffff)) & 0x7fffffff
}

/** Feeds `runs` random inputs to the target (fast-check, from `seed`) */
export async function fuzzRandom (target: Target, runs: number, seed: number, tally = newTally()): Promise<Tally> {
  await fc.assert(fc.asyncProperty(randomArbitrary(target), async bytes => {
    await runCase(target, tally, bytes)
  }), { numRuns: runs, seed, endOnFailure: true })
  return tally
}

/** Feeds `runs` mutations of the target's valid messages (fast-check, from `seed`); identical results are drawn again */
export async function fuzzMutations (target: Target, runs: number, seed: number, tally = newTally()): Promise<Tally> {
  const arbitrary = mutationArbitrary(target.pool.length, target.mutation)
    .map(mutation => ({ mutation, bytes: applyMutation(target.pool, mutation, target.mutation) }))
    .filter(({ bytes }) => !target.pool.some(valid => sameBytes(bytes, valid)) && target.skip?.(bytes) !== true)
  await fc.assert(fc.asyncProperty(arbitrary, async ({ mutation, bytes }) => {
    await runCase(target, tally, bytes, target.pool[mutation.base])
  }), { numRuns: runs, seed, endOnFailure: true, maxSkipsPerRun: 1000 })
  return tally
}

/** The valid originals, each run through a fresh state of the target: all must be acted on, or the harness could not see an acceptance */
export async function controlAccepts (target: Target): Promise<{ accepted: number, of: number, errors: string[] }> {
  let accepted = 0
  const errors: string[] = []
  for (const bytes of target.pool) {
    try {
      const action = await target.accept(bytes)
      if (action.acted) { accepted++ } else { errors.push(`ignored: ${action.why}`) }
    } catch (err: any) {
      errors.push(`${err?.name}: ${String(err?.message).slice(0, 120)}`)
    }
    await target.reset?.()
  }
  return { accepted, of: target.pool.length, errors }
}

/** JSON with sorted keys, bytes as hex and bigints as decimal: decoded fields compared whatever their order on the wire */
export function canonicalJson (value: unknown): string {
  return JSON.stringify(value, function (this: any, key: string, converted: unknown) {
    // the value before toJSON: a Node Buffer would otherwise arrive as { type, data }
    const v = this[key]
    if (v instanceof Uint8Array) { return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') }
    if (typeof v === 'bigint') { return v.toString() }
    if (v != null && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => a.localeCompare(b)))
    }
    return converted
  })
}

function top (map: Map<string, number>, n = 6): string {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${k} ${v}`).join(', ')
}

export const FUZZ_TARGET = '0 crashes, 0 accepted, all typed'

/** The row of one target and kind */
export function tallyRow (name: string, tally: Tally, extra: string[] = [], met = true, sameMeaning = 'same decoded fields'): Row {
  const detail = [
    tally.equivalent > 0 ? `${tally.equivalent} acted on with the original's meaning (${sameMeaning}: valid)` : '',
    tally.byDesign > 0 ? `${tally.byDesign} acted on by design (${top(tally.designs)})` : '',
    tally.ignored > 0 ? `${tally.ignored} ignored without error (${top(tally.ignores, 3)}), counted as rejected` : '',
    tally.errors.size > 0 ? `refusals: ${top(tally.errors)}` : '',
    ...extra,
    tally.slowest > 0 ? `slowest case ${tally.slowest.toFixed(0)} ms` : '',
    tally.findings.length > 0 ? `FINDINGS: ${tally.findings.join(' | ')}` : ''
  ].filter(s => s !== '').join('; ')
  return {
    area: 'fuzz',
    name,
    tried: tally.tried,
    accepted: tally.accepted,
    rejected: tally.rejected + tally.ignored,
    untyped: tally.untyped,
    crashes: tally.crashes,
    lost: 0,
    detail,
    target: FUZZ_TARGET,
    met: met && tally.accepted === 0 && tally.untyped === 0 && tally.crashes === 0
  }
}
