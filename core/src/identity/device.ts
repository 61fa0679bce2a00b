/**
 * Accounts and their devices (PROTOCOL.md "Device lists").
 *
 * Each device has an Ed25519 signing key and an X25519 identity key. The
 * account signs the versioned list of its devices: a did:key account with its
 * Ed25519 key, a did:pkh account with one SIWE authorization from its wallet.
 */

import { utf8ToBytes } from '@noble/hashes/utils.js'
import { systemRandom } from '../crypto/random.ts'
import { InvalidRecordError, InvalidSignatureError, MalformedMessageError } from '../errors.ts'
import { MAX_DEVICE_LIST_BYTES, MAX_DEVICES, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from '../protocol/constants.ts'
import { DeviceList, SignedDeviceList } from '../protocol/pb/identity.ts'
import { hex, own } from '../utils/bytes.ts'
import { checksumAddress, didKeyFromPublicKey, didPkhFromAddress, parseUserId } from './did.ts'
import { ed25519KeyPair, generateEd25519, generateX25519, signWithContext, verifyWithContext } from './keys.ts'
import type { KeyPair } from './keys.ts'
import type { SiweFields } from './siwe.ts'
import type { RandomSource } from '../crypto/random.ts'

export const DEVICE_LIST_CONTEXT = utf8ToBytes('hypha/v1/device-list')

/** A did:key account: its Ed25519 key pair */
export interface KeyPairAccount {
  kind: 'key'
  userId: string
  keyPair: KeyPair
}

/** A did:pkh account: the wallet keeps the key; Hypha keeps the address */
export interface WalletAccount {
  kind: 'pkh'
  userId: string
  address: string
}

export type Account = KeyPairAccount | WalletAccount

/**
 * What Hypha needs of a wallet: its address and EIP-191 personal_sign. An
 * ethers `Wallet` fits as is; an EIP-1193 provider fits with a small adapter.
 */
export interface WalletSigner {
  getAddress(): Promise<string> | string
  signMessage(message: string): Promise<string | Uint8Array>
}

export interface DeviceKeys {
  signing: KeyPair
  identity: KeyPair
}

export interface DeviceRecordFields {
  signingKey: Uint8Array
  identityKey: Uint8Array
}

/** A device list whose account signature has been checked */
export interface VerifiedDeviceList {
  userId: string
  version: number
  devices: DeviceRecordFields[]
  /** The signed record as received */
  signed: SignedDeviceList
}

export async function createKeyPairAccount (random: RandomSource = systemRandom): Promise<KeyPairAccount> {
  const keyPair = await generateEd25519(random)
  return { kind: 'key', userId: didKeyFromPublicKey(keyPair.publicKey), keyPair }
}

export async function keyPairAccountFromSecret (secretKey: Uint8Array): Promise<KeyPairAccount> {
  const keyPair = await ed25519KeyPair(secretKey)
  return { kind: 'key', userId: didKeyFromPublicKey(keyPair.publicKey), keyPair }
}

export async function walletAccount (wallet: WalletSigner): Promise<WalletAccount> {
  const address = await wallet.getAddress()
  return { kind: 'pkh', userId: didPkhFromAddress(address), address: checksumAddress(address) }
}

/** The account of a did:pkh user id (no secret: the wallet keeps it) */
export function walletAccountFromUserId (userId: string): WalletAccount {
  const id = parseUserId(userId)
  if (id.kind !== 'pkh') { throw new TypeError('expected a did:pkh user id') }
  return { kind: 'pkh', userId, address: id.address }
}

export async function generateDeviceKeys (random: RandomSource = systemRandom): Promise<DeviceKeys> {
  return { signing: await generateEd25519(random), identity: await generateX25519(random) }
}

export function encodeDeviceList (userId: string, version: number, devices: DeviceRecordFields[]): Uint8Array {
  checkDevices(devices)
  if (!Number.isInteger(version) || version < 1 || version > 0xffffffff) {
    throw new RangeError(`device list version must be an integer in 1..2^32-1, got ${version}`)
  }
  parseUserId(userId)
  return DeviceList.encode({
    userId,
    version,
    devices: devices.map(d => ({ signingKey: own(d.signingKey), identityKey: own(d.identityKey) }))
  })
}

/** The account signs a new version of its device list (did:key accounts) */
export async function signDeviceList (account: KeyPairAccount, version: number, devices: DeviceRecordFields[]): Promise<SignedDeviceList> {
  const list = encodeDeviceList(account.userId, version, devices)
  const signature = await signWithContext(account.keyPair.secretKey, DEVICE_LIST_CONTEXT, list)
  return { list: own(list), ed25519Signature: own(signature) }
}

/**
 * The wallet authorizes a new version of the device list with one EIP-4361
 * message (did:pkh accounts). `fields` default: chain 1, a random nonce, now.
 */
export async function authorizeDeviceList (
  wallet: WalletSigner,
  version: number,
  devices: DeviceRecordFields[],
  fields: Pick<SiweFields, 'domain' | 'uri'> & Partial<SiweFields>,
  random: RandomSource = systemRandom
): Promise<SignedDeviceList> {
  // secp256k1 and keccak load with the first wallet a device signs for or checks: a tab of key pairs never needs them
  const { recoverPersonalSigner, renderSiweMessage, siweNonce } = await import('./siwe.ts')
  const account = await walletAccount(wallet)
  const list = encodeDeviceList(account.userId, version, devices)
  const siwe: SiweFields = {
    chainId: fields.chainId ?? 1,
    nonce: fields.nonce ?? siweNonce(random),
    issuedAt: fields.issuedAt ?? new Date().toISOString(),
    domain: fields.domain,
    uri: fields.uri
  }
  const message = renderSiweMessage(account.address, version, list, siwe)
  const signature = parseEthSignature(await wallet.signMessage(message))
  // a wallet that signed something else is caught here, not by every contact later
  if (recoverPersonalSigner(message, signature) !== account.address) {
    throw new InvalidSignatureError('the wallet signature does not recover to the wallet address')
  }
  return { list: own(list), siwe: { ...siwe, signature: own(signature) } }
}

/**
 * Checks a signed device list: decodes within bounds, checks the user id, the
 * devices and the account's signature. `expectedUserId`, when given, must match.
 */
export async function verifyDeviceList (signed: SignedDeviceList | Uint8Array, expectedUserId?: string): Promise<VerifiedDeviceList> {
  const record = signed instanceof Uint8Array ? decodeSignedDeviceList(signed) : signed
  if (record.list.length > MAX_DEVICE_LIST_BYTES) { throw new InvalidRecordError('device list too large') }
  let list: DeviceList
  try {
    list = DeviceList.decode(record.list, { limits: { devices: MAX_DEVICES } })
  } catch (err: any) {
    throw new MalformedMessageError(`device list does not decode: ${err.message}`)
  }
  if (expectedUserId != null && list.userId !== expectedUserId) {
    throw new InvalidRecordError(`device list is for ${list.userId}, expected ${expectedUserId}`)
  }
  if (list.version < 1) { throw new InvalidRecordError('device list version must be at least 1') }
  checkDevices(list.devices)
  const id = parseUserId(list.userId)
  if (id.kind === 'key') {
    if (record.siwe != null || record.ed25519Signature == null || record.ed25519Signature.length !== SIGNATURE_LENGTH) {
      throw new InvalidSignatureError('a did:key device list needs exactly one Ed25519 signature')
    }
    if (!(await verifyWithContext(record.ed25519Signature, DEVICE_LIST_CONTEXT, record.list, id.publicKey))) {
      throw new InvalidSignatureError('device list signature does not verify with the account key')
    }
  } else {
    if (record.ed25519Signature != null || record.siwe == null) {
      throw new InvalidSignatureError('a did:pkh device list needs exactly one SIWE authorization')
    }
    const { verifySiweProof } = await import('./siwe.ts')
    verifySiweProof(id.address, list.version, record.list, record.siwe)
  }
  return { userId: list.userId, version: list.version, devices: list.devices, signed: record }
}

export function decodeSignedDeviceList (bytes: Uint8Array): SignedDeviceList {
  if (bytes.length > MAX_DEVICE_LIST_BYTES) { throw new InvalidRecordError('signed device list too large') }
  try {
    return SignedDeviceList.decode(bytes)
  } catch (err: any) {
    throw new MalformedMessageError(`signed device list does not decode: ${err.message}`)
  }
}

export function encodeSignedDeviceList (signed: SignedDeviceList): Uint8Array {
  return SignedDeviceList.encode(signed)
}

/** The device of `list` with this signing key, or undefined */
export function findDevice (list: VerifiedDeviceList, signingKey: Uint8Array): DeviceRecordFields | undefined {
  const wanted = hex(signingKey)
  return list.devices.find(d => hex(d.signingKey) === wanted)
}

function checkDevices (devices: DeviceRecordFields[]): void {
  if (devices.length < 1 || devices.length > MAX_DEVICES) {
    throw new InvalidRecordError(`a device list holds 1 to ${MAX_DEVICES} devices, got ${devices.length}`)
  }
  const seen = new Set<string>()
  for (const d of devices) {
    if (d.signingKey.length !== PUBLIC_KEY_LENGTH || d.identityKey.length !== PUBLIC_KEY_LENGTH) {
      throw new InvalidRecordError('device keys must be 32 bytes each')
    }
    const key = hex(d.signingKey)
    if (seen.has(key)) { throw new InvalidRecordError('a device is listed twice') }
    seen.add(key)
  }
}

function parseEthSignature (signature: string | Uint8Array): Uint8Array {
  if (signature instanceof Uint8Array) { return signature }
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) { throw new InvalidSignatureError('wallet returned a signature that is not 65 bytes of hex') }
  const out = new Uint8Array(65)
  for (let i = 0; i < 65; i++) { out[i] = parseInt(signature.slice(2 + 2 * i, 4 + 2 * i), 16) }
  return out
}
