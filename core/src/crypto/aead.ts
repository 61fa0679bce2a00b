/**
 * XChaCha20-Poly1305 with a random 24-byte nonce carried in front of the
 * ciphertext: `nonce (24) || ciphertext || tag (16)`. Mesh peers share no
 * counters, and 192-bit random nonces cannot collide in practice (noble-ciphers
 * README, "Nonces").
 */

import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { DecryptionError } from '../errors.ts'
import { KEY_LENGTH, NONCE_LENGTH, TAG_LENGTH } from '../protocol/constants.ts'
import { assertBytes } from './primitives/checks.ts'
import { systemRandom } from './random.ts'
import type { RandomSource } from './random.ts'

/** Bytes added to a plaintext by `seal` */
export const SEAL_OVERHEAD = NONCE_LENGTH + TAG_LENGTH

export function seal (key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array, random: RandomSource = systemRandom): Uint8Array {
  assertBytes(key, KEY_LENGTH, 'AEAD key')
  const nonce = random(NONCE_LENGTH)
  assertBytes(nonce, NONCE_LENGTH, 'nonce')
  const out = new Uint8Array(NONCE_LENGTH + plaintext.length + TAG_LENGTH)
  out.set(nonce)
  xchacha20poly1305(key, nonce, associatedData).encrypt(plaintext, out.subarray(NONCE_LENGTH))
  return out
}

/** Opens `nonce || ciphertext || tag`; any alteration throws DecryptionError */
export function open (key: Uint8Array, sealed: Uint8Array, associatedData: Uint8Array): Uint8Array {
  assertBytes(key, KEY_LENGTH, 'AEAD key')
  if (sealed.length < SEAL_OVERHEAD) {
    throw new DecryptionError(`sealed data too short: expected at least ${SEAL_OVERHEAD} bytes, got length=${sealed.length}`)
  }
  try {
    return xchacha20poly1305(key, sealed.subarray(0, NONCE_LENGTH), associatedData).decrypt(sealed.subarray(NONCE_LENGTH))
  } catch {
    throw new DecryptionError('authentication tag did not verify')
  }
}
