/**
 * Prekeys and bundles (PROTOCOL.md "Prekey bundles"): what a device publishes
 * so others can start a session while it is offline.
 */

import { utf8ToBytes } from '@noble/hashes/utils.js'
import { ml_kem768 as mlKem768 } from '@noble/post-quantum/ml-kem.js'
import { InvalidRecordError, InvalidSignatureError } from '../errors.ts'
import { findDevice } from '../identity/device.ts'
import { generateX25519, signWithContext, verifyWithContext, x25519KeyPair } from '../identity/keys.ts'
import { KEM_PUBLIC_KEY_LENGTH, MAX_BUNDLE_BYTES, KEM_SEED_LENGTH, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from '../protocol/constants.ts'
import { PrekeyBundle } from '../protocol/pb/identity.ts'
import { concat, constantTimeEqual, own, uint32be } from '../utils/bytes.ts'
import { systemRandom } from './random.ts'
import type { RandomSource } from './random.ts'
import type { DeviceKeys, VerifiedDeviceList } from '../identity/device.ts'
import type { KeyPair } from '../identity/keys.ts'

export const SIGNED_PREKEY_CONTEXT = utf8ToBytes('hypha/v1/signed-prekey')
export const KEM_PREKEY_CONTEXT = utf8ToBytes('hypha/v1/kem-prekey')

export interface SignedX25519Prekey {
  id: number
  keyPair: KeyPair
  signature: Uint8Array
}

export interface SignedKemPrekey {
  id: number
  /** 64-byte ML-KEM-768 key generation seed: the secret kept and backed up */
  seed: Uint8Array
  publicKey: Uint8Array
  secretKey: Uint8Array
  signature: Uint8Array
}

export interface OneTimePrekey {
  id: number
  keyPair: KeyPair
}

/** The bytes a device signs for a prekey: its id (4 bytes big-endian) then the public key */
function prekeyMessage (id: number, publicKey: Uint8Array): Uint8Array {
  return concat([uint32be(id), publicKey])
}

export async function generateSignedPrekey (device: DeviceKeys, id: number, random: RandomSource = systemRandom): Promise<SignedX25519Prekey> {
  const keyPair = await generateX25519(random)
  const signature = await signWithContext(device.signing.secretKey, SIGNED_PREKEY_CONTEXT, prekeyMessage(id, keyPair.publicKey))
  return { id, keyPair, signature }
}

export async function signedPrekeyFromSecret (device: DeviceKeys, id: number, secretKey: Uint8Array): Promise<SignedX25519Prekey> {
  const keyPair = await x25519KeyPair(secretKey)
  const signature = await signWithContext(device.signing.secretKey, SIGNED_PREKEY_CONTEXT, prekeyMessage(id, keyPair.publicKey))
  return { id, keyPair, signature }
}

export async function kemPrekeyFromSeed (device: DeviceKeys, id: number, seed: Uint8Array): Promise<SignedKemPrekey> {
  if (seed.length !== KEM_SEED_LENGTH) { throw new TypeError(`expected ML-KEM seed of length ${KEM_SEED_LENGTH}, got length=${seed.length}`) }
  const { publicKey, secretKey } = mlKem768.keygen(seed)
  const signature = await signWithContext(device.signing.secretKey, KEM_PREKEY_CONTEXT, prekeyMessage(id, publicKey))
  return { id, seed, publicKey, secretKey, signature }
}

export async function generateKemPrekey (device: DeviceKeys, id: number, random: RandomSource = systemRandom): Promise<SignedKemPrekey> {
  return kemPrekeyFromSeed(device, id, random(KEM_SEED_LENGTH))
}

export async function generateOneTimePrekeys (firstId: number, count: number, random: RandomSource = systemRandom): Promise<OneTimePrekey[]> {
  const out: OneTimePrekey[] = []
  for (let i = 0; i < count; i++) { out.push({ id: firstId + i, keyPair: await generateX25519(random) }) }
  return out
}

/** A bundle to publish for one device, optionally with one of its one-time prekeys */
export function createBundle (userId: string, device: DeviceKeys, signedPrekey: SignedX25519Prekey, kemPrekey: SignedKemPrekey, oneTimePrekey?: OneTimePrekey): PrekeyBundle {
  return {
    userId,
    signingKey: own(device.signing.publicKey),
    identityKey: own(device.identity.publicKey),
    signedPrekey: { id: signedPrekey.id, publicKey: own(signedPrekey.keyPair.publicKey), signature: own(signedPrekey.signature) },
    kemPrekey: { id: kemPrekey.id, publicKey: own(kemPrekey.publicKey), signature: own(kemPrekey.signature) },
    oneTimePrekey: oneTimePrekey == null ? undefined : { id: oneTimePrekey.id, publicKey: own(oneTimePrekey.keyPair.publicKey) }
  }
}

export function encodeBundle (bundle: PrekeyBundle): Uint8Array {
  return PrekeyBundle.encode(bundle)
}

export function decodeBundle (bytes: Uint8Array): PrekeyBundle {
  if (bytes.length > MAX_BUNDLE_BYTES) {
    throw new InvalidRecordError(`prekey bundle of ${bytes.length} bytes is over the ${MAX_BUNDLE_BYTES}-byte limit`)
  }
  try {
    return PrekeyBundle.decode(bytes)
  } catch (err: any) {
    throw new InvalidRecordError(`prekey bundle does not decode: ${err.message}`)
  }
}

/** A bundle whose device is in the verified device list and whose prekey signatures hold */
export interface VerifiedBundle {
  userId: string
  signingKey: Uint8Array
  identityKey: Uint8Array
  signedPrekey: { id: number, publicKey: Uint8Array }
  kemPrekey: { id: number, publicKey: Uint8Array }
  oneTimePrekey?: { id: number, publicKey: Uint8Array }
}

/**
 * Verifies a bundle before use: the device belongs to `deviceList` (already
 * verified against the account), and the device signed both prekeys.
 */
export async function verifyBundle (bundle: PrekeyBundle, deviceList: VerifiedDeviceList): Promise<VerifiedBundle> {
  if (bundle.userId !== deviceList.userId) { throw new InvalidRecordError(`bundle is for ${bundle.userId}, device list for ${deviceList.userId}`) }
  const device = findDevice(deviceList, bundle.signingKey)
  if (device == null) { throw new InvalidRecordError('bundle device is not in the account\'s device list') }
  if (!constantTimeEqual(device.identityKey, bundle.identityKey)) { throw new InvalidRecordError('bundle identity key differs from the device list') }
  const spk = bundle.signedPrekey
  const kem = bundle.kemPrekey
  if (spk == null || kem == null) { throw new InvalidRecordError('bundle lacks a signed prekey or a KEM prekey') }
  if (spk.publicKey.length !== PUBLIC_KEY_LENGTH || spk.signature.length !== SIGNATURE_LENGTH) { throw new InvalidRecordError('signed prekey has wrong lengths') }
  if (kem.publicKey.length !== KEM_PUBLIC_KEY_LENGTH || kem.signature.length !== SIGNATURE_LENGTH) { throw new InvalidRecordError('KEM prekey has wrong lengths') }
  const otk = bundle.oneTimePrekey
  if (otk != null && otk.publicKey.length !== PUBLIC_KEY_LENGTH) { throw new InvalidRecordError('one-time prekey has wrong length') }
  const [spkOk, kemOk] = await Promise.all([
    verifyWithContext(spk.signature, SIGNED_PREKEY_CONTEXT, prekeyMessage(spk.id, spk.publicKey), bundle.signingKey),
    verifyWithContext(kem.signature, KEM_PREKEY_CONTEXT, prekeyMessage(kem.id, kem.publicKey), bundle.signingKey)
  ])
  if (!spkOk) { throw new InvalidSignatureError('signed prekey signature does not verify') }
  if (!kemOk) { throw new InvalidSignatureError('KEM prekey signature does not verify') }
  return {
    userId: bundle.userId,
    signingKey: bundle.signingKey,
    identityKey: bundle.identityKey,
    signedPrekey: { id: spk.id, publicKey: spk.publicKey },
    kemPrekey: { id: kem.id, publicKey: kem.publicKey },
    oneTimePrekey: otk == null ? undefined : { id: otk.id, publicKey: otk.publicKey }
  }
}
