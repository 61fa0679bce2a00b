import { expect } from 'aegir/chai'
import { Wallet } from 'ethers'
import {
  checkIdentity, constants, createIdentity, createWalletIdentity, currentBundle, decodeIdentity, encodeIdentity, exportBackup, importBackup, localDevice,
  prekeyStore, SessionManager, verifyBundle, verifyDeviceList
} from '../../src/index.ts'
import { BackupPayload } from '../../src/protocol/pb/backup.ts'
import { peer, read, rejection, text } from '../fixtures/peers.ts'
import type { LocalIdentity } from '../../src/index.ts'

const FAST = { logN: constants.MIN_BACKUP_SCRYPT_LOG_N }
const PASSPHRASE = 'correct horse battery staple'

/**
 * Byte offsets in a backup file: "HYPHABK1" (8 bytes), then BackupFile
 * fields in order, each a one-byte tag and its value:
 * 0x08 logN, 0x10 r, 0x18 p, 0x22 0x20 salt (32 bytes), 0x2a length sealed
 */
const LOG_N_AT = 9
const R_AT = 11
const P_AT = 13
const SALT_AT = 16

const changed = (bytes: Uint8Array, index: number, value: number): Uint8Array => {
  const out = Uint8Array.from(bytes)
  out[index] = value
  return out
}

function expectSameIdentity (restored: LocalIdentity, original: LocalIdentity): void {
  expect(restored.userId).to.equal(original.userId)
  expect(restored.name).to.equal(original.name)
  expect(restored.account).to.deep.equal(original.account)
  expect(restored.device).to.deep.equal(original.device)
  expect(restored.deviceList).to.deep.equal(original.deviceList)
  expect(restored.signedPrekeys).to.deep.equal(original.signedPrekeys)
  expect(restored.kemPrekeys).to.deep.equal(original.kemPrekeys)
  expect(restored.oneTimePrekeys).to.deep.equal(original.oneTimePrekeys)
  expect(restored).to.deep.equal(original)
}

