/**
 * The Double Ratchet (Signal's specification, revision 4) with
 * XChaCha20-Poly1305 and random nonces. PROTOCOL.md "Ratchet message" gives
 * the bytes.
 *
 * A ratchet message:
 *
 * ```
 * 0x02 | hint (4) | dh (32) | varint pn | varint n | nonce (24) | ciphertext || tag (16)
 * ```
 *
 * `hint` is the first 4 bytes of the recipient's ratchet public key that the
 * sending chain was derived from: it lets the recipient find the session of a
 * message that starts a new chain without the envelope naming the sender.
 * The AEAD associated data is the session's AD followed by the header bytes.
 *
 * Decryption never changes the state unless the message authenticates: every
 * change is computed aside and applied after the AEAD tag checks out.
 *
 * The second half of a DH ratchet step (the new sending chain,
 * `RK, CKs = KDF_RK(RK, DH(DHs, DHr))`) is deferred: a state with `dhr` and no
 * `cks` owes it, and `completeSendingChain` pays it, either in the background
 * right after the message is shown, before the next send, or before the next
 * DH step. The keys are exactly the specification's; only the moment of the
 * computation moves off the path of an incoming message.
 */

import { decode as decodeVarint, encode as encodeVarint, encodingLength } from 'uint8-varint'
import { DecryptionError, DuplicateMessageError, MalformedMessageError, UnknownSessionError, UnsupportedVersionError } from '../errors.ts'
import { generateX25519 } from '../identity/keys.ts'
import { MAX_PREVIOUS_CHAINS, NONCE_LENGTH, PUBLIC_KEY_LENGTH, RATCHET_HINT_LENGTH, TAG_LENGTH } from '../protocol/constants.ts'
import { concat, constantTimeEqual, hex, wipe } from '../utils/bytes.ts'
import { open, seal } from './aead.ts'
import { advance, checkJump, checkPlaintext, openWithSkipped, runChain, storeSkipped } from './chain.ts'
import { kdfChain, kdfRoot } from './kdf.ts'
import { curves } from './primitives/index.ts'
import type { RandomSource } from './random.ts'
import type { KeyPair } from '../identity/keys.ts'

export const RATCHET_MESSAGE_TYPE = 0x02

export interface RatchetState {
  /** Associated data bound into every message: initiator IK || responder IK */
  ad: Uint8Array
  rootKey: Uint8Array
  /** Our current ratchet key pair */
  dhs: KeyPair
  /** Their current ratchet public key (absent until the first message arrives) */
  dhr?: Uint8Array
  /** Sending chain key and count; absent while the sending half of a DH step is owed (see completeSendingChain) */
  cks?: Uint8Array
  ns: number
  /** Receiving chain key and count */
  ckr?: Uint8Array
  nr: number
  /** Messages in our previous sending chain */
  pn: number
  /** Skipped message keys, `hex(dh):n` -> key, oldest first; at most MAX_SKIPPED_MESSAGE_KEYS */
  skipped: Map<string, Uint8Array>
  /** Remote ratchet keys of finished receiving chains (hex), newest last */
  previous: string[]
}

export interface RatchetHeader {
  hint: Uint8Array
  dh: Uint8Array
  pn: number
  n: number
  /** The header bytes as received: part of the associated data */
  bytes: Uint8Array
}

/** The responder's state before the first message: its signed prekey is its first ratchet key */
export function responderState (sharedKey: Uint8Array, ad: Uint8Array, signedPrekey: KeyPair): RatchetState {
  return { ad, rootKey: sharedKey, dhs: signedPrekey, ns: 0, nr: 0, pn: 0, skipped: new Map(), previous: [] }
}

/** The initiator's state: a fresh ratchet key, the first sending chain toward the responder's signed prekey */
export async function initiatorState (sharedKey: Uint8Array, ad: Uint8Array, remoteSignedPrekey: Uint8Array, random: RandomSource): Promise<RatchetState> {
  const dhs = await generateX25519(random)
  const { rootKey, chainKey } = kdfRoot(sharedKey, await (await curves()).x25519(dhs.secretKey, remoteSignedPrekey))
  return { ad, rootKey, dhs, dhr: remoteSignedPrekey, cks: chainKey, ns: 0, nr: 0, pn: 0, skipped: new Map(), previous: [] }
}

