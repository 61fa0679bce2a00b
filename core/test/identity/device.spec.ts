import { sha256 } from '@noble/hashes/sha2.js'
import { expect } from 'aegir/chai'
import { getBytes, hexlify, verifyMessage, Wallet } from 'ethers'
import { DEVICE_LIST_CONTEXT } from '../../src/identity/device.ts'
import { signWithContext } from '../../src/identity/keys.ts'
import {
  authorizeDeviceList, constants, createIdentity, createKeyPairAccount, createWalletIdentity, decodeSignedDeviceList,
  encodeSignedDeviceList, findDevice, generateDeviceKeys, renderSiweMessage, signDeviceList, verifyDeviceList
} from '../../src/index.ts'
import { DeviceList } from '../../src/protocol/pb/identity.ts'
import { rejection } from '../fixtures/peers.ts'
import type { KeyPairAccount, SiweFields, WalletSigner } from '../../src/index.ts'
import type { DeviceRecord, SignedDeviceList } from '../../src/protocol/pb/identity.ts'

const SIWE = { domain: 'app.hypha.test', uri: 'https://app.hypha.test/' }
const FIELDS: SiweFields = { ...SIWE, chainId: 1, nonce: 'n0nce1234abcd', issuedAt: '2026-11-22T20:00:00.000Z' }
/** secp256k1 group order */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

/** Fixed keys so failures are reproducible (any 32 bytes below n are a key) */
const alice = new Wallet('0x' + '11'.repeat(32))
const mallory = new Wallet('0x' + '22'.repeat(32))

const own = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => Uint8Array.from(bytes)

async function devices (count: number): Promise<DeviceRecord[]> {
  const out: DeviceRecord[] = []
  for (let i = 0; i < count; i++) {
    const keys = await generateDeviceKeys()
    out.push({ signingKey: own(keys.signing.publicKey), identityKey: own(keys.identity.publicKey) })
  }
  return out
}

/** A device list signed by `account` without the encoder's checks: what an attacker or a buggy peer could publish */
async function rawSigned (account: KeyPairAccount, list: Partial<DeviceList>): Promise<SignedDeviceList> {
  const bytes = DeviceList.encode(list)
  return { list: bytes, ed25519Signature: own(await signWithContext(account.keyPair.secretKey, DEVICE_LIST_CONTEXT, bytes)) }
}

/** A proof that `signer` really signed, for `address`'s list, the message rendered from `fields` */
async function siweProof (signer: Wallet, address: string, list: Uint8Array<ArrayBuffer>, fields: SiweFields, version = 1): Promise<SignedDeviceList> {
  const signature = own(getBytes(await signer.signMessage(renderSiweMessage(address, version, list, fields))))
  return { list, siwe: { ...fields, signature } }
}

const flipped = (bytes: Uint8Array, index: number, mask = 0x01): Uint8Array<ArrayBuffer> => {
  const out = Uint8Array.from(bytes)
  out[index] ^= mask
  return out
}

