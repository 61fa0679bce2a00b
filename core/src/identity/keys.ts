import { curves } from '../crypto/primitives/index.ts'
import { systemRandom } from '../crypto/random.ts'
import { SECRET_KEY_LENGTH } from '../protocol/constants.ts'
import type { RandomSource } from '../crypto/random.ts'

/** A 32-byte secret and its public key (Ed25519 seed or X25519 scalar) */
export interface KeyPair {
  secretKey: Uint8Array
  publicKey: Uint8Array
}

export async function ed25519KeyPair (secretKey: Uint8Array): Promise<KeyPair> {
  return { secretKey, publicKey: await (await curves()).ed25519PublicKey(secretKey) }
}

export async function x25519KeyPair (secretKey: Uint8Array): Promise<KeyPair> {
  return { secretKey, publicKey: await (await curves()).x25519PublicKey(secretKey) }
}

export async function generateEd25519 (random: RandomSource = systemRandom): Promise<KeyPair> {
  return ed25519KeyPair(random(SECRET_KEY_LENGTH))
}

export async function generateX25519 (random: RandomSource = systemRandom): Promise<KeyPair> {
  return x25519KeyPair(random(SECRET_KEY_LENGTH))
}

/** Ed25519 signature over `context || message`: every signed thing in Hypha has its own context */
export async function signWithContext (secretKey: Uint8Array, context: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  return (await curves()).ed25519Sign(secretKey, withContext(context, message))
}

export async function verifyWithContext (signature: Uint8Array, context: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
  return (await curves()).ed25519Verify(signature, withContext(context, message), publicKey)
}

function withContext (context: Uint8Array, message: Uint8Array): Uint8Array {
  const out = new Uint8Array(context.length + message.length)
  out.set(context)
  out.set(message, context.length)
  return out
}
