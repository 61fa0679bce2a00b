/**
 * What the mailbox protocol hashes and signs: the inbox tag, the bytes an
 * inbox key signs for FETCH and ACK, and the storage receipt a mailbox node
 * signs with its libp2p key (PROTOCOL.md section 18).
 */

import { sha256 } from '@noble/hashes/sha2.js'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { InvalidReceiptError } from '../../errors.ts'
import { signWithContext, verifyWithContext } from '../../identity/keys.ts'
import { MAX_PEER_ID_BYTES, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from '../../protocol/constants.ts'
import { concat, u64be, uint32be } from '../../utils/bytes.ts'
import { ACK_CONTEXT, FETCH_CONTEXT, HASH_LENGTH, INBOX_TAG_LENGTH, MAILBOX_TAG_CONTEXT, RECEIPT_CONTEXT } from './constants.ts'
import type { KeyPair } from '../../identity/keys.ts'
import type { PeerId } from '@libp2p/interface'

const TAG_PREFIX = uint8ArrayFromString(MAILBOX_TAG_CONTEXT)
export const RECEIPT_PREFIX = uint8ArrayFromString(RECEIPT_CONTEXT)
export const FETCH_PREFIX = uint8ArrayFromString(FETCH_CONTEXT)
export const ACK_PREFIX = uint8ArrayFromString(ACK_CONTEXT)

/**
 * Who may read an inbox: the device's Ed25519 signing key pair, or anything
 * that signs with it (a hardware token, a worker). `sign` is given the
 * complete bytes to sign, context included.
 */
export type MailboxSigner = KeyPair | {
  publicKey: Uint8Array
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>
}

/** A verified storage receipt: the mailbox node signed that it holds the envelope until `expiresAt` */
export interface MailboxReceipt {
  /** The mailbox node that signed, the one dialled */
  mailbox: PeerId
  /** Its peer id as multihash bytes, as signed */
  mailboxPeerId: Uint8Array
  tag: Uint8Array
  /** SHA-256 of the envelope */
  envelopeHash: Uint8Array
  /** ms since the epoch, the mailbox node's clock */
  storedAt: number
  expiresAt: number
  /** Ed25519 by the mailbox node's libp2p key */
  signature: Uint8Array
}

export type MailboxReceiptFields = Omit<MailboxReceipt, 'mailbox'>

function checkBytes (value: Uint8Array, length: number): void {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new TypeError(`expected Uint8Array of length ${length}, got length=${(value as Uint8Array | undefined)?.length}`)
  }
}

/** Big-endian 2-byte length of a variable-length field */
function u16be (value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new RangeError(`expected an unsigned 16-bit integer, got ${value}`)
  }
  return Uint8Array.of(value >>> 8, value & 0xff)
}

/**
 * The tag an inbox is deposited under: SHA-256(utf8("hypha-mailbox-tag/1") ||
 * inboxKey), where inboxKey is the recipient device's Ed25519 signing public
 * key. The mailbox node learns the key only when its holder fetches.
 */
export function mailboxTag (inboxKey: Uint8Array): Uint8Array {
  checkBytes(inboxKey, PUBLIC_KEY_LENGTH)
  return sha256(concat([TAG_PREFIX, inboxKey]))
}

/** The bytes an inbox key signs for FETCH, after utf8("hypha-mailbox-fetch/1") */
export function fetchMessage (mailboxPeerId: Uint8Array, challenge: Uint8Array, cursor: Uint8Array, limit: number): Uint8Array {
  return concat([u16be(mailboxPeerId.length), mailboxPeerId, challenge, u16be(cursor.length), cursor, uint32be(limit)])
}

/** The bytes an inbox key signs for ACK, after utf8("hypha-mailbox-ack/1") */
export function ackMessage (mailboxPeerId: Uint8Array, challenge: Uint8Array, hashes: Uint8Array[]): Uint8Array {
  return concat([u16be(mailboxPeerId.length), mailboxPeerId, challenge, u16be(hashes.length), ...hashes])
}

/** The bytes a mailbox node signs for a receipt, after utf8("hypha-mailbox-receipt/1") */
export function receiptMessage (fields: Pick<MailboxReceiptFields, 'mailboxPeerId' | 'tag' | 'envelopeHash' | 'storedAt' | 'expiresAt'>): Uint8Array {
  return concat([
    u16be(fields.mailboxPeerId.length), fields.mailboxPeerId, fields.tag, fields.envelopeHash,
    u64be(fields.storedAt), u64be(fields.expiresAt)
  ])
}

/** Sign `context || message` with the inbox key */
export async function signAs (signer: MailboxSigner, context: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  if ('secretKey' in signer) {
    return signWithContext(signer.secretKey, context, message)
  }
  return signer.sign(concat([context, message]))
}

/** The inbox key of a signer, checked */
export function signerKey (signer: MailboxSigner): Uint8Array {
  checkBytes(signer?.publicKey, PUBLIC_KEY_LENGTH)
  return signer.publicKey
}

/** The raw Ed25519 key a peer id carries, or undefined (RSA, secp256k1 and hashed peer ids carry none usable here) */
function ed25519KeyOf (peer: PeerId): Uint8Array | undefined {
  const key = peer.publicKey
  return key?.type === 'Ed25519' && key.raw.length === PUBLIC_KEY_LENGTH ? key.raw : undefined
}

/** `value` has `length` bytes and, when `expected` is given, equals it */
function matches (value: Uint8Array, length: number, expected?: Uint8Array): boolean {
  return value instanceof Uint8Array && value.length === length && (expected == null || uint8ArrayEquals(value, expected))
}

/**
 * Check a storage receipt against the mailbox node it came from and, when
 * given, the deposit it answers.
 *
 * @throws {InvalidReceiptError} when a field is malformed, names another node, tag or envelope, or the signature does not verify with `mailbox`'s Ed25519 key
 */
export async function verifyReceipt (fields: MailboxReceiptFields, mailbox: PeerId, expected: { tag?: Uint8Array, envelopeHash?: Uint8Array } = {}): Promise<MailboxReceipt> {
  const key = ed25519KeyOf(mailbox)
  if (key == null) {
    throw new InvalidReceiptError(`mailbox ${mailbox} has no Ed25519 key to verify a receipt with`)
  }
  const { mailboxPeerId, tag, envelopeHash, storedAt, expiresAt, signature } = fields
  if (!(mailboxPeerId instanceof Uint8Array) || mailboxPeerId.length > MAX_PEER_ID_BYTES || !uint8ArrayEquals(mailboxPeerId, mailbox.toMultihash().bytes)) {
    throw new InvalidReceiptError(`receipt names another mailbox than ${mailbox}`)
  }
  if (!matches(tag, INBOX_TAG_LENGTH, expected.tag)) {
    throw new InvalidReceiptError('receipt names another inbox tag than the one deposited to')
  }
  if (!matches(envelopeHash, HASH_LENGTH, expected.envelopeHash)) {
    throw new InvalidReceiptError('receipt names another envelope than the one deposited')
  }
  if (!Number.isSafeInteger(storedAt) || !Number.isSafeInteger(expiresAt) || storedAt < 0 || expiresAt <= storedAt) {
    throw new InvalidReceiptError(`receipt times are not a valid interval: stored_at=${storedAt} expires_at=${expiresAt}`)
  }
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_LENGTH ||
    !(await verifyWithContext(signature, RECEIPT_PREFIX, receiptMessage(fields), key))) {
    throw new InvalidReceiptError(`receipt signature does not verify with the key of ${mailbox}`)
  }
  return { mailbox, mailboxPeerId, tag, envelopeHash, storedAt, expiresAt, signature }
}
