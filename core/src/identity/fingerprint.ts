/**
 * Safety numbers (PROTOCOL.md "Safety numbers"), as Signal computes them:
 * for each user, SHA-512 iterated 5,200 times over
 * `version (2 bytes, 0) || account key || user id || previous hash`, starting
 * from `version || account key || user id`; the first 30 bytes make 6 groups of 5 bytes,
 * each read as a big-endian integer mod 100,000 and written as 5 digits. The
 * safety number is the two 30-digit strings, the smaller first: the same on
 * both sides.
 *
 * The account key is the Ed25519 public key of a did:key account, or the
 * 20-byte address of a did:pkh account: what the user id stands for.
 */

import { sha512 } from '@noble/hashes/sha2.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'
import { base64url } from 'multiformats/bases/base64'
import { MalformedMessageError } from '../errors.ts'
import { FINGERPRINT_ITERATIONS } from '../protocol/constants.ts'
import { concat, constantTimeEqual } from '../utils/bytes.ts'
import { addressBytes, parseUserId } from './did.ts'

const FINGERPRINT_VERSION = Uint8Array.of(0, 0)
/** Prefix of the text a safety-number QR code carries */
export const SAFETY_QR_PREFIX = 'hypha-safety:1:'

/** 32-byte fingerprint of one user (the first 30 bytes make the digits) */
export function fingerprint (userId: string): Uint8Array {
  const id = parseUserId(userId)
  const key = id.kind === 'key' ? id.publicKey : addressBytes(id.address)
  const name = utf8ToBytes(userId)
  let hash = sha512(concat([FINGERPRINT_VERSION, key, name]))
  for (let i = 1; i < FINGERPRINT_ITERATIONS; i++) {
    hash = sha512(concat([hash, key, name]))
  }
  return hash.slice(0, 32)
}

function digits (fp: Uint8Array): string {
  let out = ''
  for (let i = 0; i < 30; i += 5) {
    // 5 bytes = 40 bits: exact in a double
    const chunk = fp[i] * 2 ** 32 + ((fp[i + 1] << 24) >>> 0) + (fp[i + 2] << 16) + (fp[i + 3] << 8) + fp[i + 4]
    out += String(chunk % 100000).padStart(5, '0')
  }
  return out
}

/** The 60-digit safety number of two users; the same whichever side computes it */
export function safetyNumber (userA: string, userB: string): string {
  const a = digits(fingerprint(userA))
  const b = digits(fingerprint(userB))
  return a < b ? a + b : b + a
}

/** Groups a safety number for display: 12 groups of 5 digits */
export function formatSafetyNumber (number: string): string {
  return number.match(/.{1,5}/g)?.join(' ') ?? number
}

/** The text to show as a QR code on `local`'s screen when verifying `remote` */
export function safetyQrPayload (local: string, remote: string): string {
  return SAFETY_QR_PREFIX + base64url.baseEncode(concat([fingerprint(local), fingerprint(remote)]))
}

/**
 * Checks a QR payload scanned from the other side's screen: it must carry the
 * other side's fingerprint then ours. True when the two sides agree.
 */
export function verifySafetyQr (local: string, remote: string, scanned: string): boolean {
  if (!scanned.startsWith(SAFETY_QR_PREFIX)) { throw new MalformedMessageError('not a Hypha safety-number QR code') }
  let bytes: Uint8Array
  try {
    bytes = base64url.baseDecode(scanned.slice(SAFETY_QR_PREFIX.length))
  } catch {
    return false
  }
  if (bytes.length !== 64) { return false }
  return constantTimeEqual(bytes, concat([fingerprint(remote), fingerprint(local)]))
}