export function encodeHeader (hint: Uint8Array, dh: Uint8Array, pn: number, n: number): Uint8Array {
  const out = new Uint8Array(1 + RATCHET_HINT_LENGTH + PUBLIC_KEY_LENGTH + encodingLength(pn) + encodingLength(n))
  out[0] = RATCHET_MESSAGE_TYPE
  out.set(hint.subarray(0, RATCHET_HINT_LENGTH), 1)
  out.set(dh, 1 + RATCHET_HINT_LENGTH)
  let offset = 1 + RATCHET_HINT_LENGTH + PUBLIC_KEY_LENGTH
  encodeVarint(pn, out, offset)
  offset += encodingLength(pn)
  encodeVarint(n, out, offset)
  return out
}

function readCounter (bytes: Uint8Array, offset: number, what: string): number {
  let value: number
  try {
    value = decodeVarint(bytes, offset)
  } catch {
    throw new MalformedMessageError(`ratchet message ${what} is not a varint`)
  }
  // a canonical varint of at most 5 bytes and 32 bits: one encoding per value
  if (!Number.isSafeInteger(value) || value > 0xffffffff || encodingLength(value) + offset > bytes.length) {
    throw new MalformedMessageError(`ratchet message ${what} out of range`)
  }
  return value
}

/** Splits a ratchet message into header and sealed body; MalformedMessageError if it cannot be one */
export function parseRatchetMessage (bytes: Uint8Array): { header: RatchetHeader, body: Uint8Array } {
  if (bytes.length < 1 || bytes[0] !== RATCHET_MESSAGE_TYPE) {
    throw new UnsupportedVersionError(`not a ratchet message (type ${bytes[0]})`)
  }
  let offset = 1 + RATCHET_HINT_LENGTH + PUBLIC_KEY_LENGTH
  if (bytes.length < offset + 2 + NONCE_LENGTH + TAG_LENGTH) {
    throw new MalformedMessageError(`ratchet message too short: length=${bytes.length}`)
  }
  const hint = bytes.subarray(1, 1 + RATCHET_HINT_LENGTH)
  const dh = bytes.subarray(1 + RATCHET_HINT_LENGTH, offset)
  const pn = readCounter(bytes, offset, 'pn')
  offset += encodingLength(pn)
  const n = readCounter(bytes, offset, 'n')
  offset += encodingLength(n)
  if (bytes.length < offset + NONCE_LENGTH + TAG_LENGTH) {
    throw new MalformedMessageError(`ratchet message too short: length=${bytes.length}`)
  }
  return { header: { hint, dh, pn, n, bytes: bytes.subarray(0, offset) }, body: bytes.subarray(offset) }
}

/** True when the state owes the sending half of a DH ratchet step */
export function owesSendingChain (state: RatchetState): boolean {
  return state.dhr != null && state.cks == null
}

/** Computes the deferred sending chain of the last DH ratchet step, if owed (mutates `state`) */
export async function completeSendingChain (state: RatchetState): Promise<void> {
  if (!owesSendingChain(state) || state.dhr == null) { return }
  const dhr = state.dhr
  const shared = await (await curves()).x25519(state.dhs.secretKey, dhr)
  // another call may have completed it while the DH ran
  if (!owesSendingChain(state) || state.dhr !== dhr) { return }
  const sending = kdfRoot(state.rootKey, shared)
  wipe(shared)
  state.rootKey = sending.rootKey
  state.cks = sending.chainKey
}

