/**
 * A local identity: the account, this device's keys, its signed device list
 * and its prekeys. Everything a device needs to publish bundles, start and
 * accept sessions, and to be backed up.
 */

import { createBundle, generateKemPrekey, generateOneTimePrekeys, generateSignedPrekey } from '../crypto/prekeys.ts'
import { systemRandom } from '../crypto/random.ts'
import { InvalidRecordError } from '../errors.ts'
import { MAX_NAME_LENGTH, MAX_ONE_TIME_PREKEYS } from '../protocol/constants.ts'
import { hex } from '../utils/bytes.ts'
import { authorizeDeviceList, createKeyPairAccount, findDevice, generateDeviceKeys, signDeviceList, verifyDeviceList, walletAccount } from './device.ts'
import type { Account, DeviceKeys, WalletSigner } from './device.ts'
import type { SiweFields } from './siwe.ts'
import type { OneTimePrekey, SignedKemPrekey, SignedX25519Prekey } from '../crypto/prekeys.ts'
import type { RandomSource } from '../crypto/random.ts'
import type { LocalDevice, PrekeyStore } from '../crypto/session.ts'
import type { PrekeyBundle, SignedDeviceList } from '../protocol/pb/identity.ts'

export interface LocalIdentity {
  userId: string
  /** Display name chosen by the user (never verified, never trusted) */
  name: string
  account: Account
  device: DeviceKeys
  deviceList: SignedDeviceList
  signedPrekeys: SignedX25519Prekey[]
  kemPrekeys: SignedKemPrekey[]
  oneTimePrekeys: OneTimePrekey[]
}

export interface CreateIdentityOptions {
  name?: string
  /** One-time prekeys to make (default 20, at most MAX_ONE_TIME_PREKEYS) */
  oneTimePrekeys?: number
  random?: RandomSource
}

function checkName (name: string): string {
  if (name.length > MAX_NAME_LENGTH) { throw new RangeError(`name must be at most ${MAX_NAME_LENGTH} characters`) }
  return name
}

async function prekeysFor (device: DeviceKeys, options: CreateIdentityOptions): Promise<Pick<LocalIdentity, 'signedPrekeys' | 'kemPrekeys' | 'oneTimePrekeys'>> {
  const random = options.random ?? systemRandom
  const count = options.oneTimePrekeys ?? 20
  if (!Number.isInteger(count) || count < 0 || count > MAX_ONE_TIME_PREKEYS) {
    throw new RangeError(`one-time prekeys must be an integer in 0..${MAX_ONE_TIME_PREKEYS}`)
  }
  return {
    signedPrekeys: [await generateSignedPrekey(device, 1, random)],
    kemPrekeys: [await generateKemPrekey(device, 1, random)],
    oneTimePrekeys: await generateOneTimePrekeys(1, count, random)
  }
}

/** A new key-pair (did:key) account with this device as its first device */
export async function createIdentity (options: CreateIdentityOptions = {}): Promise<LocalIdentity> {
  const random = options.random ?? systemRandom
  const account = await createKeyPairAccount(random)
  const device = await generateDeviceKeys(random)
  const deviceList = await signDeviceList(account, 1, [{ signingKey: device.signing.publicKey, identityKey: device.identity.publicKey }])
  return { userId: account.userId, name: checkName(options.name ?? ''), account, device, deviceList, ...(await prekeysFor(device, options)) }
}

/** A new wallet (did:pkh) identity: the wallet signs one SIWE message authorizing this device */
export async function createWalletIdentity (wallet: WalletSigner, siwe: Pick<SiweFields, 'domain' | 'uri'> & Partial<SiweFields>, options: CreateIdentityOptions = {}): Promise<LocalIdentity> {
  const random = options.random ?? systemRandom
  const account = await walletAccount(wallet)
  const device = await generateDeviceKeys(random)
  const deviceList = await authorizeDeviceList(wallet, 1, [{ signingKey: device.signing.publicKey, identityKey: device.identity.publicKey }], siwe, random)
  return { userId: account.userId, name: checkName(options.name ?? ''), account, device, deviceList, ...(await prekeysFor(device, options)) }
}

/** Checks that an identity is whole: its device list verifies and lists its device */
export async function checkIdentity (identity: LocalIdentity): Promise<void> {
  const list = await verifyDeviceList(identity.deviceList, identity.userId)
  const listed = findDevice(list, identity.device.signing.publicKey)
  if (listed == null || hex(listed.identityKey) !== hex(identity.device.identity.publicKey)) {
    throw new InvalidRecordError('this device is not in the identity\'s device list')
  }
}

/** The handshake's view of this device */
export function localDevice (identity: LocalIdentity): LocalDevice {
  return { userId: identity.userId, keys: identity.device, deviceList: identity.deviceList }
}

/** The bundle to publish, with the first unused one-time prekey if any */
export function currentBundle (identity: LocalIdentity): PrekeyBundle {
  return createBundle(identity.userId, identity.device, identity.signedPrekeys[identity.signedPrekeys.length - 1], identity.kemPrekeys[identity.kemPrekeys.length - 1], identity.oneTimePrekeys[0])
}

/** A PrekeyStore over the identity's own lists (in memory) */
export function prekeyStore (identity: LocalIdentity): PrekeyStore {
  return {
    signedPrekey: id => identity.signedPrekeys.find(k => k.id === id),
    kemPrekey: id => identity.kemPrekeys.find(k => k.id === id),
    oneTimePrekey: id => identity.oneTimePrekeys.find(k => k.id === id),
    removeOneTimePrekey: id => {
      const i = identity.oneTimePrekeys.findIndex(k => k.id === id)
      if (i >= 0) { identity.oneTimePrekeys.splice(i, 1)[0].keyPair.secretKey.fill(0) }
    }
  }
}
