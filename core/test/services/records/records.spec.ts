import { expect } from 'aegir/chai'
import { Wallet } from 'ethers'
import {
  bundleKey, constants, createBundle, createIdentity, createWalletIdentity, currentBundle, decodeBundle, deviceListKey,
  encodeBundle, encodeSignedDeviceList, generateDeviceKeys, generateKemPrekey, generateSignedPrekey, hyphaRecords,
  hyphaSelector, hyphaValidator, parseRecordKey, signDeviceList, validateRecord, verifyBundle, verifyDeviceList
} from '../../../src/index.ts'
import { rejection } from '../../fixtures/peers.ts'
import type { KeyPairAccount, LocalIdentity } from '../../../src/index.ts'

const utf8 = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s)
const text = (b: Uint8Array): string => new TextDecoder().decode(b)
const toHex = (b: Uint8Array): string => Array.from(b, x => x.toString(16).padStart(2, '0')).join('')

/** SHA-256 through WebCrypto: an implementation independent of the one under test */
async function sha256Hex (s: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(s))))
}

const flipped = (bytes: Uint8Array, index: number): Uint8Array<ArrayBuffer> => {
  const out = Uint8Array.from(bytes)
  out[index] ^= 0x01
  return out
}

async function deviceListVersion (identity: LocalIdentity, version: number): Promise<Uint8Array> {
  const devices = [{ signingKey: identity.device.signing.publicKey, identityKey: identity.device.identity.publicKey }]
  return encodeSignedDeviceList(await signDeviceList(identity.account as KeyPairAccount, version, devices))
}

describe('records: keys', () => {
  it('names a device list by the SHA-256 of the user id', async () => {
    const userId = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
    expect(text(deviceListKey(userId))).to.equal(`/hypha/devices/${await sha256Hex(userId)}`)
    expect(text(deviceListKey(userId)).startsWith(constants.DEVICE_LIST_RECORD_PREFIX)).to.equal(true)
  })

  it('names a bundle by the user hash and the device signing key', async () => {
    const userId = 'did:pkh:eip155:1:0x0000000000000000000000000000000000000001'
    const signingKey = new Uint8Array(32).fill(0xab)
    expect(text(bundleKey(userId, signingKey))).to.equal(`/hypha/bundle/${await sha256Hex(userId)}/${'ab'.repeat(32)}`)
  })

  it('refuses a signing key of the wrong length and an empty user id', () => {
    expect(() => bundleKey('did:key:x', new Uint8Array(31))).to.throw(TypeError, 'expected Uint8Array of length 32, got length=31')
    expect(() => deviceListKey('')).to.throw(TypeError, 'expected a non-empty user id string')
  })

  it('parses both kinds of key', () => {
    const key = new Uint8Array(32).fill(1)
    expect(parseRecordKey(deviceListKey('a'))).to.deep.equal({ kind: 'devices', userHash: text(deviceListKey('a')).slice(15) })
    expect(parseRecordKey(bundleKey('a', key))).to.include({ kind: 'bundle', signingKey: '01'.repeat(32) })
  })

  it('refuses keys that are not Hypha record keys', () => {
    const hash = 'a'.repeat(64)
    for (const key of [
      '/pk/abc', '/hypha/other/' + hash, '/hypha/devices/' + hash.slice(1), '/hypha/devices/' + hash.toUpperCase(),
      '/hypha/devices/' + hash + '/x', '/hypha/bundle/' + hash, '/hypha/bundle/' + hash + '/' + 'b'.repeat(62),
      '/hypha/bundle/' + hash + '/' + 'b'.repeat(64) + '/c'
    ]) {
      expect(() => parseRecordKey(utf8(key)), key).to.throw().with.property('name', 'InvalidRecordError')
    }
  })

  it('gives kad-dht the validator and selector under "hypha", the first segment of the keys', () => {
    const records = hyphaRecords()
    expect(records.validators.hypha).to.equal(hyphaValidator)
    expect(records.selectors.hypha).to.equal(hyphaSelector)
    expect(constants.DEVICE_LIST_RECORD_PREFIX.split('/')[1]).to.equal('hypha')
    expect(constants.BUNDLE_RECORD_PREFIX.split('/')[1]).to.equal('hypha')
  })
})

