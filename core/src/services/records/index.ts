/**
 * DHT records of the Hypha mesh: their keys, and the validator and selector
 * kad-dht runs on them.
 *
 * Two kinds of record live under the 'hypha' namespace (kad-dht picks the
 * validator and selector by the key's first path segment):
 *
 * - device list: `/hypha/devices/<hex(sha256(utf8(userId)))>`, value an encoded
 * SignedDeviceList. Valid when the account signature verifies and the list's
 * user id hashes to the key. Newest (highest `version`) wins.
 * - prekey bundle: `/hypha/bundle/<hex(sha256(utf8(userId)))>/<hex(signingKey)>`,
 * value an encoded PrekeyBundle. Valid when the user hash and the device
 * signing key match the key and the device signed both prekeys. Highest
 * signed prekey id wins. A DHT server does not know the account's device list
 * here, so whether the device belongs to the account is checked by the
 * fetcher (`verifyBundle`), not by the DHT.
 * - mailbox list: `/hypha/mailboxes/<hex(sha256(utf8(userId)))>/<hex(signingKey)>`,
 * value an encoded SignedMailboxList. Valid when the user hash and the device
 * signing key match the key, 1 to MAX_MAILBOXES_PER_LIST distinct peer ids
 * are listed and the device signature verifies. Highest `version` wins. As
 * for bundles, the fetcher checks the device against the device list.
 *
 * The user id is hashed so that a key names no user; anyone who knows a user
 * id can still compute the key (that is how contacts find it).
 *
 * @example
 *
 * ```ts
 * import { kadDHT } from '@libp2p/kad-dht'
 * import { constants, deviceListKey, hyphaValidator, hyphaSelector } from '@hypha/core'
 *
 * const dht = kadDHT({
 *   protocol: constants.DHT_PROTOCOL,
 *   validators: { hypha: hyphaValidator },
 *   selectors: { hypha: hyphaSelector }
 * })
 * // later: node.services.dht.put(deviceListKey(userId), encodeSignedDeviceList(signed))
 * ```
 */

import { sha256 } from '@noble/hashes/sha2.js'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { KEM_PREKEY_CONTEXT, SIGNED_PREKEY_CONTEXT, decodeBundle } from '../../crypto/prekeys.ts'
import { InvalidRecordError, InvalidSignatureError } from '../../errors.ts'
import { decodeSignedDeviceList, verifyDeviceList } from '../../identity/device.ts'
import { parseUserId } from '../../identity/did.ts'
import { verifyWithContext } from '../../identity/keys.ts'
import {
  BUNDLE_RECORD_PREFIX, DEVICE_LIST_RECORD_PREFIX, KEM_PUBLIC_KEY_LENGTH, MAILBOX_LIST_RECORD_PREFIX, MAX_RECORD_BYTES,
  PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH
} from '../../protocol/constants.ts'
import { concat, hex, uint32be } from '../../utils/bytes.ts'
import { decodeMailboxList, verifyMailboxList } from './mailbox-list.ts'
import type { VerifiedMailboxList } from './mailbox-list.ts'
import type { PrekeyBundle } from '../../protocol/pb/identity.ts'

export { createMailboxList, encodeMailboxList, decodeMailboxList, verifyMailboxList } from './mailbox-list.ts'
export type { VerifiedMailboxList } from './mailbox-list.ts'

/** The validator/selector name of Hypha records: the first segment of their keys */
export const RECORD_NAMESPACE = 'hypha'

const HASH_HEX_LENGTH = 64
const SIGNING_KEY_HEX_LENGTH = PUBLIC_KEY_LENGTH * 2
const HEX = /^[0-9a-f]+$/

/** hex(sha256(utf8(userId))): how a record key names a user */
export function userIdHash (userId: string): string {
  if (typeof userId !== 'string' || userId.length === 0) {
    throw new TypeError('expected a non-empty user id string')
  }
  return hex(sha256(uint8ArrayFromString(userId)))
}

/** DHT key of a user's device list: utf8('/hypha/devices/' + hex(sha256(utf8(userId)))) */
export function deviceListKey (userId: string): Uint8Array {
  return uint8ArrayFromString(DEVICE_LIST_RECORD_PREFIX + userIdHash(userId))
}

function checkSigningKey (signingKey: Uint8Array): void {
  if (!(signingKey instanceof Uint8Array) || signingKey.length !== PUBLIC_KEY_LENGTH) {
    throw new TypeError(`expected Uint8Array of length ${PUBLIC_KEY_LENGTH}, got length=${(signingKey as Uint8Array | undefined)?.length}`)
  }
}

/** DHT key of one device's prekey bundle: utf8('/hypha/bundle/' + hex(sha256(utf8(userId))) + '/' + hex(signingKey)) */
export function bundleKey (userId: string, signingKey: Uint8Array): Uint8Array {
  checkSigningKey(signingKey)
  return uint8ArrayFromString(`${BUNDLE_RECORD_PREFIX}${userIdHash(userId)}/${hex(signingKey)}`)
}

