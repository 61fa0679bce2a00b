/**
 * What a relay can check of a group or channel envelope without keys (the
 * gossip validator, PROTOCOL.md "Mesh"): on its own, so that checking does not
 * load the group code.
 */

import { equals } from 'uint8arrays/equals'
import { parseRatchetMessage, RATCHET_MESSAGE_TYPE } from '../crypto/ratchet.ts'
import { parseSenderKeyMessage } from '../crypto/sender-key-header.ts'
import { decodePrekeyEnvelope, PREKEY_ENVELOPE_TYPE } from '../crypto/session.ts'
import { MalformedMessageError, MessageTooLargeError, UnsupportedVersionError } from '../errors.ts'
import {
  CHANNEL_POST_TYPE, GROUP_HINT_LENGTH, GROUP_MESSAGE_TYPE, KEY_PACKAGE_TYPE, MAX_ENVELOPE_BYTES, MAX_KEY_PACKAGE_ENTRIES, NONCE_LENGTH, SIGNATURE_LENGTH, TAG_LENGTH
} from '../protocol/constants.ts'
import { KeyPackage } from '../protocol/pb/key-package.ts'
import { hex } from '../utils/bytes.ts'

/** A channel post's header: type, hint, epoch */
export const CHANNEL_HEADER_LENGTH = 1 + GROUP_HINT_LENGTH + 4

export interface GroupEnvelope {
  type: number
  hint: string
  body: Uint8Array
}

/** Splits a group envelope (0x04-0x06) into type, hint and body, checking the body's structure */
export function parseGroupEnvelope (bytes: Uint8Array): GroupEnvelope {
  if (bytes.length > MAX_ENVELOPE_BYTES) { throw new MessageTooLargeError(`envelope of ${bytes.length} bytes is over the ${MAX_ENVELOPE_BYTES}-byte limit`) }
  const type = bytes[0]
  if (type !== GROUP_MESSAGE_TYPE && type !== KEY_PACKAGE_TYPE && type !== CHANNEL_POST_TYPE) { throw new UnsupportedVersionError(`not a group envelope (type ${type})`) }
  if (bytes.length < 1 + GROUP_HINT_LENGTH) { throw new MalformedMessageError(`group envelope too short: length=${bytes.length}`) }
  const envelope = { type, hint: hex(bytes.subarray(1, 1 + GROUP_HINT_LENGTH)), body: bytes.subarray(1 + GROUP_HINT_LENGTH) }
  if (type === GROUP_MESSAGE_TYPE) {
    parseSenderKeyMessage(envelope.body)
  } else if (type === KEY_PACKAGE_TYPE) {
    decodeKeyPackage(envelope.body)
  } else if (bytes.length < CHANNEL_HEADER_LENGTH + NONCE_LENGTH + TAG_LENGTH + SIGNATURE_LENGTH) {
    throw new MalformedMessageError(`channel post too short: length=${bytes.length}`)
  }
  return envelope
}

/** A key package's entries, each an 8-byte hint and a well-formed 1:1 envelope */
export function decodeKeyPackage (body: Uint8Array): KeyPackage.Entry[] {
  let pkg: KeyPackage
  try {
    pkg = KeyPackage.decode(body, { limits: { entries: MAX_KEY_PACKAGE_ENTRIES } })
  } catch (err: any) {
    throw new MalformedMessageError(`key package does not decode: ${err.message}`)
  }
  // one encoding per package, as for prekey envelopes: protobuf decoders tolerate variants (wire types, field
  // order, unknown fields), and nothing but each entry's own envelope is authenticated
  if (!equals(KeyPackage.encode(pkg), body)) { throw new MalformedMessageError('key package is not canonically encoded') }
  const hints = new Set<string>()
  for (const entry of pkg.entries) {
    if (entry.hint.length !== GROUP_HINT_LENGTH) { throw new MalformedMessageError('key package entry hint must be 8 bytes') }
    // one entry per device: a repeated entry is a re-wrapped package, never one a member made
    if (hints.has(hex(entry.hint))) { throw new MalformedMessageError('key package names one device twice') }
    hints.add(hex(entry.hint))
    if (entry.envelope[0] === PREKEY_ENVELOPE_TYPE) {
      decodePrekeyEnvelope(entry.envelope)
    } else if (entry.envelope[0] === RATCHET_MESSAGE_TYPE) {
      parseRatchetMessage(entry.envelope)
    } else {
      throw new UnsupportedVersionError(`key package entry of unknown type ${entry.envelope[0]}`)
    }
  }
  return pkg.entries
}