describe('records: device lists', function () {
  this.timeout(60_000)

  let alice: LocalIdentity
  let bob: LocalIdentity
  let aliceList: Uint8Array

  before(async () => {
    [alice, bob] = [await createIdentity({ oneTimePrekeys: 0 }), await createIdentity({ oneTimePrekeys: 0 })]
    aliceList = encodeSignedDeviceList(alice.deviceList)
  })

  it('accepts a signed device list under its user\'s key', async () => {
    await hyphaValidator(deviceListKey(alice.userId), aliceList)
    expect(await validateRecord(deviceListKey(alice.userId), aliceList)).to.deep.equal({ kind: 'devices', userId: alice.userId, version: 1 })
  })

  it('accepts a wallet (did:pkh) device list', async () => {
    const wallet = Wallet.createRandom()
    const identity = await createWalletIdentity(wallet, { domain: 'hypha.example', uri: 'https://hypha.example' }, { oneTimePrekeys: 0 })
    await hyphaValidator(deviceListKey(identity.userId), encodeSignedDeviceList(identity.deviceList))
  })

  it('refuses a device list stored under another user\'s key', async () => {
    const err = await rejection(hyphaValidator(deviceListKey(bob.userId), aliceList))
    expect(err.name).to.equal('InvalidRecordError')
    expect(err.message).to.equal('device list user id does not match the record key')
  })

  it('refuses a device list stored under a bundle key', async () => {
    const err = await rejection(hyphaValidator(bundleKey(alice.userId, alice.device.signing.publicKey), aliceList))
    expect(err.name).to.equal('InvalidRecordError')
  })

  it('refuses a forged account signature', async () => {
    const signature = alice.deviceList.ed25519Signature
    if (signature == null) { throw new Error('expected an Ed25519 signature') }
    const forged = encodeSignedDeviceList({ ...alice.deviceList, ed25519Signature: flipped(signature, 0) })
    expect((await rejection(hyphaValidator(deviceListKey(alice.userId), forged))).name).to.equal('InvalidSignatureError')
  })

  it('refuses a list signed by another account', async () => {
    const devices = [{ signingKey: alice.device.signing.publicKey, identityKey: alice.device.identity.publicKey }]
    const signedByBob = await signDeviceList(bob.account as KeyPairAccount, 1, devices)
    // Bob's signature over a list naming Alice: re-label the list as Alice's
    const relabelled = encodeSignedDeviceList({ list: alice.deviceList.list, ed25519Signature: signedByBob.ed25519Signature })
    expect((await rejection(hyphaValidator(deviceListKey(alice.userId), relabelled))).name).to.equal('InvalidSignatureError')
  })

  it('refuses an altered list', async () => {
    const altered = encodeSignedDeviceList({ ...alice.deviceList, list: flipped(alice.deviceList.list, alice.deviceList.list.length - 1) })
    expect((await rejection(hyphaValidator(deviceListKey(alice.userId), altered))).name).to.equal('InvalidSignatureError')
  })

  it('refuses bytes that do not decode, with InvalidRecordError', async () => {
    for (const value of [new Uint8Array([0xff, 0xff, 0xff]), new Uint8Array(0), utf8('hello')]) {
      expect((await rejection(hyphaValidator(deviceListKey(alice.userId), value))).name).to.equal('InvalidRecordError')
    }
  })

  it('refuses a record one byte over MAX_RECORD_BYTES before decoding it', async () => {
    const value = new Uint8Array(constants.MAX_RECORD_BYTES + 1)
    value.set(aliceList)
    const err = await rejection(hyphaValidator(deviceListKey(alice.userId), value))
    expect(err.name).to.equal('InvalidRecordError')
    expect(err.message).to.equal(`record of ${constants.MAX_RECORD_BYTES + 1} bytes is over the ${constants.MAX_RECORD_BYTES}-byte limit`)
  })

  it('at exactly MAX_RECORD_BYTES applies the device list\'s own, smaller limit', async () => {
    const err = await rejection(hyphaValidator(deviceListKey(alice.userId), new Uint8Array(constants.MAX_RECORD_BYTES)))
    expect(err.name).to.equal('InvalidRecordError')
    expect(err.message).to.not.include('byte limit')
  })

  it('selects the highest version, the first on a tie', async () => {
    const [v1, v2, v3] = [aliceList, await deviceListVersion(alice, 2), await deviceListVersion(alice, 3)]
    const key = deviceListKey(alice.userId)
    expect(await hyphaSelector(key, [v1, v3, v2])).to.equal(1)
    expect(await hyphaSelector(key, [v3, v1])).to.equal(0)
    expect(await hyphaSelector(key, [v1, v2, v2])).to.equal(1)
    expect(await hyphaSelector(key, [v1])).to.equal(0)
  })

  it('never selects an invalid record, whatever version it claims', async () => {
    const key = deviceListKey(alice.userId)
    const v9 = await deviceListVersion(alice, 9)
    const forged = flipped(v9, v9.length - 1) // the signature's last byte
    expect(await hyphaSelector(key, [forged, aliceList])).to.equal(1)
    expect(await hyphaSelector(key, [await deviceListVersion(bob, 5), aliceList])).to.equal(1)
    const err = await rejection(hyphaSelector(key, [forged, new Uint8Array(3)]))
    expect(err.name).to.equal('InvalidRecordError')
  })
})