/** DHT key of one device's mailbox list: utf8('/hypha/mailboxes/' + hex(sha256(utf8(userId))) + '/' + hex(signingKey)) */
export function mailboxListKey (userId: string, signingKey: Uint8Array): Uint8Array {
  checkSigningKey(signingKey)
  return uint8ArrayFromString(`${MAILBOX_LIST_RECORD_PREFIX}${userIdHash(userId)}/${hex(signingKey)}`)
}

/** A record key, parsed */
export type HyphaRecordKey =
  | { kind: 'devices', userHash: string }
  | { kind: 'bundle', userHash: string, signingKey: string }
  | { kind: 'mailboxes', userHash: string, signingKey: string }

/**
 * Parse a Hypha record key.
 *
 * @throws {InvalidRecordError} when the key is not a device list, bundle or mailbox list key
 */
export function parseRecordKey (key: Uint8Array): HyphaRecordKey {
  const text = uint8ArrayToString(key)

  if (text.startsWith(DEVICE_LIST_RECORD_PREFIX)) {
    const userHash = text.slice(DEVICE_LIST_RECORD_PREFIX.length)
    if (userHash.length !== HASH_HEX_LENGTH || !HEX.test(userHash)) {
      throw new InvalidRecordError(`device list key must end in ${HASH_HEX_LENGTH} lowercase hex digits`)
    }
    return { kind: 'devices', userHash }
  }

  for (const [prefix, kind, name] of [[BUNDLE_RECORD_PREFIX, 'bundle', 'bundle'], [MAILBOX_LIST_RECORD_PREFIX, 'mailboxes', 'mailbox list']] as const) {
    if (text.startsWith(prefix)) {
      const [userHash, signingKey, ...rest] = text.slice(prefix.length).split('/')
      if (rest.length > 0 || userHash.length !== HASH_HEX_LENGTH || !HEX.test(userHash) ||
        signingKey == null || signingKey.length !== SIGNING_KEY_HEX_LENGTH || !HEX.test(signingKey)) {
        throw new InvalidRecordError(`${name} key must be ${prefix}<${HASH_HEX_LENGTH} hex digits>/<${SIGNING_KEY_HEX_LENGTH} hex digits>`)
      }
      return { kind, userHash, signingKey }
    }
  }

  throw new InvalidRecordError(`not a Hypha record key: expected ${DEVICE_LIST_RECORD_PREFIX}, ${BUNDLE_RECORD_PREFIX} or ${MAILBOX_LIST_RECORD_PREFIX}`)
}

/** Errors of the decoders other than signature failures become InvalidRecordError: a DHT record is either valid or not */
function asRecordError (err: any): Error {
  if (err?.name === 'InvalidSignatureError' || err?.name === 'InvalidRecordError') {
    return err
  }
  return new InvalidRecordError(err?.message ?? String(err))
}

function checkSize (value: Uint8Array): void {
  if (!(value instanceof Uint8Array)) {
    throw new InvalidRecordError('record value must be bytes')
  }
  if (value.length > MAX_RECORD_BYTES) {
    throw new InvalidRecordError(`record of ${value.length} bytes is over the ${MAX_RECORD_BYTES}-byte limit`)
  }
}

async function validateDeviceList (userHash: string, value: Uint8Array): Promise<SignedDeviceListRecord> {
  let version: number
  let userId: string
  try {
    const verified = await verifyDeviceList(decodeSignedDeviceList(value))
    version = verified.version
    userId = verified.userId
  } catch (err) {
    throw asRecordError(err)
  }
  if (userIdHash(userId) !== userHash) {
    throw new InvalidRecordError('device list user id does not match the record key')
  }
  return { userId, version }
}

/** The bytes a device signs for a prekey: u32be(id) || public key (PROTOCOL.md 6) */
function prekeyMessage (id: number, publicKey: Uint8Array): Uint8Array {
  return concat([uint32be(id), publicKey])
}

