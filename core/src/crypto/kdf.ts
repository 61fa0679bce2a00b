/**
 * Key derivation: HKDF-SHA256 (RFC 5869) and the Double Ratchet's chain steps
 * (HMAC-SHA256 with constant inputs 0x01 and 0x02, as in Signal's spec).
 */

import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'

export const INFO = {
  handshake: utf8ToBytes('Hypha PQXDH v1 X25519 ML-KEM-768 SHA-256'),
  sealedSender: utf8ToBytes('Hypha sealed sender v1'),
  ratchet: utf8ToBytes('Hypha ratchet v1'),
  backup: utf8ToBytes('Hypha backup v1')
}

const MESSAGE_KEY_INPUT = Uint8Array.of(0x01)
const CHAIN_KEY_INPUT = Uint8Array.of(0x02)

export function hkdfSha256 (ikm: Uint8Array, salt: Uint8Array | undefined, info: Uint8Array, length: number): Uint8Array {
  return hkdf(sha256, ikm, salt, info, length)
}

/** KDF_RK: (root key, DH output) -> (new root key, chain key) */
export function kdfRoot (rootKey: Uint8Array, dhOutput: Uint8Array): { rootKey: Uint8Array, chainKey: Uint8Array } {
  const out = hkdf(sha256, dhOutput, rootKey, INFO.ratchet, 64)
  return { rootKey: out.slice(0, 32), chainKey: out.slice(32, 64) }
}

/** KDF_CK: chain key -> (next chain key, message key) */
export function kdfChain (chainKey: Uint8Array): { chainKey: Uint8Array, messageKey: Uint8Array } {
  return {
    chainKey: hmac(sha256, chainKey, CHAIN_KEY_INPUT),
    messageKey: hmac(sha256, chainKey, MESSAGE_KEY_INPUT)
  }
}
