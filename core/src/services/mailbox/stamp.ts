/**
 * Deposit stamps: a small proof of work that makes each deposit cost the
 * sender some CPU, so a mailbox node cannot be filled for free.
 *
 * `stamp = { day, nonce }` is valid for a deposit of `envelope` to `tag` at
 * `difficulty` when `SHA-256(utf8("hypha-stamp/1") || tag || SHA-256(envelope)
 * || u32be(day) || nonce)` starts with at least `difficulty` zero bits and
 * `day` (days since 1970-01-01 UTC) is today or yesterday on the mailbox
 * node's clock. The tag is inside so one stamp does not pay for a flood of
 * inboxes; the mailbox node is not, so one stamp serves every mailbox of the
 * recipient.
 */

import { sha256 } from '@noble/hashes/sha2.js'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { InvalidStampError } from '../../errors.ts'
import { MAX_STAMP_DIFFICULTY, MAX_STAMP_NONCE_BYTES } from '../../protocol/constants.ts'
import { concat, uint32be } from '../../utils/bytes.ts'
import { DAY_MS, HASH_LENGTH, INBOX_TAG_LENGTH, STAMP_CONTEXT } from './constants.ts'
import type { AbortOptions } from '@libp2p/interface'

export interface Stamp {
  /** Days since 1970-01-01 UTC */
  day: number
  /** At most MAX_STAMP_NONCE_BYTES */
  nonce: Uint8Array
}

/**
 * Nonces minted here are 8 bytes: the preimage is then 89 bytes, so the
 * first 64-byte block is hashed once and each attempt costs one SHA-256
 * compression of the second block.
 */
const MINT_NONCE_BYTES = 8

/** The minting loop yields to the event loop (and checks its abort signal) after this many attempts (~15 ms) */
const MINT_ATTEMPTS_PER_SLICE = 1 << 15

const STAMP_PREFIX = uint8ArrayFromString(STAMP_CONTEXT)

/** Days since 1970-01-01 UTC at `ms` */
export function utcDay (ms: number = Date.now()): number {
  return Math.floor(ms / DAY_MS)
}

function checkBytes (value: Uint8Array, length: number): void {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new TypeError(`expected Uint8Array of length ${length}, got length=${(value as Uint8Array | undefined)?.length}`)
  }
}

function checkDay (day: number): void {
  if (!Number.isSafeInteger(day) || day < 0 || day > 0xffffffff) {
    throw new RangeError(`expected the stamp day to be an unsigned 32-bit integer, got ${day}`)
  }
}

function checkDifficulty (difficulty: number, max: number): void {
  if (!Number.isSafeInteger(difficulty) || difficulty < 0 || difficulty > max) {
    throw new RangeError(`expected a difficulty from 0 to ${max} bits, got ${difficulty}`)
  }
}

/** Leading zero bits of `bytes` */
export function leadingZeroBits (bytes: Uint8Array): number {
  let bits = 0
  for (const byte of bytes) {
    if (byte === 0) {
      bits += 8
      continue
    }
    return bits + Math.clz32(byte) - 24
  }
  return bits
}

function stampPrefix (tag: Uint8Array, envelopeHash: Uint8Array, day: number): Uint8Array {
  return concat([STAMP_PREFIX, tag, envelopeHash, uint32be(day)])
}

/** Leading zero bits of a stamp's hash: what a mailbox node compares with its difficulty */
export function stampBits (tag: Uint8Array, envelopeHash: Uint8Array, stamp: Stamp): number {
  checkBytes(tag, INBOX_TAG_LENGTH)
  checkBytes(envelopeHash, HASH_LENGTH)
  checkDay(stamp.day)
  return leadingZeroBits(sha256(concat([stampPrefix(tag, envelopeHash, stamp.day), stamp.nonce])))
}

/**
 * Check a deposit's stamp as a mailbox node does.
 *
 * @param tag - the inbox tag deposited to
 * @param envelopeHash - SHA-256 of the envelope
 * @param stamp - the deposit's stamp
 * @param difficulty - leading zero bits required
 * @param now - the mailbox node's clock, ms since the epoch
 * @throws {InvalidStampError} when the nonce is too long, the day is neither today nor yesterday (UTC), or the hash has fewer than `difficulty` leading zero bits
 */
export function checkStamp (tag: Uint8Array, envelopeHash: Uint8Array, stamp: Stamp, difficulty: number, now: number = Date.now()): void {
  checkDifficulty(difficulty, 256)
  if (!(stamp.nonce instanceof Uint8Array) || stamp.nonce.length > MAX_STAMP_NONCE_BYTES) {
    throw new InvalidStampError(`stamp nonce is ${stamp.nonce?.length} bytes, at most ${MAX_STAMP_NONCE_BYTES} accepted`)
  }
  const today = utcDay(now)
  if (!Number.isSafeInteger(stamp.day) || (stamp.day !== today && stamp.day !== today - 1)) {
    throw new InvalidStampError(`stamp day ${stamp.day} is stale: the mailbox accepts day ${today - 1} or ${today}`)
  }
  const bits = stampBits(tag, envelopeHash, stamp)
  if (bits < difficulty) {
    throw new InvalidStampError(`stamp has ${bits} leading zero bits, the mailbox requires ${difficulty}`)
  }
}

/**
 * Find a stamp for a deposit of the envelope hashed `envelopeHash` to `tag`.
 * Takes 2^difficulty SHA-256 compressions on average (about 50 ms at
 * MAILBOX_STAMP_DIFFICULTY in Node on a 2-core machine), yielding to the
 * event loop between slices so it can be aborted.
 *
 * @param tag - the inbox tag deposited to
 * @param envelopeHash - SHA-256 of the envelope
 * @param difficulty - leading zero bits wanted, at most MAX_STAMP_DIFFICULTY
 * @param day - days since 1970-01-01 UTC; today by default
 * @param options - an abort signal
 * @throws {RangeError} when `difficulty` is over MAX_STAMP_DIFFICULTY
 */
export async function mintStamp (tag: Uint8Array, envelopeHash: Uint8Array, difficulty: number, day: number = utcDay(), options: AbortOptions = {}): Promise<Stamp> {
  checkBytes(tag, INBOX_TAG_LENGTH)
  checkBytes(envelopeHash, HASH_LENGTH)
  checkDifficulty(difficulty, MAX_STAMP_DIFFICULTY)
  checkDay(day)
  options.signal?.throwIfAborted()

  // hash the fixed prefix once; each attempt copies that state and adds the nonce
  const base = sha256.create().update(stampPrefix(tag, envelopeHash, day))
  const attempt = sha256.create()
  const digest = new Uint8Array(32)
  const nonce = new Uint8Array(MINT_NONCE_BYTES)
  const view = new DataView(nonce.buffer)

  // a 2^64 search space: the high word only moves after 2^32 attempts
  for (let high = 0; high <= 0xffffffff; high++) {
    view.setUint32(0, high)
    for (let low = 0; low <= 0xffffffff; low++) {
      view.setUint32(4, low)
      base._cloneInto(attempt)
      attempt.update(nonce).digestInto(digest)
      if (leadingZeroBits(digest) >= difficulty) {
        return { day, nonce: Uint8Array.from(nonce) }
      }
      if ((low + 1) % MINT_ATTEMPTS_PER_SLICE === 0) {
        await new Promise(resolve => setTimeout(resolve, 0))
        options.signal?.throwIfAborted()
      }
    }
  }
  /* c8 ignore next */
  throw new InvalidStampError(`no stamp of ${difficulty} bits in 2^64 attempts`)
}
