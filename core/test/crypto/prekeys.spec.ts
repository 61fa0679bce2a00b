import { expect } from 'aegir/chai'
import { Wallet } from 'ethers'
import {
  constants, createBundle, createIdentity, createWalletIdentity, currentBundle, decodeBundle, encodeBundle, generateDeviceKeys,
  generateKemPrekey, generateSignedPrekey, signDeviceList, verifyBundle, verifyDeviceList
} from '../../src/index.ts'
import { rejection } from '../fixtures/peers.ts'
import type { LocalIdentity, VerifiedDeviceList } from '../../src/index.ts'
import type { PrekeyBundle, SignedPrekey } from '../../src/protocol/pb/identity.ts'

const own = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => Uint8Array.from(bytes)

const flipped = (bytes: Uint8Array, index: number): Uint8Array<ArrayBuffer> => {
  const out = Uint8Array.from(bytes)
  out[index] ^= 0x01
  return out
}

describe('prekey bundles', function () {
  this.timeout(60_000)

  let alice: LocalIdentity
  let bob: LocalIdentity
  let list: VerifiedDeviceList
  let bundle: PrekeyBundle
  let spk: SignedPrekey
  let kem: SignedPrekey

  before(async () => {
    [alice, bob] = [await createIdentity({ oneTimePrekeys: 2 }), await createIdentity({ oneTimePrekeys: 2 })]
    list = await verifyDeviceList(alice.deviceList, alice.userId)
  })

  beforeEach(() => {
    bundle = currentBundle(alice)
    if (bundle.signedPrekey == null || bundle.kemPrekey == null) {
      throw new Error('bundle without prekeys')
    }
    spk = bundle.signedPrekey
    kem = bundle.kemPrekey
  })

  async function rejects (changed: PrekeyBundle, name: string, against = list): Promise<void> {
    const err = await rejection(verifyBundle(changed, against))
    expect(err.name).to.equal(name, err.message)
  }

  it('verifies a good bundle', async () => {
    const verified = await verifyBundle(bundle, list)
    expect(verified.userId).to.equal(alice.userId)
    expect(verified.signingKey).to.deep.equal(alice.device.signing.publicKey)
    expect(verified.identityKey).to.deep.equal(alice.device.identity.publicKey)
    expect(verified.signedPrekey).to.deep.equal({ id: 1, publicKey: alice.signedPrekeys[0].keyPair.publicKey })
    expect(verified.kemPrekey).to.deep.equal({ id: 1, publicKey: alice.kemPrekeys[0].publicKey })
    expect(verified.oneTimePrekey).to.deep.equal({ id: alice.oneTimePrekeys[0].id, publicKey: alice.oneTimePrekeys[0].keyPair.publicKey })
    // without a one-time prekey
    expect((await verifyBundle({ ...bundle, oneTimePrekey: undefined }, list)).oneTimePrekey).to.be.undefined()
  })

  it('verifies a bundle of a wallet account', async () => {
    const carol = await createWalletIdentity(new Wallet('0x' + '44'.repeat(32)), { domain: 'app.hypha.test', uri: 'https://app.hypha.test/' })
    const verified = await verifyBundle(currentBundle(carol), await verifyDeviceList(carol.deviceList, carol.userId))
    expect(verified.userId).to.equal(carol.userId)
  })

  it('rejects a forged signed-prekey signature', async () => {
    await rejects({ ...bundle, signedPrekey: { ...spk, signature: flipped(spk.signature, 0) } }, 'InvalidSignatureError')
    await rejects({ ...bundle, signedPrekey: { ...spk, signature: flipped(spk.signature, 63) } }, 'InvalidSignatureError')
    // a prekey signed by another device key
    const other = await generateSignedPrekey(await generateDeviceKeys(), spk.id)
    await rejects({ ...bundle, signedPrekey: { id: spk.id, publicKey: own(other.keyPair.publicKey), signature: own(other.signature) } }, 'InvalidSignatureError')
  })

  it('rejects a forged KEM prekey signature', async () => {
    await rejects({ ...bundle, kemPrekey: { ...kem, signature: flipped(kem.signature, 0) } }, 'InvalidSignatureError')
    await rejects({ ...bundle, kemPrekey: { ...kem, signature: flipped(kem.signature, 40) } }, 'InvalidSignatureError')
    const other = await generateKemPrekey(await generateDeviceKeys(), kem.id)
    await rejects({ ...bundle, kemPrekey: { id: kem.id, publicKey: own(other.publicKey), signature: own(other.signature) } }, 'InvalidSignatureError')
  })

  it('rejects a public key or id the signature was not made for', async () => {
    // another X25519 key of the same device, with the first key's signature
    const second = await generateSignedPrekey(alice.device, 2)
    await rejects({ ...bundle, signedPrekey: { ...spk, publicKey: own(second.keyPair.publicKey) } }, 'InvalidSignatureError')
    await rejects({ ...bundle, signedPrekey: { ...spk, publicKey: flipped(spk.publicKey, 5) } }, 'InvalidSignatureError')
    await rejects({ ...bundle, kemPrekey: { ...kem, publicKey: flipped(kem.publicKey, 1000) } }, 'InvalidSignatureError')
    // the signature covers the id
    await rejects({ ...bundle, signedPrekey: { ...spk, id: spk.id + 1 } }, 'InvalidSignatureError')
    await rejects({ ...bundle, kemPrekey: { ...kem, id: kem.id + 1 } }, 'InvalidSignatureError')
    // each signature has its own context: the signed prekey's signature does not pass as the KEM prekey's
    await rejects({ ...bundle, signedPrekey: { ...spk, signature: kem.signature } }, 'InvalidSignatureError')
    await rejects({ ...bundle, kemPrekey: { ...kem, signature: spk.signature } }, 'InvalidSignatureError')
    // a good prekey from the same device under another id is still accepted
    await verifyBundle({ ...bundle, signedPrekey: { id: 2, publicKey: own(second.keyPair.publicKey), signature: own(second.signature) } }, list)
  })

  it('rejects a bundle whose device is not in the device list', async () => {
    const stranger = await generateDeviceKeys()
    const signedPrekey = await generateSignedPrekey(stranger, 1)
    const kemPrekey = await generateKemPrekey(stranger, 1)
    const foreign = createBundle(alice.userId, stranger, signedPrekey, kemPrekey)
    await rejects(foreign, 'InvalidRecordError')
    // bob's device under alice's name
    await rejects({ ...currentBundle(bob), userId: alice.userId }, 'InvalidRecordError')
  })

  it('rejects an identity key that differs from the device list', async () => {
    await rejects({ ...bundle, identityKey: own(bob.device.identity.publicKey) }, 'InvalidRecordError')
    await rejects({ ...bundle, identityKey: flipped(bundle.identityKey, 31) }, 'InvalidRecordError')
    await rejects({ ...bundle, identityKey: bundle.identityKey.subarray(0, 31) }, 'InvalidRecordError')
  })

  it('rejects wrong lengths and missing prekeys', async () => {
    const cases: PrekeyBundle[] = [
      { ...bundle, signedPrekey: { ...spk, publicKey: spk.publicKey.subarray(1) } },
      { ...bundle, signedPrekey: { ...spk, publicKey: Uint8Array.of(...spk.publicKey, 0) } },
      { ...bundle, signedPrekey: { ...spk, signature: spk.signature.subarray(1) } },
      { ...bundle, kemPrekey: { ...kem, publicKey: kem.publicKey.subarray(1) } },
      { ...bundle, kemPrekey: { ...kem, publicKey: spk.publicKey } },
      { ...bundle, kemPrekey: { ...kem, signature: Uint8Array.of(...kem.signature, 0) } },
      { ...bundle, oneTimePrekey: { id: 1, publicKey: new Uint8Array(33) } },
      { ...bundle, oneTimePrekey: { id: 1, publicKey: new Uint8Array(0) } },
      { ...bundle, signedPrekey: undefined },
      { ...bundle, kemPrekey: undefined }
    ]
    for (const changed of cases) {
      await rejects(changed, 'InvalidRecordError')
    }
  })

  it('rejects a bundle for another user', async () => {
    await rejects({ ...bundle, userId: bob.userId }, 'InvalidRecordError')
    await rejects(currentBundle(bob), 'InvalidRecordError')
    // even when bob's list has the same device (a device cannot be claimed by a second account)
    const account = bob.account.kind === 'key' ? bob.account : undefined
    if (account == null) {
      throw new Error('expected a key-pair account')
    }
    const bobClaimsAlicesDevice = await verifyDeviceList(await signDeviceList(account, 2, [{ signingKey: alice.device.signing.publicKey, identityKey: alice.device.identity.publicKey }]))
    await rejects(bundle, 'InvalidRecordError', bobClaimsAlicesDevice)
  })

  it('round-trips through encodeBundle and decodeBundle', async () => {
    expect(decodeBundle(encodeBundle(bundle))).to.deep.equal(bundle)
    const noOneTime = { ...bundle, oneTimePrekey: undefined }
    const decoded = decodeBundle(encodeBundle(noOneTime))
    expect(decoded.oneTimePrekey).to.be.undefined()
    expect(decoded).to.deep.equal({ userId: bundle.userId, signingKey: bundle.signingKey, identityKey: bundle.identityKey, signedPrekey: spk, kemPrekey: kem })
    await verifyBundle(decodeBundle(encodeBundle(bundle)), list)
  })

  it('refuses garbage in decodeBundle', () => {
    const encoded = encodeBundle(bundle)
    const garbage = [
      Uint8Array.of(0x0f),
      Uint8Array.of(0x0a, 0xff),
      Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
      encoded.subarray(0, encoded.length - 1),
      encoded.subarray(0, 40)
    ]
    for (const bytes of garbage) {
      expect(() => decodeBundle(bytes), `${bytes.length} bytes`).to.throw().with.property('name', 'InvalidRecordError')
    }
  })

  it(`refuses a bundle over MAX_BUNDLE_BYTES (${constants.MAX_BUNDLE_BYTES}) before decoding it`, () => {
    const padded = new Uint8Array(constants.MAX_BUNDLE_BYTES + 1)
    const encoded = encodeBundle(bundle)
    padded.set(encoded)
    expect(() => decodeBundle(padded)).to.throw(/over the 4096-byte limit/).with.property('name', 'InvalidRecordError')
    expect(encoded.length).to.be.below(constants.MAX_BUNDLE_BYTES)
  })
})
