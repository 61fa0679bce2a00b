import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { assertBytes, isAllZero, lowOrder } from './checks.ts'
import type { Curves } from './index.ts'

export const nobleCurves: Curves = {
  name: 'noble',
  async ed25519PublicKey (secret) {
    assertBytes(secret, 32, 'Ed25519 secret key')
    return ed25519.getPublicKey(secret)
  },
  async ed25519Sign (secret, message) {
    assertBytes(secret, 32, 'Ed25519 secret key')
    return ed25519.sign(message, secret)
  },
  async ed25519Verify (signature, message, publicKey) {
    if (signature.length !== 64 || publicKey.length !== 32) { return false }
    try {
      // zip215: false = RFC 8032 strict, which is what WebCrypto does
      return ed25519.verify(signature, message, publicKey, { zip215: false })
    } catch {
      return false
    }
  },
  async x25519PublicKey (secret) {
    assertBytes(secret, 32, 'X25519 secret key')
    return x25519.getPublicKey(secret)
  },
  async x25519 (secret, publicKey) {
    assertBytes(secret, 32, 'X25519 secret key')
    assertBytes(publicKey, 32, 'X25519 public key')
    let shared: Uint8Array
    try {
      shared = x25519.getSharedSecret(secret, publicKey)
    } catch {
      throw lowOrder()
    }
    if (isAllZero(shared)) { throw lowOrder() }
    return shared
  }
}
