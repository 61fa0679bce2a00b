/**
 * Group and channel envelopes on the wire (PROTOCOL.md "Groups", "Channels"):
 *
 * ```
 * 0x04 | group hint (8) | sender-key message (0x03 ...)            a group message
 * 0x05 | group hint (8) | KeyPackage                                pairwise envelopes to many members
 * 0x06 | channel hint (8) | u32be(epoch) | nonce (24) | ct || tag | signature (64)   a channel post
 * ```
 *
 * They travel on the inbox bucket topic picked by the group id, so the topic
 * names no member, and are deposited at the group's mailboxes under the tag
 * of an inbox key derived from the group id.
 */

import { sha256 } from '@noble/hashes/sha2.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'
import { open, seal } from '../crypto/aead.ts'
import { hkdfSha256 } from '../crypto/kdf.ts'
import { InvalidSignatureError } from '../errors.ts'
import { ed25519KeyPair, signWithContext, verifyWithContext } from '../identity/keys.ts'
import {
  CHANNEL_POST_TYPE, GROUP_HINT_LENGTH, GROUP_MESSAGE_TYPE, INBOX_TOPIC_PREFIX, KEY_LENGTH, KEY_PACKAGE_TYPE, MAX_ENVELOPE_BYTES, MAX_KEY_PACKAGE_ENTRIES,
  SIGNATURE_LENGTH
} from '../protocol/constants.ts'
import { KeyPackage } from '../protocol/pb/key-package.ts'
import { concat, hex, own, uint32be } from '../utils/bytes.ts'
import { CHANNEL_HEADER_LENGTH } from './check.ts'
import type { RandomSource } from '../crypto/random.ts'
import type { KeyPair } from '../identity/keys.ts'

const TOPIC_CONTEXT = utf8ToBytes('hypha/v1/group-topic')
const HINT_CONTEXT = utf8ToBytes('hypha/v1/group-hint')
const ENTRY_CONTEXT = utf8ToBytes('hypha/v1/key-package-entry')
const INBOX_INFO = utf8ToBytes('hypha/v1/group-inbox')
export const CHANNEL_POST_CONTEXT = utf8ToBytes('hypha/v1/channel-post')

/** The inbox bucket topic of a group or channel: from a hash of its id, so it names no member */
export function groupTopic (id: Uint8Array): string {
  return INBOX_TOPIC_PREFIX + hex(sha256(concat([TOPIC_CONTEXT, id])).subarray(0, 1))
}

/** The 8 bytes after the type byte that tell a member which of its groups an envelope is for */
export function groupHint (id: Uint8Array): Uint8Array {
  return sha256(concat([HINT_CONTEXT, id])).subarray(0, GROUP_HINT_LENGTH)
}

/** Which device a key package entry is for */
export function entryHint (id: Uint8Array, deviceSigningKey: Uint8Array): Uint8Array {
  return sha256(concat([ENTRY_CONTEXT, id, deviceSigningKey])).subarray(0, GROUP_HINT_LENGTH)
}

/** The group's (or channel's) mailbox inbox key pair: every member derives it from the id */
export async function groupInboxKey (id: Uint8Array): Promise<KeyPair> {
  return ed25519KeyPair(hkdfSha256(id, undefined, INBOX_INFO, KEY_LENGTH))
}

export function wrapGroupMessage (id: Uint8Array, senderKeyMessage: Uint8Array): Uint8Array {
  return concat([Uint8Array.of(GROUP_MESSAGE_TYPE), groupHint(id), senderKeyMessage])
}

/** Key packages for `entries`, each under MAX_ENVELOPE_BYTES and MAX_KEY_PACKAGE_ENTRIES */
export function encodeKeyPackages (id: Uint8Array, entries: Array<{ hint: Uint8Array, envelope: Uint8Array }>): Uint8Array[] {
  const prefix = concat([Uint8Array.of(KEY_PACKAGE_TYPE), groupHint(id)])
  const packages: Uint8Array[] = []
  let batch: typeof entries = []
  let size = prefix.length
  for (const entry of entries) {
    const entrySize = entry.envelope.length + GROUP_HINT_LENGTH + 16
    if (batch.length > 0 && (size + entrySize > MAX_ENVELOPE_BYTES || batch.length >= MAX_KEY_PACKAGE_ENTRIES)) {
      packages.push(concat([prefix, KeyPackage.encode({ entries: batch.map(e => ({ hint: own(e.hint), envelope: own(e.envelope) })) })]))
      batch = []
      size = prefix.length
    }
    batch.push(entry)
    size += entrySize
  }
  if (batch.length > 0) { packages.push(concat([prefix, KeyPackage.encode({ entries: batch.map(e => ({ hint: own(e.hint), envelope: own(e.envelope) })) })])) }
  return packages
}

/** A channel post: encrypted under the epoch's channel key, signed by the channel's posting key */
export async function sealChannelPost (id: Uint8Array, epoch: number, key: Uint8Array, signing: KeyPair, plaintext: Uint8Array, random: RandomSource): Promise<Uint8Array> {
  const header = concat([Uint8Array.of(CHANNEL_POST_TYPE), groupHint(id), uint32be(epoch)])
  const signed = concat([header, seal(key, plaintext, header, random)])
  return concat([signed, await signWithContext(signing.secretKey, CHANNEL_POST_CONTEXT, signed)])
}

/** The epoch a channel post was sealed under */
export function channelPostEpoch (bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset + 1 + GROUP_HINT_LENGTH, 4).getUint32(0)
}

/** Checks the owner's signature (InvalidSignatureError: forged), then decrypts (DecryptionError) */
export async function openChannelPost (bytes: Uint8Array, key: Uint8Array, signingKey: Uint8Array): Promise<Uint8Array> {
  const signed = bytes.subarray(0, bytes.length - SIGNATURE_LENGTH)
  if (!(await verifyWithContext(bytes.subarray(bytes.length - SIGNATURE_LENGTH), CHANNEL_POST_CONTEXT, signed, signingKey))) {
    throw new InvalidSignatureError('channel post signature does not verify: not from the channel\'s owner')
  }
  return open(key, signed.subarray(CHANNEL_HEADER_LENGTH), signed.subarray(0, CHANNEL_HEADER_LENGTH))
}

export { parseGroupEnvelope, decodeKeyPackage } from './check.ts'
export type { GroupEnvelope } from './check.ts'
