/**
 * Symmetric-key chains shared by the Double Ratchet and sender keys: stepping
 * a chain forward within MAX_FORWARD_JUMP and keeping at most
 * MAX_SKIPPED_MESSAGE_KEYS skipped keys (Signal's bounds).
 */

import { MessageTooLargeError, RateLimitedError, TooManySkippedMessagesError } from '../errors.ts'
import { CHAIN_STEP_BURST, CHAIN_STEP_FREE, CHAIN_STEP_RATE, MAX_FORWARD_JUMP, MAX_PLAINTEXT_BYTES, MAX_SKIPPED_MESSAGE_KEYS } from '../protocol/constants.ts'
import { TokenBuckets } from '../services/mailbox/rate-limit.ts'
import { wipe } from '../utils/bytes.ts'
import { open } from './aead.ts'
import { kdfChain } from './kdf.ts'

/** Refuses a plaintext that would not fit MAX_ENVELOPE_BYTES once encrypted */
export function checkPlaintext (plaintext: Uint8Array): void {
  if (plaintext.length > MAX_PLAINTEXT_BYTES) {
    throw new MessageTooLargeError(`plaintext of ${plaintext.length} bytes is over the ${MAX_PLAINTEXT_BYTES}-byte limit`)
  }
}

export function checkJump (from: number, to: number, what: string): void {
  if (to - from > MAX_FORWARD_JUMP) {
    throw new TooManySkippedMessagesError(`${what} would skip ${to - from} keys, more than ${MAX_FORWARD_JUMP}`)
  }
}

/**
 * The device's budget of chain steps skipped for messages not yet
 * authenticated (CHAIN_STEP_BURST, CHAIN_STEP_RATE): one per process, since
 * what it bounds is the device's CPU, whichever session a forgery names
 */
const stepBudget = new TokenBuckets({ burst: CHAIN_STEP_BURST, interval: 1000 / CHAIN_STEP_RATE, maxBuckets: 1 })

/** Refills the budget of skipped chain steps: tests that skip on purpose start from a full one */
export function refillStepBudget (): void {
  stepBudget.clear()
}

/**
 * Advances a chain from message `from` to message `to`, returning the chain
 * key for `to` and the keys of the messages in between (only the newest
 * MAX_SKIPPED_MESSAGE_KEYS: older ones could not be kept anyway).
 */
export function advance (chainKey: Uint8Array, dh: string, from: number, to: number, what: string): { chainKey: Uint8Array, skipped: Array<[string, Uint8Array]> } {
  checkJump(from, to, what)
  if (to - from > CHAIN_STEP_FREE && !stepBudget.take('device', Date.now(), to - from - CHAIN_STEP_FREE)) {
    throw new RateLimitedError(`${what} would skip ${to - from} keys: over this device's budget of skipped chain steps (${CHAIN_STEP_RATE} a second), try later`)
  }
  const skipped: Array<[string, Uint8Array]> = []
  let ck = chainKey
  for (let i = from; i < to; i++) {
    const step = kdfChain(ck)
    if (to - i <= MAX_SKIPPED_MESSAGE_KEYS) { skipped.push([`${dh}:${i}`, step.messageKey]) }
    ck = step.chainKey
  }
  return { chainKey: ck, skipped }
}

/** `advance` to message `n`, then the key of message `n` itself */
export function runChain (chainKey: Uint8Array, dh: string, from: number, n: number): { chainKey: Uint8Array, messageKey: Uint8Array, skipped: Array<[string, Uint8Array]> } {
  const run = advance(chainKey, dh, from, n, `message ${n}`)
  const last = kdfChain(run.chainKey)
  return { chainKey: last.chainKey, messageKey: last.messageKey, skipped: run.skipped }
}

/** Adds skipped keys, evicting the oldest beyond MAX_SKIPPED_MESSAGE_KEYS */
export function storeSkipped (skipped: Map<string, Uint8Array>, entries: Array<[string, Uint8Array]>): void {
  for (const [k, v] of entries) { skipped.set(k, v) }
  while (skipped.size > MAX_SKIPPED_MESSAGE_KEYS) {
    const oldest = skipped.keys().next().value as string
    wipe(skipped.get(oldest))
    skipped.delete(oldest)
  }
}

/**
 * Opens a message with its stored skipped key, which is then deleted (one
 * use only); undefined when no key is stored under `id`. A failed open
 * throws DecryptionError and keeps the key.
 */
export function openWithSkipped (skipped: Map<string, Uint8Array>, id: string, body: Uint8Array, associatedData: Uint8Array): Uint8Array | undefined {
  const stored = skipped.get(id)
  if (stored == null) {
    return undefined
  }
  const plaintext = open(stored, body, associatedData)
  skipped.delete(id)
  wipe(stored)
  return plaintext
}
