/**
 * Encryption at rest of a device's secrets (its identity and its sessions)
 * inside the database: each stored value is sealed with XChaCha20-Poly1305
 * under a 32-byte data key, bound to what it is (`hypha-at-rest/1`).
 *
 * Where the data key lives is up to the platform. In a browser tab it is kept
 * wrapped by a non-extractable WebCrypto key, so the database alone (an
 * IndexedDB copy, a profile backup) opens nothing.
 */

import { fromString } from 'uint8arrays/from-string'
import { open, seal } from '../crypto/aead.ts'
import { KEY_LENGTH } from '../protocol/constants.ts'
import type { RandomSource } from '../crypto/random.ts'

const AT_REST_CONTEXT = fromString('hypha-at-rest/1')

/** Seals and opens stored values; synchronous, as level encodings are */
export interface AtRest {
  seal(plaintext: Uint8Array): Uint8Array
  open(sealed: Uint8Array): Uint8Array
}

/** At-rest sealing under a 32-byte data key (DecryptionError when a value was altered or sealed under another key) */
export function atRestCipher (dataKey: Uint8Array, random?: RandomSource): AtRest {
  if (!(dataKey instanceof Uint8Array) || dataKey.length !== KEY_LENGTH) {
    throw new TypeError(`expected a ${KEY_LENGTH}-byte data key`)
  }
  const key = Uint8Array.from(dataKey)
  return {
    seal: plaintext => seal(key, plaintext, AT_REST_CONTEXT, random),
    open: sealed => open(key, sealed, AT_REST_CONTEXT)
  }
}

/** A level value encoding that seals on write and opens on read */
export function sealedEncoding (atRest: AtRest): { name: string, format: 'view', encode(data: Uint8Array): Uint8Array, decode(data: Uint8Array): Uint8Array } {
  return {
    name: 'hypha-sealed',
    format: 'view',
    encode: data => atRest.seal(data),
    decode: data => atRest.open(data)
  }
}
