/**
 * A device's mailbox list: the mailbox nodes it fetches from, so that
 * senders know where to deposit while it is offline. Published in the DHT
 * under `mailboxListKey(userId, signingKey)` and signed by the device signing
 * key over `utf8("hypha-mailbox-list/1") || list` (the exact `list` bytes
 * travel in the record, so verifiers never re-encode).
 *
 * Whether the device belongs to the user is not checked here (a DHT node
 * does not know the user's device list): the fetcher checks it against the
 * verified device list.
 */

import { decode as decodeMultihash } from 'multiformats/hashes/digest'
import { MaxLengthError } from 'protons-runtime'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { InvalidRecordError, InvalidSignatureError } from '../../errors.ts'
import { parseUserId } from '../../identity/did.ts'
import { signWithContext, verifyWithContext } from '../../identity/keys.ts'
import {
  MAX_MAILBOXES_PER_LIST, MAX_PEER_ID_BYTES, MAX_RECORD_BYTES, PUBLIC_KEY_LENGTH, SECRET_KEY_LENGTH, SIGNATURE_LENGTH
} from '../../protocol/constants.ts'
import { MailboxList, SignedMailboxList } from '../../protocol/pb/mailbox.ts'
import { hex } from '../../utils/bytes.ts'
import { MAILBOX_LIST_CONTEXT } from '../mailbox/constants.ts'
import type { KeyPair } from '../../identity/keys.ts'
import type { PeerId } from '@libp2p/interface'

const LIST_PREFIX = uint8ArrayFromString(MAILBOX_LIST_CONTEXT)

/** Multihash codes of libp2p peer ids: identity (the public key inline) and SHA2-256 (of a larger key) */
const IDENTITY_CODE = 0x00
const SHA2_256_CODE = 0x12

export { SignedMailboxList }

/** A mailbox list whose signature and bounds were checked */
export interface VerifiedMailboxList {
  userId: string
  /** The device's Ed25519 signing key */
  signingKey: Uint8Array
  /** ms timestamp; the highest valid version wins */
  version: number
  /** Peer ids of the mailbox nodes, as multihash bytes (`peerIdFromMultihash(Digest.decode(bytes))` makes PeerIds) */
  mailboxes: Uint8Array[]
}

/** Throws InvalidRecordError unless `bytes` are a libp2p peer id's multihash */
function checkPeerId (bytes: Uint8Array, index: number): void {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0 || bytes.length > MAX_PEER_ID_BYTES) {
    throw new InvalidRecordError(`mailbox ${index} is ${(bytes as Uint8Array | undefined)?.length} bytes, a peer id is 1 to ${MAX_PEER_ID_BYTES}`)
  }
  let code: number
  let size: number
  try {
    ({ code, size } = decodeMultihash(bytes))
  } catch (err: any) {
    throw new InvalidRecordError(`mailbox ${index} is not a multihash: ${err.message}`)
  }
  if (code !== IDENTITY_CODE && !(code === SHA2_256_CODE && size === 32)) {
    throw new InvalidRecordError(`mailbox ${index} is not a peer id: multihash code 0x${code.toString(16)}`)
  }
}

function peerIdBytes (peer: PeerId | Uint8Array): Uint8Array {
  return peer instanceof Uint8Array ? peer : peer.toMultihash().bytes
}

/** Version and mailboxes in bounds */
function checkContents (list: MailboxList): void {
  if (list.version < 1n || list.version > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new InvalidRecordError(`mailbox list version must be 1 to ${Number.MAX_SAFE_INTEGER}, got ${list.version}`)
  }
  if (list.mailboxes.length === 0) {
    throw new InvalidRecordError(`mailbox list must name 1 to ${MAX_MAILBOXES_PER_LIST} mailboxes, got none`)
  }
  list.mailboxes.forEach(checkPeerId)
  if (new Set(list.mailboxes.map(hex)).size !== list.mailboxes.length) {
    throw new InvalidRecordError('mailbox list names a mailbox twice')
  }
}

/**
 * The checks every reader makes, in order: sizes, decoding, the user id, key
 * and signature lengths, 1 to MAX_MAILBOXES_PER_LIST distinct peer ids, a
 * version from 1 to 2^53 - 1, then the signature.
 */
