import { equalBytes } from '@noble/ciphers/utils.js'
import { base64url } from 'multiformats/bases/base64'
import { assertBytes, lowOrder } from './checks.ts'
import type { Curves } from './index.ts'

// PKCS#8 wrappers of a raw 32-byte secret (RFC 8410): fixed prefix || secret
const ED25519_PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20])
const X25519_PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20])

function pkcs8 (prefix: Uint8Array, secret: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(prefix.length + secret.length)
  out.set(prefix)
  out.set(secret, prefix.length)
  return out
}

function buffer (bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? bytes as Uint8Array<ArrayBuffer> : new Uint8Array(bytes)
}

/**
 * Imported private keys, cached by the identity of the secret's Uint8Array
 * (long-lived keys such as device and ratchet keys are imported once), and
 * checked against a copy of the bytes they were imported from: a secret
 * overwritten in place is imported again, never served stale. Weak, so a
 * dropped secret takes its CryptoKey with it.
 */
interface CachedKey { bytes: Uint8Array, key: Promise<CryptoKey> }
const signingKeys = new WeakMap<Uint8Array, CachedKey>()
const dhKeys = new WeakMap<Uint8Array, CachedKey>()

function cached (cache: WeakMap<Uint8Array, CachedKey>, secret: Uint8Array, load: () => Promise<CryptoKey>): Promise<CryptoKey> {
  const hit = cache.get(secret)
  if (hit != null && equalBytes(hit.bytes, secret)) {
    return hit.key
  }
  const entry = { bytes: Uint8Array.from(secret), key: load() }
  cache.set(secret, entry)
  entry.key.catch(() => cache.delete(secret))
  return entry.key
}

async function publicFromJwk (subtle: SubtleCrypto, algorithm: string, prefix: Uint8Array, secret: Uint8Array, cache: WeakMap<Uint8Array, CachedKey>): Promise<Uint8Array> {
  const load = async (): Promise<CryptoKey> => subtle.importKey('pkcs8', pkcs8(prefix, secret), { name: algorithm }, true, algorithm === 'Ed25519' ? ['sign'] : ['deriveBits'])
  // the import is cached: a new key's first sign or DH, which usually follows, skips it
  let key = await cached(cache, secret, load)
  if (!key.extractable) {
    key = await load()
  }
  const jwk = await subtle.exportKey('jwk', key)
  if (typeof jwk.x !== 'string') { throw new Error(`WebCrypto returned no public key for ${algorithm}`) }
  return base64url.baseDecode(jwk.x)
}

function make (subtle: SubtleCrypto): Curves {
  const ed25519Private = (secret: Uint8Array): Promise<CryptoKey> =>
    cached(signingKeys, secret, async () => subtle.importKey('pkcs8', pkcs8(ED25519_PKCS8_PREFIX, secret), { name: 'Ed25519' }, false, ['sign']))
  const x25519Private = (secret: Uint8Array): Promise<CryptoKey> =>
    cached(dhKeys, secret, async () => subtle.importKey('pkcs8', pkcs8(X25519_PKCS8_PREFIX, secret), { name: 'X25519' }, false, ['deriveBits']))

  return {
    name: 'webcrypto',
    async ed25519PublicKey (secret) {
      assertBytes(secret, 32, 'Ed25519 secret key')
      return publicFromJwk(subtle, 'Ed25519', ED25519_PKCS8_PREFIX, secret, signingKeys)
    },
    async ed25519Sign (secret, message) {
      assertBytes(secret, 32, 'Ed25519 secret key')
      return new Uint8Array(await subtle.sign({ name: 'Ed25519' }, await ed25519Private(secret), buffer(message)))
    },
    async ed25519Verify (signature, message, publicKey) {
      if (signature.length !== 64 || publicKey.length !== 32) { return false }
      try {
        const key = await subtle.importKey('raw', buffer(publicKey), { name: 'Ed25519' }, false, ['verify'])
        return await subtle.verify({ name: 'Ed25519' }, key, buffer(signature), buffer(message))
      } catch {
        return false
      }
    },
    async x25519PublicKey (secret) {
      assertBytes(secret, 32, 'X25519 secret key')
      return publicFromJwk(subtle, 'X25519', X25519_PKCS8_PREFIX, secret, dhKeys)
    },
    async x25519 (secret, publicKey) {
      assertBytes(secret, 32, 'X25519 secret key')
      assertBytes(publicKey, 32, 'X25519 public key')
      const priv = await x25519Private(secret)
      try {
        const pub = await subtle.importKey('raw', buffer(publicKey), { name: 'X25519' }, false, [])
        // WebCrypto rejects an all-zero result (low-order public key) with OperationError
        return new Uint8Array(await subtle.deriveBits({ name: 'X25519', public: pub }, priv, 256))
      } catch {
        throw lowOrder()
      }
    }
  }
}

/**
 * WebCrypto curves, or undefined when this runtime lacks Ed25519 or X25519 in
 * `crypto.subtle` (then use noble).
 */
export async function webCryptoCurves (): Promise<Curves | undefined> {
  const subtle = globalThis.crypto?.subtle
  if (subtle == null) { return undefined }
  try {
    const impl = make(subtle)
    const probe = new Uint8Array(32).fill(7)
    const [edPub, xPub] = await Promise.all([impl.ed25519PublicKey(probe), impl.x25519PublicKey(probe)])
    const sig = await impl.ed25519Sign(probe, probe)
    if (!(await impl.ed25519Verify(sig, probe, edPub)) || xPub.length !== 32) { return undefined }
    await impl.x25519(probe, xPub)
    return impl
  } catch {
    return undefined
  }
}
