/**
 * An identity as bytes: the BackupPayload of PROTOCOL.md "Backup file", used
 * sealed with a passphrase by backups and as the stored identity of a device.
 * The bytes hold private keys: keep them encrypted at rest where the platform
 * allows (the browser does), never send them.
 */

import { kemPrekeyFromSeed, signedPrekeyFromSecret } from '../crypto/prekeys.ts'
import { InvalidBackupError, InvalidRecordError, MalformedMessageError } from '../errors.ts'
import { KEM_SEED_LENGTH, MAX_DEVICES, MAX_ONE_TIME_PREKEYS, SECRET_KEY_LENGTH } from '../protocol/constants.ts'
import { BackupPayload } from '../protocol/pb/backup.ts'
import { own } from '../utils/bytes.ts'
import { decodeSignedDeviceList, encodeSignedDeviceList, keyPairAccountFromSecret, walletAccountFromUserId } from './device.ts'
import { parseUserId } from './did.ts'
import { checkIdentity } from './identity.ts'
import { ed25519KeyPair, x25519KeyPair } from './keys.ts'
import type { LocalIdentity } from './identity.ts'

export function encodeIdentity (identity: LocalIdentity): Uint8Array {
  return BackupPayload.encode({
    userId: identity.userId,
    accountSecret: identity.account.kind === 'key' ? own(identity.account.keyPair.secretKey) : undefined,
    name: identity.name,
    deviceList: own(encodeSignedDeviceList(identity.deviceList)),
    devices: [{
      signingSecret: own(identity.device.signing.secretKey),
      identitySecret: own(identity.device.identity.secretKey),
      signedPrekeys: identity.signedPrekeys.map(k => ({ id: k.id, secret: own(k.keyPair.secretKey) })),
      kemPrekeys: identity.kemPrekeys.map(k => ({ id: k.id, secret: own(k.seed) })),
      oneTimePrekeys: identity.oneTimePrekeys.map(k => ({ id: k.id, secret: own(k.keyPair.secretKey) }))
    }]
  })
}

function secret (bytes: Uint8Array, length: number, what: string): Uint8Array {
  if (bytes.length !== length) { throw new InvalidBackupError(`identity ${what} must be ${length} bytes`) }
  return Uint8Array.from(bytes)
}

/**
 * The identity back from `encodeIdentity` bytes, checked: keys recomputed,
 * device list verified against the user id. InvalidBackupError otherwise.
 */
export async function decodeIdentity (bytes: Uint8Array): Promise<LocalIdentity> {
  let payload: BackupPayload
  try {
    payload = BackupPayload.decode(bytes, { limits: { devices: MAX_DEVICES } })
  } catch (err: any) {
    throw new InvalidBackupError(`backup payload does not decode: ${err.message}`)
  }
  const device = payload.devices[0]
  if (device == null) { throw new InvalidBackupError('backup holds no device') }
  if (device.oneTimePrekeys.length > MAX_ONE_TIME_PREKEYS) { throw new InvalidBackupError('backup holds too many one-time prekeys') }
  try {
    const id = parseUserId(payload.userId)
    // a did:key account signs its device lists with its own key: without it the identity could not add a device
    if (payload.accountSecret == null && id.kind !== 'pkh') { throw new InvalidBackupError('a did:key backup must hold its account secret') }
    const keys = {
      signing: await ed25519KeyPair(secret(device.signingSecret, SECRET_KEY_LENGTH, 'signing secret')),
      identity: await x25519KeyPair(secret(device.identitySecret, SECRET_KEY_LENGTH, 'identity secret'))
    }
    const account = payload.accountSecret != null
      ? await keyPairAccountFromSecret(secret(payload.accountSecret, SECRET_KEY_LENGTH, 'account secret'))
      : walletAccountFromUserId(payload.userId)
    if (account.userId !== payload.userId) { throw new InvalidBackupError('backup account secret does not match its user id') }
    const identity: LocalIdentity = {
      userId: payload.userId,
      name: payload.name,
      account,
      device: keys,
      // a copy: the decoded fields are views into `bytes`, which the caller may wipe
      deviceList: decodeSignedDeviceList(own(payload.deviceList)),
      signedPrekeys: await Promise.all(device.signedPrekeys.map(async k => signedPrekeyFromSecret(keys, k.id, secret(k.secret, SECRET_KEY_LENGTH, 'signed prekey')))),
      kemPrekeys: await Promise.all(device.kemPrekeys.map(async k => kemPrekeyFromSeed(keys, k.id, secret(k.secret, KEM_SEED_LENGTH, 'KEM prekey seed')))),
      oneTimePrekeys: await Promise.all(device.oneTimePrekeys.map(async k => ({ id: k.id, keyPair: await x25519KeyPair(secret(k.secret, SECRET_KEY_LENGTH, 'one-time prekey')) })))
    }
    if (identity.signedPrekeys.length === 0 || identity.kemPrekeys.length === 0) { throw new InvalidBackupError('backup holds no signed prekeys') }
    await checkIdentity(identity)
    return identity
  } catch (err: any) {
    if (err instanceof InvalidBackupError) { throw err }
    if (err instanceof InvalidRecordError || err instanceof MalformedMessageError || err.name === 'InvalidSignatureError' || err.name === 'InvalidUserIdError') {
      throw new InvalidBackupError(`backup content is inconsistent: ${err.message}`)
    }
    throw err
  }
}