async function verify (signed: SignedMailboxList, expected: { userId?: string, signingKey?: Uint8Array }): Promise<VerifiedMailboxList> {
  if (!(signed?.list instanceof Uint8Array) || !(signed.signature instanceof Uint8Array)) {
    throw new InvalidRecordError('mailbox list lacks its list or signature bytes')
  }
  if (signed.list.length > MAX_RECORD_BYTES) {
    throw new InvalidRecordError(`mailbox list of ${signed.list.length} bytes is over the ${MAX_RECORD_BYTES}-byte limit`)
  }
  let list: MailboxList
  try {
    list = MailboxList.decode(signed.list, { limits: { mailboxes: MAX_MAILBOXES_PER_LIST } })
  } catch (err: any) {
    if (err instanceof MaxLengthError || err?.name === 'MaxLengthError') {
      throw new InvalidRecordError(`mailbox list names more than ${MAX_MAILBOXES_PER_LIST} mailboxes`)
    }
    throw new InvalidRecordError(`mailbox list does not decode: ${err.message}`)
  }
  try {
    parseUserId(list.userId)
  } catch (err: any) {
    throw new InvalidRecordError(`mailbox list user id: ${err.message}`)
  }
  if (expected.userId != null && list.userId !== expected.userId) {
    throw new InvalidRecordError('mailbox list is for another user')
  }
  if (list.signingKey.length !== PUBLIC_KEY_LENGTH) {
    throw new InvalidRecordError(`mailbox list signing key must be ${PUBLIC_KEY_LENGTH} bytes, got ${list.signingKey.length}`)
  }
  if (expected.signingKey != null && !uint8ArrayEquals(list.signingKey, expected.signingKey)) {
    throw new InvalidRecordError('mailbox list is for another device')
  }
  if (signed.signature.length !== SIGNATURE_LENGTH) {
    throw new InvalidRecordError(`mailbox list signature must be ${SIGNATURE_LENGTH} bytes, got ${signed.signature.length}`)
  }
  checkContents(list)
  if (!(await verifyWithContext(signed.signature, LIST_PREFIX, signed.list, list.signingKey))) {
    throw new InvalidSignatureError('mailbox list signature does not verify with its device signing key')
  }
  return { userId: list.userId, signingKey: list.signingKey, version: Number(list.version), mailboxes: list.mailboxes }
}

/**
 * Sign a device's mailbox list.
 *
 * @param device - the device's Ed25519 signing key pair
 * @param userId - the account the device belongs to
 * @param mailboxes - peer ids of the mailbox nodes (PeerIds or multihash bytes)
 * @param version - a ms timestamp, higher than the last list published; now by default
 * @throws {RangeError} for no mailboxes, more than MAX_MAILBOXES_PER_LIST, or a version that is not a positive safe integer
 * @throws {InvalidUserIdError} for a user id that is not a did:key or did:pkh
 */
export async function createMailboxList (device: KeyPair, userId: string, mailboxes: Array<PeerId | Uint8Array>, version: number = Date.now()): Promise<SignedMailboxList> {
  if (!(device?.secretKey instanceof Uint8Array) || device.secretKey.length !== SECRET_KEY_LENGTH ||
    !(device.publicKey instanceof Uint8Array) || device.publicKey.length !== PUBLIC_KEY_LENGTH) {
    throw new TypeError(`expected an Ed25519 key pair of ${SECRET_KEY_LENGTH}-byte secret and ${PUBLIC_KEY_LENGTH}-byte public key`)
  }
  parseUserId(userId)
  if (!Array.isArray(mailboxes) || mailboxes.length === 0 || mailboxes.length > MAX_MAILBOXES_PER_LIST) {
    throw new RangeError(`expected 1 to ${MAX_MAILBOXES_PER_LIST} mailboxes, got ${(mailboxes as unknown[] | undefined)?.length}`)
  }
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new RangeError(`expected the version to be a positive safe integer, got ${version}`)
  }
  const peers = mailboxes.map(peer => Uint8Array.from(peerIdBytes(peer)))
  peers.forEach((bytes, i) => {
    try {
      checkPeerId(bytes, i)
    } catch (err: any) {
      throw new RangeError(err.message)
    }
  })
  if (new Set(peers.map(hex)).size !== peers.length) {
    throw new RangeError('expected distinct mailboxes, got one twice')
  }
  const list = MailboxList.encode({ userId, signingKey: Uint8Array.from(device.publicKey), version: BigInt(version), mailboxes: peers })
  const signature = await signWithContext(device.secretKey, LIST_PREFIX, list)
  return { list: Uint8Array.from(list), signature: Uint8Array.from(signature) }
}

export function encodeMailboxList (signed: SignedMailboxList): Uint8Array {
  return SignedMailboxList.encode(signed)
}

/**
 * Decode a mailbox list record (not verified: see verifyMailboxList).
 *
 * @throws {InvalidRecordError} for bytes over MAX_RECORD_BYTES or that do not decode
 */
export function decodeMailboxList (bytes: Uint8Array): SignedMailboxList {
  if (!(bytes instanceof Uint8Array) || bytes.length > MAX_RECORD_BYTES) {
    throw new InvalidRecordError(`mailbox list record must be bytes, at most ${MAX_RECORD_BYTES}`)
  }
  try {
    return SignedMailboxList.decode(bytes)
  } catch (err: any) {
    throw new InvalidRecordError(`mailbox list record does not decode: ${err.message}`)
  }
}

/**
 * Check a mailbox list, and when given that it is the one of `expected.userId`'s
 * device `expected.signingKey`.
 *
 * @throws {InvalidRecordError} for a list out of bounds or for another user or device
 * @throws {InvalidSignatureError} when the device signature does not verify
 */
export async function verifyMailboxList (signed: SignedMailboxList, expected: { userId?: string, signingKey?: Uint8Array } = {}): Promise<VerifiedMailboxList> {
  return verify(signed, expected)
}
