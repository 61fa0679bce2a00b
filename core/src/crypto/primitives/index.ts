/**
 * One small interface over the curve operations Hypha uses, with two
 * implementations that must agree on every input (Wycheproof vectors test both):
 *
 * - WebCrypto (`crypto.subtle` Ed25519 and X25519, in Node >= 22 and Chromium),
 * 10-30x faster than JavaScript;
 * - noble (@noble/curves), the fallback where WebCrypto lacks the curves.
 *
 * Symmetric work (XChaCha20-Poly1305, HKDF, HMAC) always uses noble: it is as
 * fast as WebCrypto's for small inputs and synchronous.
 */

import { nobleCurves } from './noble.ts'
import { webCryptoCurves } from './webcrypto.ts'

export interface Curves {
  /** 'webcrypto' or 'noble' */
  readonly name: string
  /** Ed25519 public key of a 32-byte secret seed */
  ed25519PublicKey(secret: Uint8Array): Promise<Uint8Array>
  /** Ed25519 signature (RFC 8032, deterministic) */
  ed25519Sign(secret: Uint8Array, message: Uint8Array): Promise<Uint8Array>
  /** Strict RFC 8032 verification (no ZIP-215 leniency), false on any invalid input */
  ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean>
  /** X25519 public key of a 32-byte secret */
  x25519PublicKey(secret: Uint8Array): Promise<Uint8Array>
  /** X25519 shared secret; rejects with InvalidPublicKeyError when the result is all zero */
  x25519(secret: Uint8Array, publicKey: Uint8Array): Promise<Uint8Array>
}

export { nobleCurves, webCryptoCurves }

let selected: Promise<Curves> | undefined

/**
 * The fastest implementation available here: WebCrypto when it supports both
 * curves, noble otherwise. Detected once.
 */
export async function curves (): Promise<Curves> {
  selected ??= webCryptoCurves().then(webCrypto => webCrypto ?? nobleCurves)
  return selected
}