describe('device lists', function () {
  this.timeout(60_000)

  describe('key-pair accounts', () => {
    it('sign and verify, as an object and as bytes', async () => {
      const account = await createKeyPairAccount()
      const list = await devices(3)
      const signed = await signDeviceList(account, 7, list)
      for (const input of [signed, encodeSignedDeviceList(signed)]) {
        const verified = await verifyDeviceList(input, account.userId)
        expect(verified.userId).to.equal(account.userId)
        expect(verified.version).to.equal(7)
        expect(verified.devices).to.deep.equal(list)
        expect(findDevice(verified, list[1].signingKey)).to.deep.equal(list[1])
        expect(findDevice(verified, new Uint8Array(32))).to.be.undefined()
      }
      // without an expected user id it still verifies
      expect((await verifyDeviceList(signed)).userId).to.equal(account.userId)
    })

    it('rejects a list whose bytes were altered', async () => {
      const account = await createKeyPairAccount()
      const signed = await signDeviceList(account, 1, await devices(2))
      // the last byte is in the last device's identity key: still decodes, signature fails
      const last = signed.list.length - 1
      let err = await rejection(verifyDeviceList({ ...signed, list: flipped(signed.list, last) }, account.userId))
      expect(err.name).to.equal('InvalidSignatureError')
      // the version byte (field 2): still decodes, signature fails
      const versionAt = signed.list.indexOf(0x10) + 1
      expect(signed.list[versionAt]).to.equal(1)
      err = await rejection(verifyDeviceList({ ...signed, list: flipped(signed.list, versionAt, 0x02) }, account.userId))
      expect(err.name).to.equal('InvalidSignatureError')
      // byte 1 is the user id's length (56); with its top bit set the varint runs into the next byte ('d'),
      // a length of 56 + 100 * 128 that overruns the list: it no longer decodes
      expect([signed.list[0], signed.list[1], signed.list[2]]).to.deep.equal([0x0a, 56, 'd'.charCodeAt(0)])
      err = await rejection(verifyDeviceList({ ...signed, list: flipped(signed.list, 1, 0x80) }, account.userId))
      expect(err.name).to.equal('MalformedMessageError')
      // the signature itself
      err = await rejection(verifyDeviceList({ ...signed, ed25519Signature: flipped(signed.ed25519Signature ?? new Uint8Array(), 10) }, account.userId))
      expect(err.name).to.equal('InvalidSignatureError')
      // a truncated signature
      err = await rejection(verifyDeviceList({ ...signed, ed25519Signature: signed.ed25519Signature?.subarray(0, 63) }, account.userId))
      expect(err.name).to.equal('InvalidSignatureError')
    })

    it('rejects a list signed by another account key', async () => {
      const [account, other] = [await createKeyPairAccount(), await createKeyPairAccount()]
      const list = await devices(1)
      const forged = await rawSigned(other, { userId: account.userId, version: 1, devices: list })
      const err = await rejection(verifyDeviceList(forged, account.userId))
      expect(err.name).to.equal('InvalidSignatureError')
    })

    it('rejects a list for another user than expected', async () => {
      const [account, other] = [await createKeyPairAccount(), await createKeyPairAccount()]
      const signed = await signDeviceList(account, 1, await devices(1))
      const err = await rejection(verifyDeviceList(signed, other.userId))
      expect(err.name).to.equal('InvalidRecordError')
    })

    it('refuses to sign 0 devices, MAX_DEVICES + 1 devices, or a device twice', async () => {
      const account = await createKeyPairAccount()
      expect((await rejection(signDeviceList(account, 1, []))).name).to.equal('InvalidRecordError')
      const many = await devices(constants.MAX_DEVICES + 1)
      expect((await rejection(signDeviceList(account, 1, many))).name).to.equal('InvalidRecordError')
      // exactly MAX_DEVICES is fine
      const full = await signDeviceList(account, 1, many.slice(1))
      expect((await verifyDeviceList(full, account.userId)).devices).to.have.length(constants.MAX_DEVICES)
      const [one, two] = await devices(2)
      // the same signing key twice, even with another identity key
      const twice = [one, two, { signingKey: one.signingKey, identityKey: two.identityKey }]
      expect((await rejection(signDeviceList(account, 1, twice))).name).to.equal('InvalidRecordError')
      const short = [{ signingKey: one.signingKey.subarray(1), identityKey: one.identityKey }]
      expect((await rejection(signDeviceList(account, 1, short))).name).to.equal('InvalidRecordError')
      expect(await rejection(signDeviceList(account, 0, [one]))).to.be.an.instanceOf(RangeError)
    })

    it('rejects signed lists with 0 devices, MAX_DEVICES + 1 devices, a device twice, or version 0', async () => {
      const account = await createKeyPairAccount()
      const userId = account.userId
      const many = await devices(constants.MAX_DEVICES + 1)
      let err = await rejection(verifyDeviceList(await rawSigned(account, { userId, version: 1, devices: [] }), userId))
      expect(err.name).to.equal('InvalidRecordError')
      // protons stops decoding at the limit
      err = await rejection(verifyDeviceList(await rawSigned(account, { userId, version: 1, devices: many }), userId))
      expect(err.name).to.equal('MalformedMessageError')
      err = await rejection(verifyDeviceList(await rawSigned(account, { userId, version: 1, devices: [many[0], many[1], many[0]] }), userId))
      expect(err.name).to.equal('InvalidRecordError')
      err = await rejection(verifyDeviceList(await rawSigned(account, { userId, version: 0, devices: [many[0]] }), userId))
      expect(err.name).to.equal('InvalidRecordError')
    })

    it('rejects lists over MAX_DEVICE_LIST_BYTES', async () => {
      const account = await createKeyPairAccount()
      const signed = await signDeviceList(account, 1, await devices(1))
      const big = new Uint8Array(constants.MAX_DEVICE_LIST_BYTES + 1)
      expect((await rejection(verifyDeviceList({ ...signed, list: big }))).name).to.equal('InvalidRecordError')
      expect(() => decodeSignedDeviceList(big)).to.throw().with.property('name', 'InvalidRecordError')
    })
  })

  describe('wallet accounts (SIWE)', () => {
    it('creates a did:pkh identity whose device list verifies', async () => {
      const identity = await createWalletIdentity(alice, SIWE)
      expect(identity.userId).to.equal(`did:pkh:eip155:1:${alice.address}`)
      expect(identity.account).to.deep.equal({ kind: 'pkh', userId: identity.userId, address: alice.address })
      const verified = await verifyDeviceList(identity.deviceList, identity.userId)
      expect(verified.version).to.equal(1)
      expect(findDevice(verified, identity.device.signing.publicKey)?.identityKey).to.deep.equal(identity.device.identity.publicKey)
      expect(identity.deviceList.ed25519Signature).to.be.undefined()
      // through the wire encoding too
      await verifyDeviceList(encodeSignedDeviceList(identity.deviceList), identity.userId)
      // a lowercase spelling of the same account is another user id
      const err = await rejection(verifyDeviceList(identity.deviceList, identity.userId.toLowerCase()))
      expect(err.name).to.equal('InvalidRecordError')
    })

    it('signs a message ethers recovers to the same address', async () => {
      const identity = await createWalletIdentity(alice, SIWE)
      const siwe = identity.deviceList.siwe
      if (siwe == null) {
        throw new Error('expected a SIWE proof')
      }
      const message = renderSiweMessage(alice.address, 1, identity.deviceList.list, siwe)
      expect(verifyMessage(message, hexlify(siwe.signature))).to.equal(alice.address)
      expect(siwe.signature).to.have.length(65)
      expect([27, 28]).to.include(siwe.signature[64])
    })

    it('renders an EIP-4361 message', async () => {
      const list = (await signDeviceList(await createKeyPairAccount(), 1, await devices(1))).list
      const message = renderSiweMessage(alice.address.toLowerCase(), 3, list, FIELDS)
      const digest = Array.from(sha256(list), b => b.toString(16).padStart(2, '0')).join('')
      expect(message.split('\n')).to.deep.equal([
        'app.hypha.test wants you to sign in with your Ethereum account:',
        alice.address,
        '',
        'Authorize Hypha device list version 3 to send and receive end-to-end encrypted messages for this account.',
        '',
        'URI: https://app.hypha.test/',
        'Version: 1',
        'Chain ID: 1',
        'Nonce: n0nce1234abcd',
        'Issued At: 2026-11-22T20:00:00.000Z',
        'Resources:',
        `- urn:hypha:device-list:sha256:${digest}`
      ])
    })

    it('uses the given SIWE fields and a fresh random nonce by default', async () => {
      const list = await devices(1)
      const fixed = await authorizeDeviceList(alice, 2, list, FIELDS)
      expect(fixed.siwe).to.deep.include({ ...FIELDS })
      expect((await verifyDeviceList(fixed)).version).to.equal(2)
      const [a, b] = [await authorizeDeviceList(alice, 1, list, SIWE), await authorizeDeviceList(alice, 1, list, SIWE)]
      expect(a.siwe?.nonce).to.match(/^[A-Za-z0-9]{16}$/)
      expect(a.siwe?.nonce).to.not.equal(b.siwe?.nonce)
      expect(a.siwe?.chainId).to.equal(1)
    })

    it('rejects a SIWE message signed by another wallet', async () => {
      const list = (await authorizeDeviceList(alice, 1, await devices(1), FIELDS)).list
      const forged = await siweProof(mallory, alice.address, list, FIELDS)
      const err = await rejection(verifyDeviceList(forged, `did:pkh:eip155:1:${alice.address}`))
      expect(err.name).to.equal('InvalidSignatureError')
    })

    it('rejects a wallet\'s real signature of a chain-5 message', async () => {
      const list = (await authorizeDeviceList(alice, 1, await devices(1), FIELDS)).list
      const chain5 = await siweProof(alice, alice.address, list, { ...FIELDS, chainId: 5 })
      expect(chain5.siwe?.chainId).to.equal(5)
      let err = await rejection(verifyDeviceList(chain5))
      expect(err.name).to.equal('InvalidSiweMessageError')
      // the same signature presented as a chain-1 proof: the chain-1 text was never signed
      const relabelled = { list, siwe: { ...FIELDS, signature: chain5.siwe?.signature ?? new Uint8Array() } }
      err = await rejection(verifyDeviceList(relabelled))
      expect(err.name).to.equal('InvalidSignatureError')
      // authorizeDeviceList signs what it is asked to; verification is where chain 1 is enforced
      const made = await authorizeDeviceList(alice, 1, await devices(1), { ...FIELDS, chainId: 5 })
      expect((await rejection(verifyDeviceList(made))).name).to.equal('InvalidSiweMessageError')
    })

    it('rejects a proof whose nonce, issuedAt, domain, uri or version was altered', async () => {
      const signed = await authorizeDeviceList(alice, 1, await devices(1), FIELDS)
      const siwe = signed.siwe
      if (siwe == null) {
        throw new Error('expected a SIWE proof')
      }
      const altered: Array<Partial<SiweFields>> = [
        { nonce: 'n0nce1234abce' },
        { issuedAt: '2026-11-22T20:00:01.000Z' },
        { domain: 'evil.hypha.test' },
        { domain: 'app.hypha.test:443' },
        { uri: 'https://evil.hypha.test/' }
      ]
      for (const change of altered) {
        const err = await rejection(verifyDeviceList({ ...signed, siwe: { ...siwe, ...change } }))
        expect(err.name).to.equal('InvalidSignatureError', JSON.stringify(change))
      }
      // another version of the list with the old authorization
      const account = `did:pkh:eip155:1:${alice.address}`
      const v2 = DeviceList.encode({ ...DeviceList.decode(signed.list), version: 2 })
      const err = await rejection(verifyDeviceList({ list: v2, siwe }, account))
      expect(err.name).to.equal('InvalidSignatureError')
    })

    it('rejects fields that would break the message format', async () => {
      const list = (await authorizeDeviceList(alice, 1, await devices(1), FIELDS)).list
      const bad: Array<Partial<SiweFields>> = [
        { domain: 'a\nb' },
        { domain: 'app.hypha.test\nURI: https://evil.test/' },
        { uri: 'https://app.hypha.test/\nChain ID: 1' },
        { uri: 'not a uri' },
        { nonce: 'short' },
        { nonce: 'n0nce 1234abcd' },
        { issuedAt: 'yesterday' },
        { issuedAt: '2026-11-22T20:00:00.000Z\n' },
        { chainId: 0 },
        { chainId: 1.5 }
      ]
      for (const change of bad) {
        const fields = { ...FIELDS, ...change }
        expect(() => renderSiweMessage(alice.address, 1, list, fields), JSON.stringify(change)).to.throw().with.property('name', 'InvalidSiweMessageError')
        // a proof carrying them, with any signature
        const signature = own(getBytes(await alice.signMessage('anything')))
        const err = await rejection(verifyDeviceList({ list, siwe: { ...fields, signature } }))
        expect(err.name).to.equal('InvalidSiweMessageError', JSON.stringify(change))
        expect((await rejection(authorizeDeviceList(alice, 1, await devices(1), fields))).name).to.equal('InvalidSiweMessageError', JSON.stringify(change))
      }
    })

    it('rejects high-S and out-of-range v signatures', async () => {
      const signed = await authorizeDeviceList(alice, 1, await devices(1), FIELDS)
      const siwe = signed.siwe
      if (siwe == null) {
        throw new Error('expected a SIWE proof')
      }
      const message = renderSiweMessage(alice.address, 1, signed.list, siwe)
      // (r, n - s) with the other recovery bit is the same signature, malleated: valid math, refused by Ethereum since Homestead
      const s = BigInt(hexlify(siwe.signature.subarray(32, 64)))
      const highS = Uint8Array.from(siwe.signature)
      highS.set(getBytes('0x' + (N - s).toString(16).padStart(64, '0')), 32)
      highS[64] = siwe.signature[64] === 27 ? 28 : 27
      const err = await rejection(verifyDeviceList({ ...signed, siwe: { ...siwe, signature: highS } }))
      expect(err.name).to.equal('InvalidSignatureError')
      for (const v of [29, 26, 2, 255]) {
        const signature = Uint8Array.from(siwe.signature)
        signature[64] = v
        expect((await rejection(verifyDeviceList({ ...signed, siwe: { ...siwe, signature } }))).name).to.equal('InvalidSignatureError', `v=${v}`)
      }
      for (const signature of [siwe.signature.subarray(0, 64), new Uint8Array(66), new Uint8Array(65)]) {
        expect((await rejection(verifyDeviceList({ ...signed, siwe: { ...siwe, signature } }))).name).to.equal('InvalidSignatureError', `length ${signature.length}`)
      }
      // r and s altered
      expect((await rejection(verifyDeviceList({ ...signed, siwe: { ...siwe, signature: flipped(siwe.signature, 5) } }))).name).to.equal('InvalidSignatureError')
      expect((await rejection(verifyDeviceList({ ...signed, siwe: { ...siwe, signature: flipped(siwe.signature, 40) } }))).name).to.equal('InvalidSignatureError')
      // sanity: the unaltered proof still verifies, and ethers agrees on the original
      await verifyDeviceList(signed)
      expect(verifyMessage(message, hexlify(siwe.signature))).to.equal(alice.address)
    })

    it('refuses a wallet whose signature is by another key', async () => {
      const lying: WalletSigner = {
        getAddress: async () => alice.address,
        signMessage: async message => mallory.signMessage(message)
      }
      expect((await rejection(authorizeDeviceList(lying, 1, await devices(1), SIWE))).name).to.equal('InvalidSignatureError')
      expect((await rejection(createWalletIdentity(lying, SIWE))).name).to.equal('InvalidSignatureError')
      const garbled: WalletSigner = { getAddress: () => alice.address, signMessage: async () => '0x1234' }
      expect((await rejection(authorizeDeviceList(garbled, 1, await devices(1), SIWE))).name).to.equal('InvalidSignatureError')
    })

    it('accepts a wallet that returns raw signature bytes', async () => {
      const raw: WalletSigner = {
        getAddress: () => alice.address.toLowerCase(),
        signMessage: async message => getBytes(await alice.signMessage(message))
      }
      const identity = await createWalletIdentity(raw, SIWE)
      expect(identity.userId).to.equal(`did:pkh:eip155:1:${alice.address}`)
      await verifyDeviceList(identity.deviceList, identity.userId)
    })
  })

  describe('account kind and proof kind must match', () => {
    it('rejects a did:key list carrying a SIWE proof', async () => {
      const keyIdentity = await createIdentity({ oneTimePrekeys: 0 })
      const walletList = await authorizeDeviceList(alice, 1, await devices(1), FIELDS)
      const siwe = walletList.siwe
      let err = await rejection(verifyDeviceList({ ...keyIdentity.deviceList, siwe }, keyIdentity.userId))
      expect(err.name).to.equal('InvalidSignatureError')
      err = await rejection(verifyDeviceList({ list: keyIdentity.deviceList.list, siwe }, keyIdentity.userId))
      expect(err.name).to.equal('InvalidSignatureError')
      err = await rejection(verifyDeviceList({ list: keyIdentity.deviceList.list }, keyIdentity.userId))
      expect(err.name).to.equal('InvalidSignatureError')
    })

    it('rejects a did:pkh list carrying an Ed25519 signature', async () => {
      const walletList = await authorizeDeviceList(alice, 1, await devices(1), FIELDS)
      const account = await createKeyPairAccount()
      const ed25519Signature = own(await signWithContext(account.keyPair.secretKey, DEVICE_LIST_CONTEXT, walletList.list))
      let err = await rejection(verifyDeviceList({ ...walletList, ed25519Signature }))
      expect(err.name).to.equal('InvalidSignatureError')
      err = await rejection(verifyDeviceList({ list: walletList.list, ed25519Signature }))
      expect(err.name).to.equal('InvalidSignatureError')
      err = await rejection(verifyDeviceList({ list: walletList.list }))
      expect(err.name).to.equal('InvalidSignatureError')
    })
  })
})
