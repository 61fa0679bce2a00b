/**
 * Sender keys for groups (PROTOCOL.md "Sender keys"): each member has a chain
 * key and an Ed25519 signing key; one encryption reaches every member of a
 * group topic. The distribution message travels over the pairwise 1:1
 * sessions. A sender-key message:
 *
 * ```
 * 0x03 | key id (4, big-endian) | varint iteration | nonce (24) | ciphertext || tag (16) | signature (64)
 * ```
 *
 * The signature (by the member's sender signing key, over the context
 * "hypha/v1/sender-key-message" and every byte before it) is checked before
 * anything else, so members cannot forge each other's messages.
 */

import { utf8ToBytes } from '@noble/hashes/utils.js'
import { encode as encodeVarint } from 'uint8-varint'
import { DuplicateMessageError, InvalidSignatureError, MalformedMessageError } from '../errors.ts'
import { generateEd25519, signWithContext, verifyWithContext } from '../identity/keys.ts'
import { KEY_LENGTH, MAX_SKIPPED_MESSAGE_KEYS, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from '../protocol/constants.ts'
import { SenderKeyDistribution } from '../protocol/pb/envelope.ts'
import { SenderKeyReceiverRecord, SenderKeyRecord } from '../protocol/pb/group.ts'
import { concat, own, uint32be, wipe } from '../utils/bytes.ts'
import { open, seal } from './aead.ts'
import { checkPlaintext, openWithSkipped, runChain, storeSkipped } from './chain.ts'
import { kdfChain } from './kdf.ts'
import { systemRandom } from './random.ts'
import { SENDER_KEY_MESSAGE_TYPE, parseSenderKeyMessage } from './sender-key-header.ts'
import type { RandomSource } from './random.ts'
import type { KeyPair } from '../identity/keys.ts'

export { SENDER_KEY_MESSAGE_TYPE, parseSenderKeyMessage }
export type { SenderKeyHeader } from './sender-key-header.ts'
export const SENDER_KEY_CONTEXT = utf8ToBytes('hypha/v1/sender-key-message')

function encodeSenderHeader (keyId: number, iteration: number): Uint8Array {
  return concat([Uint8Array.of(SENDER_KEY_MESSAGE_TYPE), uint32be(keyId), encodeVarint(iteration)])
}

/** This member's own sender key for one group */
export class SenderKey {
  readonly keyId: number
  private chainKey: Uint8Array
  private iteration: number
  private readonly signing: KeyPair
  private readonly random: RandomSource

  private constructor (keyId: number, chainKey: Uint8Array, iteration: number, signing: KeyPair, random: RandomSource) {
    this.keyId = keyId
    this.chainKey = chainKey
    this.iteration = iteration
    this.signing = signing
    this.random = random
  }

  /** A fresh sender key: random id, chain key and signing key. Rotate by creating a new one. */
  static async create (random: RandomSource = systemRandom): Promise<SenderKey> {
    const id = random(4)
    const keyId = new DataView(id.buffer, id.byteOffset, 4).getUint32(0)
    const chainKey = random(KEY_LENGTH)
    return new SenderKey(keyId, chainKey, 0, await generateEd25519(random), random)
  }

  /** The stored form (never sent: it holds the secret signing key); sealed at rest like sessions */
  toRecord (): Uint8Array {
    return SenderKeyRecord.encode({
      keyId: this.keyId,
      iteration: this.iteration,
      chainKey: own(this.chainKey),
      signingSecret: own(this.signing.secretKey),
      signingPublic: own(this.signing.publicKey)
    })
  }

  static fromRecord (bytes: Uint8Array, random: RandomSource = systemRandom): SenderKey {
    const r = SenderKeyRecord.decode(bytes)
    if (r.chainKey.length !== KEY_LENGTH || r.signingSecret.length !== KEY_LENGTH || r.signingPublic.length !== PUBLIC_KEY_LENGTH) {
      throw new MalformedMessageError('stored sender key has keys of the wrong length')
    }
    return new SenderKey(r.keyId, Uint8Array.from(r.chainKey), r.iteration, { secretKey: Uint8Array.from(r.signingSecret), publicKey: Uint8Array.from(r.signingPublic) }, random)
  }

  /** The public half of the signing key (receivers check every message against it) */
  get signingKey (): Uint8Array {
    return this.signing.publicKey
  }

  /** What the other members need to read this member's messages from now on (encoded SenderKeyDistribution) */
  distribution (): Uint8Array {
    return SenderKeyDistribution.encode({
      keyId: this.keyId,
      iteration: this.iteration,
      chainKey: own(this.chainKey),
      signingKey: own(this.signing.publicKey)
    })
  }

  async encrypt (plaintext: Uint8Array): Promise<Uint8Array> {
    checkPlaintext(plaintext)
    const { chainKey, messageKey } = kdfChain(this.chainKey)
    const header = encodeSenderHeader(this.keyId, this.iteration)
    wipe(this.chainKey)
    this.chainKey = chainKey
    this.iteration++
    const body = seal(messageKey, plaintext, header, this.random)
    wipe(messageKey)
    const signed = concat([header, body])
    return concat([signed, await signWithContext(this.signing.secretKey, SENDER_KEY_CONTEXT, signed)])
  }
}

/** Another member's sender key, as received in its distribution message */
export class SenderKeyReceiver {
  readonly keyId: number
  readonly signingKey: Uint8Array
  private chainKey: Uint8Array
  private iteration: number
  private readonly skipped = new Map<string, Uint8Array>()

  private constructor (distribution: SenderKeyDistribution) {
    this.keyId = distribution.keyId
    // copies: the decoded fields are views into the caller's buffer, which it may wipe
    this.signingKey = Uint8Array.from(distribution.signingKey)
    this.chainKey = Uint8Array.from(distribution.chainKey)
    this.iteration = distribution.iteration
  }

  /** The stored form, with the skipped message keys */
  toRecord (): Uint8Array {
    return SenderKeyReceiverRecord.encode({
      keyId: this.keyId,
      iteration: this.iteration,
      chainKey: own(this.chainKey),
      signingKey: own(this.signingKey),
      skipped: [...this.skipped].map(([id, key]) => ({ id, key: own(key) }))
    })
  }

  static fromRecord (bytes: Uint8Array): SenderKeyReceiver {
    const r = SenderKeyReceiverRecord.decode(bytes, { limits: { skipped: MAX_SKIPPED_MESSAGE_KEYS } })
    const receiver = SenderKeyReceiver.fromDistribution(SenderKeyDistribution.encode({ keyId: r.keyId, iteration: r.iteration, chainKey: r.chainKey, signingKey: r.signingKey }))
    for (const { id, key } of r.skipped) {
      if (key.length === KEY_LENGTH) { receiver.skipped.set(id, Uint8Array.from(key)) }
    }
    return receiver
  }

  static fromDistribution (bytes: Uint8Array): SenderKeyReceiver {
    let d: SenderKeyDistribution
    try {
      d = SenderKeyDistribution.decode(bytes)
    } catch (err: any) {
      throw new MalformedMessageError(`sender key distribution does not decode: ${err.message}`)
    }
    if (d.chainKey.length !== KEY_LENGTH) { throw new MalformedMessageError(`sender chain key must be 32 bytes, got length=${d.chainKey.length}`) }
    if (d.signingKey.length !== PUBLIC_KEY_LENGTH) { throw new MalformedMessageError(`sender signing key must be 32 bytes, got length=${d.signingKey.length}`) }
    return new SenderKeyReceiver(d)
  }

  /**
   * Verifies and decrypts. InvalidSignatureError for a forged or altered
   * message, DuplicateMessageError for a replay, TooManySkippedMessagesError,
   * DecryptionError.
   */
  async decrypt (bytes: Uint8Array): Promise<Uint8Array> {
    const { header, headerLength } = parseSenderKeyMessage(bytes)
    if (header.keyId !== this.keyId) { throw new MalformedMessageError(`sender-key message is for key ${header.keyId}, not ${this.keyId}`) }
    const signed = bytes.subarray(0, bytes.length - SIGNATURE_LENGTH)
    const signature = bytes.subarray(bytes.length - SIGNATURE_LENGTH)
    if (!(await verifyWithContext(signature, SENDER_KEY_CONTEXT, signed, this.signingKey))) {
      throw new InvalidSignatureError('sender-key message signature does not verify')
    }
    const headerBytes = bytes.subarray(0, headerLength)
    const body = signed.subarray(headerLength)
    const skipped = openWithSkipped(this.skipped, `${this.keyId}:${header.iteration}`, body, headerBytes)
    if (skipped != null) {
      return skipped
    }
    if (header.iteration < this.iteration) {
      throw new DuplicateMessageError(`sender-key message ${header.iteration} was already received (or its key expired)`)
    }
    const run = runChain(this.chainKey, String(this.keyId), this.iteration, header.iteration)
    const plaintext = open(run.messageKey, body, headerBytes)
    wipe(run.messageKey)
    this.chainKey = run.chainKey
    this.iteration = header.iteration + 1
    storeSkipped(this.skipped, run.skipped)
    return plaintext
  }
}