async function validateBundle (userHash: string, signingKeyHex: string, value: Uint8Array): Promise<PrekeyBundle> {
  let bundle: PrekeyBundle
  try {
    bundle = decodeBundle(value)
    parseUserId(bundle.userId)
  } catch (err) {
    throw asRecordError(err)
  }
  if (userIdHash(bundle.userId) !== userHash) {
    throw new InvalidRecordError('bundle user id does not match the record key')
  }
  if (bundle.signingKey.length !== PUBLIC_KEY_LENGTH || hex(bundle.signingKey) !== signingKeyHex) {
    throw new InvalidRecordError('bundle signing key does not match the record key')
  }
  if (bundle.identityKey.length !== PUBLIC_KEY_LENGTH) {
    throw new InvalidRecordError('bundle identity key must be 32 bytes')
  }
  const spk = bundle.signedPrekey
  const kem = bundle.kemPrekey
  if (spk == null || kem == null) {
    throw new InvalidRecordError('bundle lacks a signed prekey or a KEM prekey')
  }
  if (spk.publicKey.length !== PUBLIC_KEY_LENGTH || spk.signature.length !== SIGNATURE_LENGTH) {
    throw new InvalidRecordError('signed prekey has wrong lengths')
  }
  if (kem.publicKey.length !== KEM_PUBLIC_KEY_LENGTH || kem.signature.length !== SIGNATURE_LENGTH) {
    throw new InvalidRecordError('KEM prekey has wrong lengths')
  }
  if (bundle.oneTimePrekey != null && bundle.oneTimePrekey.publicKey.length !== PUBLIC_KEY_LENGTH) {
    throw new InvalidRecordError('one-time prekey has wrong length')
  }
  const [spkOk, kemOk] = await Promise.all([
    verifyWithContext(spk.signature, SIGNED_PREKEY_CONTEXT, prekeyMessage(spk.id, spk.publicKey), bundle.signingKey),
    verifyWithContext(kem.signature, KEM_PREKEY_CONTEXT, prekeyMessage(kem.id, kem.publicKey), bundle.signingKey)
  ])
  if (!spkOk) { throw new InvalidSignatureError('signed prekey signature does not verify') }
  if (!kemOk) { throw new InvalidSignatureError('KEM prekey signature does not verify') }
  return bundle
}

async function validateMailboxList (userHash: string, signingKeyHex: string, value: Uint8Array): Promise<VerifiedMailboxList> {
  let list: VerifiedMailboxList
  try {
    list = await verifyMailboxList(decodeMailboxList(value))
  } catch (err) {
    throw asRecordError(err)
  }
  if (userIdHash(list.userId) !== userHash) {
    throw new InvalidRecordError('mailbox list user id does not match the record key')
  }
  if (hex(list.signingKey) !== signingKeyHex) {
    throw new InvalidRecordError('mailbox list signing key does not match the record key')
  }
  return list
}

interface SignedDeviceListRecord {
  userId: string
  version: number
}

/** What a valid record holds, by kind */
export type ValidatedRecord =
  | { kind: 'devices', userId: string, version: number }
  | { kind: 'bundle', bundle: PrekeyBundle }
  | { kind: 'mailboxes', list: VerifiedMailboxList }

/**
 * Validate a Hypha record and return what it holds.
 *
 * @throws {InvalidRecordError} for a key that is not a Hypha record key, a value over MAX_RECORD_BYTES, bytes that do not decode, or contents that do not match the key
 * @throws {InvalidSignatureError} when the account (device list) or device (bundle, mailbox list) signature does not verify
 */
export async function validateRecord (key: Uint8Array, value: Uint8Array): Promise<ValidatedRecord> {
  const parsed = parseRecordKey(key)
  checkSize(value)
  if (parsed.kind === 'devices') {
    return { kind: 'devices', ...(await validateDeviceList(parsed.userHash, value)) }
  }
  if (parsed.kind === 'mailboxes') {
    return { kind: 'mailboxes', list: await validateMailboxList(parsed.userHash, parsed.signingKey, value) }
  }
  return { kind: 'bundle', bundle: await validateBundle(parsed.userHash, parsed.signingKey, value) }
}

/**
 * kad-dht validator for the 'hypha' namespace: resolves for a valid record,
 * throws a typed error (InvalidRecordError, InvalidSignatureError) otherwise.
 */
export async function hyphaValidator (key: Uint8Array, value: Uint8Array): Promise<void> {
  await validateRecord(key, value)
}

/**
 * kad-dht selector for the 'hypha' namespace: the index of the best record.
 * Device lists and mailbox lists: the highest `version`; bundles: the highest
 * signed prekey id; on a tie the first one. Records that do not validate are never chosen.
 *
 * @throws {InvalidRecordError} when no record validates (or the list is empty)
 */
export async function hyphaSelector (key: Uint8Array, records: Uint8Array[]): Promise<number> {
  const ranks = await Promise.all(records.map(async record => {
    try {
      const valid = await validateRecord(key, record)
      switch (valid.kind) {
        case 'devices': return valid.version
        case 'mailboxes': return valid.list.version
        default: return valid.bundle.signedPrekey?.id ?? 0
      }
    } catch {
      return -1
    }
  }))
  let best = -1
  let bestRank = -1
  ranks.forEach((rank, index) => {
    if (rank > bestRank) {
      best = index
      bestRank = rank
    }
  })
  if (best < 0) {
    throw new InvalidRecordError(`none of the ${records.length} records is valid`)
  }
  return best
}

/** The validators and selectors to give kad-dht: `kadDHT({ ...hyphaRecords() })` */
export function hyphaRecords (): { validators: Record<string, typeof hyphaValidator>, selectors: Record<string, typeof hyphaSelector> } {
  return {
    validators: { [RECORD_NAMESPACE]: hyphaValidator },
    selectors: { [RECORD_NAMESPACE]: hyphaSelector }
  }
}