describe('encrypted backups', function () {
  this.timeout(120_000)

  let original: LocalIdentity
  /** Made with the default scrypt cost (logN 17) */
  let backup: Uint8Array
  /** Made with logN 15, for the tests that only look at the format */
  let fast: Uint8Array

  before(async () => {
    original = await createIdentity({ name: 'Alice 🌱', oneTimePrekeys: 5 })
    backup = await exportBackup(original, PASSPHRASE)
    fast = await exportBackup(original, PASSPHRASE, FAST)
  })

  it('uses the documented layout and the default scrypt cost', () => {
    expect(new TextDecoder().decode(backup.subarray(0, 8))).to.equal('HYPHABK1')
    expect([backup[8], backup[10], backup[12], backup[14], backup[15]]).to.deep.equal([0x08, 0x10, 0x18, 0x22, 0x20])
    expect(backup[LOG_N_AT]).to.equal(constants.BACKUP_SCRYPT_LOG_N)
    expect(backup[R_AT]).to.equal(constants.BACKUP_SCRYPT_R)
    expect(backup[P_AT]).to.equal(constants.BACKUP_SCRYPT_P)
    expect(fast[LOG_N_AT]).to.equal(constants.MIN_BACKUP_SCRYPT_LOG_N)
    // a fresh salt each time
    expect(backup.subarray(SALT_AT, SALT_AT + 32)).to.not.deep.equal(fast.subarray(SALT_AT, SALT_AT + 32))
  })

  it('restores a key-pair identity that still accepts sessions made to the original', async () => {
    const restored = await importBackup(backup, PASSPHRASE)
    expectSameIdentity(restored, original)

    // a contact fetched the ORIGINAL identity's list and bundle; the restored device answers
    const contact = await peer()
    const bundle = await verifyBundle(currentBundle(original), await verifyDeviceList(original.deviceList, original.userId))
    const sessions = new SessionManager(localDevice(restored), prekeyStore(restored))
    await contact.sessions.initiate(bundle)
    const got = await sessions.decrypt(await contact.sessions.encrypt(bundle.signingKey, text('hello, restored')))
    expect(read(got.plaintext)).to.equal('hello, restored')
    expect(got.sender.userId).to.equal(contact.identity.userId)
    const reply = await sessions.encrypt(got.sender.signingKey, text('hello back'))
    expect(read((await contact.sessions.decrypt(reply)).plaintext)).to.equal('hello back')

    // the restored device list still verifies, so the restored device can start sessions of its own
    await checkIdentity(restored)
    const other = await peer()
    const toOther = await verifyBundle(currentBundle(other.identity), await verifyDeviceList(other.identity.deviceList, other.identity.userId))
    await sessions.initiate(toOther)
    const first = await other.sessions.decrypt(await sessions.encrypt(toOther.signingKey, text('from the restored device')))
    expect(read(first.plaintext)).to.equal('from the restored device')
    expect(first.sender.userId).to.equal(original.userId)
  })

  it('refuses the wrong passphrase', async () => {
    const err = await rejection(importBackup(backup, PASSPHRASE + '!'))
    expect(err.name).to.equal('WrongPassphraseError')
  })

  it('restores a wallet identity', async () => {
    const wallet = new Wallet('0x' + '33'.repeat(32))
    const identity = await createWalletIdentity(wallet, { domain: 'app.hypha.test', uri: 'https://app.hypha.test/' }, { name: 'Wallet', oneTimePrekeys: 2 })
    const restored = await importBackup(await exportBackup(identity, PASSPHRASE, FAST), PASSPHRASE)
    expectSameIdentity(restored, identity)
    expect(restored.account).to.deep.equal({ kind: 'pkh', userId: `did:pkh:eip155:1:${wallet.address}`, address: wallet.address })
    await verifyDeviceList(restored.deviceList, restored.userId)
  })

  it('refuses a backup whose sealed part or salt was altered', async () => {
    for (const index of [fast.length - 1, fast.length - 20, fast.length - 200, SALT_AT, SALT_AT + 31]) {
      const err = await rejection(importBackup(changed(fast, index, fast[index] ^ 0x01), PASSPHRASE))
      expect(err.name).to.equal('WrongPassphraseError', `byte ${index} of ${fast.length}`)
    }
  })

  it('refuses a backup whose scrypt parameters were changed', async () => {
    // logN 15 -> 16 is still in range: scrypt runs with the other cost, derives another key, and the
    // parameters are in the AEAD's associated data anyway, so the tag fails: WrongPassphraseError
    let err = await rejection(importBackup(changed(fast, LOG_N_AT, 16), PASSPHRASE))
    expect(err.name).to.equal('WrongPassphraseError')
    // out-of-range values are refused before any scrypt: InvalidBackupError
    for (const [index, value] of [[LOG_N_AT, 14], [LOG_N_AT, 19], [LOG_N_AT, 0], [R_AT, 9], [R_AT, 1], [P_AT, 2], [P_AT, 0]]) {
      err = await rejection(importBackup(changed(fast, index, value), PASSPHRASE))
      expect(err.name).to.equal('InvalidBackupError', `byte ${index} = ${value}`)
    }
  })

  it('refuses what is not a backup', async () => {
    const randomBytes = crypto.getRandomValues(new Uint8Array(500))
    const magic = new TextEncoder().encode('HYPHABK1')
    const notBackups = [
      new Uint8Array(0),
      randomBytes,
      magic.subarray(0, 7),
      // the magic alone: every field is 0, so logN 0 is out of range
      magic,
      Uint8Array.of(...magic, 0xff, 0xff, 0xff),
      Uint8Array.of(...magic, ...randomBytes),
      // a salt one byte short
      Uint8Array.of(...fast.subarray(0, 14), 0x22, 31, ...fast.subarray(16, 47)),
      changed(fast, 0, 'h'.charCodeAt(0))
    ]
    for (const bytes of notBackups) {
      const err = await rejection(importBackup(bytes, PASSPHRASE))
      expect(err.name).to.equal('InvalidBackupError', `${bytes.length} bytes`)
    }
  })

  it('refuses a did:key payload without its account secret (InvalidBackupError, not a TypeError)', async () => {
    const payload = BackupPayload.decode(encodeIdentity(original))
    const err = await rejection(decodeIdentity(BackupPayload.encode({ ...payload, accountSecret: undefined })))
    expect(err.name).to.equal('InvalidBackupError')
  })

  it('refuses files over MAX_BACKUP_BYTES', async () => {
    const big = new Uint8Array(constants.MAX_BACKUP_BYTES + 1)
    big.set(fast)
    const err = await rejection(importBackup(big, PASSPHRASE))
    expect(err.name).to.equal('InvalidBackupError')
  })

  it('refuses a scrypt cost out of range and an empty passphrase', async () => {
    for (const logN of [constants.MIN_BACKUP_SCRYPT_LOG_N - 1, constants.MAX_BACKUP_SCRYPT_LOG_N + 1, 15.5, Number.NaN]) {
      expect(await rejection(exportBackup(original, PASSPHRASE, { logN }))).to.be.an.instanceOf(RangeError, `logN ${logN}`)
    }
    expect(await rejection(exportBackup(original, '', FAST))).to.be.an.instanceOf(RangeError)
    expect(await rejection(importBackup(fast, ''))).to.be.an.instanceOf(RangeError)
  })

  it('normalizes passphrases with NFKC', async () => {
    // U+FB01 LATIN SMALL LIGATURE FI is NFKC-equivalent to "fi"
    const made = await exportBackup(original, 'fi', FAST)
    expect((await importBackup(made, '\uFB01')).userId).to.equal(original.userId)
    const madeWithLigature = await exportBackup(original, 'pass\uFB01', FAST)
    expect((await importBackup(madeWithLigature, 'passfi')).userId).to.equal(original.userId)
    // and "e" + combining acute opens a backup made with U+00E9
    const accented = await exportBackup(original, 'caf\u00E9', FAST)
    expect((await importBackup(accented, 'cafe\u0301')).userId).to.equal(original.userId)
    expect((await rejection(importBackup(accented, 'cafe'))).name).to.equal('WrongPassphraseError')
  })
})
