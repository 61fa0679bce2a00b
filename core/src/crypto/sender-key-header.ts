/**
 * The header of a sender-key message (PROTOCOL.md "Sender keys"), on its own
 * so that the gossip validator can check it without the sender-key code.
 */

import { decode as decodeVarint, encodingLength } from 'uint8-varint'
import { MalformedMessageError, MessageTooLargeError, UnsupportedVersionError } from '../errors.ts'
import { MAX_ENVELOPE_BYTES, NONCE_LENGTH, SIGNATURE_LENGTH, TAG_LENGTH } from '../protocol/constants.ts'

export const SENDER_KEY_MESSAGE_TYPE = 0x03
const HEADER_MIN = 1 + 4 + 1

export interface SenderKeyHeader {
  keyId: number
  iteration: number
}

/** Reads the key id and iteration of a sender-key message (to pick the member's receiver) */
export function parseSenderKeyMessage (bytes: Uint8Array): { header: SenderKeyHeader, headerLength: number } {
  if (bytes.length > MAX_ENVELOPE_BYTES) { throw new MessageTooLargeError(`sender-key message of ${bytes.length} bytes is over the ${MAX_ENVELOPE_BYTES}-byte limit`) }
  if (bytes.length === 0 || bytes[0] !== SENDER_KEY_MESSAGE_TYPE) { throw new UnsupportedVersionError(`not a sender-key message (type ${bytes[0]})`) }
  if (bytes.length < HEADER_MIN + NONCE_LENGTH + TAG_LENGTH + SIGNATURE_LENGTH) { throw new MalformedMessageError(`sender-key message too short: length=${bytes.length}`) }
  const keyId = new DataView(bytes.buffer, bytes.byteOffset + 1, 4).getUint32(0)
  let iteration: number
  try {
    iteration = decodeVarint(bytes, 5)
  } catch {
    throw new MalformedMessageError('sender-key message iteration is not a varint')
  }
  if (!Number.isSafeInteger(iteration) || iteration > 0xffffffff) { throw new MalformedMessageError('sender-key message iteration out of range') }
  const headerLength = 5 + encodingLength(iteration)
  if (bytes.length < headerLength + NONCE_LENGTH + TAG_LENGTH + SIGNATURE_LENGTH) { throw new MalformedMessageError(`sender-key message too short: length=${bytes.length}`) }
  return { header: { keyId, iteration }, headerLength }
}