describe('records: prekey bundles', function () {
  this.timeout(60_000)

  let alice: LocalIdentity
  let bob: LocalIdentity
  let bundle: Uint8Array
  let key: Uint8Array

  before(async () => {
    [alice, bob] = [await createIdentity({ oneTimePrekeys: 1 }), await createIdentity({ oneTimePrekeys: 0 })]
    bundle = encodeBundle(currentBundle(alice))
    key = bundleKey(alice.userId, alice.device.signing.publicKey)
  })

  it('accepts a bundle under its user and device key', async () => {
    await hyphaValidator(key, bundle)
    const valid = await validateRecord(key, bundle)
    expect(valid.kind).to.equal('bundle')
  })

  it('refuses a bundle under another user\'s key', async () => {
    const err = await rejection(hyphaValidator(bundleKey(bob.userId, alice.device.signing.publicKey), bundle))
    expect(err.name).to.equal('InvalidRecordError')
    expect(err.message).to.equal('bundle user id does not match the record key')
  })

  it('refuses a bundle under another device\'s key', async () => {
    const err = await rejection(hyphaValidator(bundleKey(alice.userId, bob.device.signing.publicKey), bundle))
    expect(err.name).to.equal('InvalidRecordError')
    expect(err.message).to.equal('bundle signing key does not match the record key')
  })

  it('refuses a bundle under a device list key', async () => {
    expect((await rejection(hyphaValidator(deviceListKey(alice.userId), bundle))).name).to.equal('InvalidRecordError')
  })

  it('refuses a forged signed prekey signature', async () => {
    const b = decodeBundle(bundle)
    if (b.signedPrekey == null) { throw new Error('expected a signed prekey') }
    b.signedPrekey.signature = flipped(b.signedPrekey.signature, 5)
    const err = await rejection(hyphaValidator(key, encodeBundle(b)))
    expect(err.name).to.equal('InvalidSignatureError')
    expect(err.message).to.equal('signed prekey signature does not verify')
  })

  it('refuses a forged KEM prekey signature', async () => {
    const b = decodeBundle(bundle)
    if (b.kemPrekey == null) { throw new Error('expected a KEM prekey') }
    b.kemPrekey.signature = flipped(b.kemPrekey.signature, 5)
    const err = await rejection(hyphaValidator(key, encodeBundle(b)))
    expect(err.name).to.equal('InvalidSignatureError')
    expect(err.message).to.equal('KEM prekey signature does not verify')
  })

  it('refuses a prekey with a changed id (the id is signed)', async () => {
    const b = decodeBundle(bundle)
    if (b.signedPrekey == null) { throw new Error('expected a signed prekey') }
    b.signedPrekey.id += 1
    expect((await rejection(hyphaValidator(key, encodeBundle(b)))).name).to.equal('InvalidSignatureError')
  })

  it('refuses another device\'s prekeys under this device\'s key', async () => {
    const b = decodeBundle(bundle)
    b.signedPrekey = currentBundle(bob).signedPrekey
    expect((await rejection(hyphaValidator(key, encodeBundle(b)))).name).to.equal('InvalidSignatureError')
  })

  it('refuses a bundle without a KEM prekey and one with wrong key lengths', async () => {
    const b = decodeBundle(bundle)
    b.kemPrekey = undefined
    expect((await rejection(hyphaValidator(key, encodeBundle(b)))).message).to.equal('bundle lacks a signed prekey or a KEM prekey')
    const c = decodeBundle(bundle)
    c.identityKey = new Uint8Array(31)
    expect((await rejection(hyphaValidator(key, encodeBundle(c)))).name).to.equal('InvalidRecordError')
  })

  it('refuses bytes that do not decode and bundles over MAX_BUNDLE_BYTES', async () => {
    expect((await rejection(hyphaValidator(key, new Uint8Array([0x0a, 0xff])))).name).to.equal('InvalidRecordError')
    const big = new Uint8Array(constants.MAX_BUNDLE_BYTES + 1)
    big.set(bundle)
    expect((await rejection(hyphaValidator(key, big))).name).to.equal('InvalidRecordError')
    const huge = new Uint8Array(constants.MAX_RECORD_BYTES + 1)
    const err = await rejection(hyphaValidator(key, huge))
    expect(err.name).to.equal('InvalidRecordError')
    expect(err.message).to.include('byte limit')
  })

  it('accepts the bundle of a device outside the account\'s list: the fetcher\'s verifyBundle refuses it', async () => {
    const stranger = await generateDeviceKeys()
    const spk = await generateSignedPrekey(stranger, 1)
    const kem = await generateKemPrekey(stranger, 1)
    const rogue = createBundle(alice.userId, stranger, spk, kem)
    await hyphaValidator(bundleKey(alice.userId, stranger.signing.publicKey), encodeBundle(rogue))
    const devices = await verifyDeviceList(alice.deviceList, alice.userId)
    expect((await rejection(verifyBundle(rogue, devices))).name).to.equal('InvalidRecordError')
  })

  it('selects the highest signed prekey id, the first on a tie', async () => {
    const kem = alice.kemPrekeys[0]
    const withPrekey = async (id: number): Promise<Uint8Array> =>
      encodeBundle(createBundle(alice.userId, alice.device, await generateSignedPrekey(alice.device, id), kem))
    const [b1, b2, b7] = [await withPrekey(1), await withPrekey(2), await withPrekey(7)]
    expect(await hyphaSelector(key, [b2, b7, b1])).to.equal(1)
    expect(await hyphaSelector(key, [b2, b1, await withPrekey(2)])).to.equal(0)
    const forged = decodeBundle(await withPrekey(9))
    if (forged.signedPrekey == null) { throw new Error('expected a signed prekey') }
    forged.signedPrekey.signature = flipped(forged.signedPrekey.signature, 0)
    expect(await hyphaSelector(key, [encodeBundle(forged), b1])).to.equal(1)
  })
})