/** Encrypts one message on the sending chain (mutates `state`); call completeSendingChain first */
export function ratchetEncrypt (state: RatchetState, plaintext: Uint8Array, random: RandomSource): Uint8Array {
  checkPlaintext(plaintext)
  if (state.dhr == null) {
    throw new UnknownSessionError('this session cannot send before it has received a message')
  }
  if (state.cks == null) {
    throw new UnknownSessionError('the sending chain of the last DH ratchet step is not computed yet: call completeSendingChain')
  }
  const { chainKey, messageKey } = kdfChain(state.cks)
  const header = encodeHeader(state.dhr, state.dhs.publicKey, state.pn, state.ns)
  state.cks = chainKey
  state.ns++
  const body = seal(messageKey, plaintext, concat([state.ad, header]), random)
  wipe(messageKey)
  return concat([header, body])
}

/** Would this session's keys decrypt `header`? (a cheap check by key bytes, no crypto) */
export function recognizes (state: RatchetState, header: RatchetHeader): boolean {
  if (state.dhr != null && constantTimeEqual(header.dh, state.dhr)) { return true }
  const dh = hex(header.dh)
  if (state.skipped.has(`${dh}:${header.n}`) || state.previous.includes(dh)) { return true }
  return constantTimeEqual(header.hint, state.dhs.publicKey.subarray(0, RATCHET_HINT_LENGTH))
}

/**
 * Decrypts a ratchet message. On any failure the state is unchanged and the
 * error is typed: DecryptionError (altered bytes, wrong session),
 * DuplicateMessageError (replay), TooManySkippedMessagesError.
 */
export async function ratchetDecrypt (state: RatchetState, message: Uint8Array, random: RandomSource): Promise<Uint8Array> {
  const { header, body } = parseRatchetMessage(message)
  const ad = concat([state.ad, header.bytes])
  const dh = hex(header.dh)

  const skipped = openWithSkipped(state.skipped, `${dh}:${header.n}`, body, ad)
  if (skipped != null) {
    return skipped
  }

  if (state.dhr != null && constantTimeEqual(header.dh, state.dhr)) {
    if (header.n < state.nr || state.ckr == null) {
      throw new DuplicateMessageError(`message ${header.n} of this chain was already received (or its key expired)`)
    }
    const run = runChain(state.ckr, dh, state.nr, header.n)
    const plaintext = open(run.messageKey, body, ad)
    wipe(run.messageKey)
    state.ckr = run.chainKey
    state.nr = header.n + 1
    storeSkipped(state.skipped, run.skipped)
    return plaintext
  }

  if (state.previous.includes(dh)) {
    throw new DuplicateMessageError('message of a finished chain was already received (or its key expired)')
  }

  // a new chain from the peer: DH ratchet step, computed aside (after the sending half of the previous one)
  await completeSendingChain(state)
  const tail = state.dhr != null && state.ckr != null && header.pn > state.nr
    ? advance(state.ckr, hex(state.dhr), state.nr, header.pn, 'the end of the previous chain').skipped
    : []
  checkJump(0, header.n, `message ${header.n}`)
  const x = await curves()
  // the new ratchet key is made while the first DH runs: both are independent
  const [dhOld, dhs] = await Promise.all([x.x25519(state.dhs.secretKey, header.dh), generateX25519(random)])
  const receiving = kdfRoot(state.rootKey, dhOld)
  const run = runChain(receiving.chainKey, dh, 0, header.n)
  let plaintext: Uint8Array
  try {
    plaintext = open(run.messageKey, body, ad)
  } catch (err) {
    wipe(dhs.secretKey)
    if (err instanceof DecryptionError) { throw new DecryptionError('message does not authenticate in this session') }
    throw err
  }
  wipe(run.messageKey, dhOld)

  // commit; the sending chain is owed (completeSendingChain)
  if (state.dhr != null) {
    state.previous.push(hex(state.dhr))
    if (state.previous.length > MAX_PREVIOUS_CHAINS) { state.previous.shift() }
  }
  storeSkipped(state.skipped, tail)
  storeSkipped(state.skipped, run.skipped)
  state.pn = state.ns
  state.ns = 0
  state.dhr = Uint8Array.from(header.dh)
  state.ckr = run.chainKey
  state.nr = header.n + 1
  wipe(state.dhs.secretKey)
  state.dhs = dhs
  state.rootKey = receiving.rootKey
  state.cks = undefined
  return plaintext
}
