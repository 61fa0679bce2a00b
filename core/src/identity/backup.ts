/**
 * Encrypted backup of an identity (PROTOCOL.md "Backup file"):
 *
 * ```
 * "HYPHABK1" (8 bytes) || BackupFile (protobuf)
 * key = scrypt(NFKC(passphrase), salt, N = 2^log_n, r, p, 32 bytes)
 * sealed = nonce (24) || XChaCha20-Poly1305(key, BackupPayload, ad = "HYPHABK1" || log_n || r || p || salt)
 * ```
 *
 * The scrypt parameters travel in the file and are bound into the AEAD's
 * associated data; readers accept only the bounded range in constants.ts.
 */

import { scryptAsync } from '@noble/hashes/scrypt.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'
import { open, seal } from '../crypto/aead.ts'
import { systemRandom } from '../crypto/random.ts'
import { DecryptionError, InvalidBackupError, WrongPassphraseError } from '../errors.ts'
import {
  BACKUP_SALT_LENGTH, BACKUP_SCRYPT_LOG_N, BACKUP_SCRYPT_P, BACKUP_SCRYPT_R,
  MAX_BACKUP_BYTES, MAX_BACKUP_SCRYPT_LOG_N, MIN_BACKUP_SCRYPT_LOG_N
} from '../protocol/constants.ts'
import { BackupFile } from '../protocol/pb/backup.ts'
import { concat, own, uint32be, wipe } from '../utils/bytes.ts'
import { decodeIdentity, encodeIdentity } from './identity-record.ts'
import type { LocalIdentity } from './identity.ts'
import type { RandomSource } from '../crypto/random.ts'

export const BACKUP_MAGIC = utf8ToBytes('HYPHABK1')

export interface ExportBackupOptions {
  /** scrypt cost as a power of two (default BACKUP_SCRYPT_LOG_N) */
  logN?: number
  random?: RandomSource
}

function passphraseBytes (passphrase: string): Uint8Array {
  if (typeof passphrase !== 'string' || passphrase.length === 0) { throw new RangeError('passphrase must be a non-empty string') }
  return utf8ToBytes(passphrase.normalize('NFKC'))
}

function associatedData (file: Pick<BackupFile, 'scryptLogN' | 'scryptR' | 'scryptP' | 'salt'>): Uint8Array {
  return concat([BACKUP_MAGIC, uint32be(file.scryptLogN), uint32be(file.scryptR), uint32be(file.scryptP), file.salt])
}

async function deriveKey (passphrase: string, file: Pick<BackupFile, 'scryptLogN' | 'scryptR' | 'scryptP' | 'salt'>): Promise<Uint8Array> {
  const secret = passphraseBytes(passphrase)
  const key = await scryptAsync(secret, file.salt, { N: 2 ** file.scryptLogN, r: file.scryptR, p: file.scryptP, dkLen: 32, maxmem: 2 ** (file.scryptLogN + 8) * file.scryptR + 1024 * 1024 })
  wipe(secret)
  return key
}

/** Seals the identity and all its device secrets with a passphrase */
export async function exportBackup (identity: LocalIdentity, passphrase: string, options: ExportBackupOptions = {}): Promise<Uint8Array> {
  const random = options.random ?? systemRandom
  const logN = options.logN ?? BACKUP_SCRYPT_LOG_N
  if (!Number.isInteger(logN) || logN < MIN_BACKUP_SCRYPT_LOG_N || logN > MAX_BACKUP_SCRYPT_LOG_N) {
    throw new RangeError(`scrypt logN must be in ${MIN_BACKUP_SCRYPT_LOG_N}..${MAX_BACKUP_SCRYPT_LOG_N}`)
  }
  const params = { scryptLogN: logN, scryptR: BACKUP_SCRYPT_R, scryptP: BACKUP_SCRYPT_P, salt: own(random(BACKUP_SALT_LENGTH)) }
  const payload = encodeIdentity(identity)
  const key = await deriveKey(passphrase, params)
  const sealed = seal(key, payload, associatedData(params), random)
  wipe(key, payload)
  return concat([BACKUP_MAGIC, BackupFile.encode({ ...params, sealed: own(sealed) })])
}

function decodeFile (bytes: Uint8Array): BackupFile {
  if (bytes.length > MAX_BACKUP_BYTES) { throw new InvalidBackupError(`backup of ${bytes.length} bytes is over the ${MAX_BACKUP_BYTES}-byte limit`) }
  if (bytes.length < BACKUP_MAGIC.length || !BACKUP_MAGIC.every((b, i) => bytes[i] === b)) { throw new InvalidBackupError('not a Hypha backup file') }
  let file: BackupFile
  try {
    file = BackupFile.decode(bytes.subarray(BACKUP_MAGIC.length))
  } catch (err: any) {
    throw new InvalidBackupError(`backup file does not decode: ${err.message}`)
  }
  if (file.scryptLogN < MIN_BACKUP_SCRYPT_LOG_N || file.scryptLogN > MAX_BACKUP_SCRYPT_LOG_N || file.scryptR !== BACKUP_SCRYPT_R || file.scryptP !== BACKUP_SCRYPT_P) {
    throw new InvalidBackupError('backup scrypt parameters are out of the accepted range')
  }
  if (file.salt.length !== BACKUP_SALT_LENGTH) { throw new InvalidBackupError('backup salt must be 32 bytes') }
  return file
}

/**
 * Opens a backup. WrongPassphraseError when the passphrase does not open it
 * (or the sealed part was altered); InvalidBackupError for anything that is
 * not a well-formed Hypha backup.
 */
export async function importBackup (bytes: Uint8Array, passphrase: string): Promise<LocalIdentity> {
  const file = decodeFile(bytes)
  const key = await deriveKey(passphrase, file)
  let payloadBytes: Uint8Array
  try {
    payloadBytes = open(key, file.sealed, associatedData(file))
  } catch (err) {
    if (err instanceof DecryptionError) { throw new WrongPassphraseError('wrong passphrase (or the backup file was altered)') }
    throw err
  } finally {
    wipe(key)
  }
  try {
    return await decodeIdentity(payloadBytes)
  } finally {
    wipe(payloadBytes)
  }
}
