import { expect } from 'aegir/chai'
import { Wallet } from 'ethers'
import fc from 'fast-check'
import { encodeHeader } from '../../src/crypto/ratchet.ts'
import { decodePrekeyEnvelope, encodePrekeyEnvelope } from '../../src/crypto/session.ts'
import * as hypha from '../../src/index.ts'
import {
  constants, createIdentity, createWalletIdentity, currentBundle, decodeBundle, decodeSignedDeviceList, encodeBundle,
  encodeSignedDeviceList, parseRatchetMessage, parseSenderKeyMessage, SenderKey, SenderKeyReceiver, verifyBundle, verifyDeviceList
} from '../../src/index.ts'
import { PrekeyEnvelope, SenderKeyDistribution } from '../../src/protocol/pb/envelope.ts'
import { DeviceList } from '../../src/protocol/pb/identity.ts'
import { fetchBundle, peer, text } from '../fixtures/peers.ts'
import type { LocalIdentity, VerifiedDeviceList } from '../../src/index.ts'
import type { PrekeyBundle, SignedDeviceList } from '../../src/protocol/pb/identity.ts'

/** Every named error class the package exports: the only errors a parser may throw on hostile bytes */
const TYPED_ERRORS = Object.values(hypha)
  .filter((value): value is new (message: string) => Error => typeof value === 'function' && value.prototype instanceof Error)
  .map(value => value.name)

/** Unsigned LEB128, written here rather than taken from the implementation's varint library */
function varint (value: number): number[] {
  const out: number[] = []
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80)
    value = Math.floor(value / 0x80)
  }
  out.push(value)
  return out
}

const uint32 = fc.integer({ min: 0, max: 0xffffffff })
const bytes = (length: number): fc.Arbitrary<Uint8Array<ArrayBuffer>> => fc.uint8Array({ minLength: length, maxLength: length })
const someBytes = (maxLength = 100): fc.Arbitrary<Uint8Array<ArrayBuffer>> => fc.uint8Array({ maxLength })
const someText = fc.string({ unit: 'grapheme', maxLength: 20 })

/** `seed` with a few bytes changed, then maybe cut short and maybe extended: hostile bytes that get past the first checks */
function mutated (seed: Uint8Array): fc.Arbitrary<Uint8Array<ArrayBuffer>> {
  return fc.tuple(
    fc.array(fc.tuple(fc.nat({ max: seed.length - 1 }), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
    fc.option(fc.nat({ max: seed.length }), { nil: undefined }),
    someBytes(8)
  ).map(([flips, cut, extra]) => {
    const out = Uint8Array.from(seed)
    for (const [index, xor] of flips) {
      out[index] ^= xor
    }
    return Uint8Array.of(...out.subarray(0, cut ?? out.length), ...extra)
  })
}

/** Hostile input for a parser: random bytes, random bytes behind the right type byte, or a mutated valid message */
function hostile (seeds: Uint8Array[], typeByte?: number): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    someBytes(300),
    someBytes(300).map(b => typeByte == null ? b : Uint8Array.of(typeByte, ...b)),
    ...seeds.map(mutated)
  )
}

/** Runs `parse`; passes when it returns or throws one of the named errors */
function typedOrReturns (parse: () => unknown): void {
  try {
    parse()
  } catch (err: any) {
    if (!TYPED_ERRORS.includes(err?.name)) {
      throw new Error(`untyped ${err?.name}: ${err?.message}`)
    }
  }
}

async function typedOrResolves (run: () => Promise<unknown>): Promise<void> {
  try {
    await run()
  } catch (err: any) {
    if (!TYPED_ERRORS.includes(err?.name)) {
      throw new Error(`untyped ${err?.name}: ${err?.message}`)
    }
  }
}

const prekeyEnvelope = fc.record({
  signedPrekeyId: uint32,
  kemPrekeyId: uint32,
  oneTimePrekeyId: uint32,
  baseKey: bytes(32),
  kemCiphertext: bytes(constants.KEM_CIPHERTEXT_LENGTH),
  sealedSender: someBytes(200),
  message: someBytes(200)
}, { requiredKeys: ['signedPrekeyId', 'kemPrekeyId', 'baseKey', 'kemCiphertext', 'sealedSender', 'message'] })

const signedDeviceList = fc.record({
  list: someBytes(2000),
  ed25519Signature: someBytes(64),
  siwe: fc.record({ domain: someText, uri: someText, chainId: uint32, nonce: someText, issuedAt: someText, signature: someBytes(65) })
}, { requiredKeys: ['list'] })

const signedPrekey = (keyLength: number): fc.Arbitrary<{ id: number, publicKey: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer> }> =>
  fc.record({ id: uint32, publicKey: fc.oneof(bytes(keyLength), someBytes(40)), signature: someBytes(64) })

const prekeyBundle = fc.record({
  userId: someText,
  signingKey: someBytes(32),
  identityKey: someBytes(32),
  signedPrekey: signedPrekey(32),
  kemPrekey: signedPrekey(constants.KEM_PUBLIC_KEY_LENGTH),
  oneTimePrekey: fc.record({ id: uint32, publicKey: someBytes(32) })
}, { requiredKeys: ['userId', 'signingKey', 'identityKey'] })

describe('codec round trips', function () {
  this.timeout(120_000)

  it('ratchet message header', () => {
    fc.assert(fc.property(bytes(4), bytes(32), uint32, uint32, fc.uint8Array({ minLength: 40, maxLength: 200 }), (hint, dh, pn, n, body) => {
      const header = encodeHeader(hint, dh, pn, n)
      expect(Array.from(header)).to.deep.equal([hypha.RATCHET_MESSAGE_TYPE, ...hint, ...dh, ...varint(pn), ...varint(n)])
      const parsed = parseRatchetMessage(Uint8Array.of(...header, ...body))
      expect(parsed.header.hint).to.deep.equal(hint)
      expect(parsed.header.dh).to.deep.equal(dh)
      expect(parsed.header.pn).to.equal(pn)
      expect(parsed.header.n).to.equal(n)
      expect(parsed.header.bytes).to.deep.equal(header)
      expect(parsed.body).to.deep.equal(body)
    }), { numRuns: 500 })
  })

  it('ratchet message header with a body too short for nonce and tag', () => {
    fc.assert(fc.property(bytes(4), bytes(32), uint32, uint32, fc.uint8Array({ maxLength: 39 }), (hint, dh, pn, n, body) => {
      expect(() => parseRatchetMessage(Uint8Array.of(...encodeHeader(hint, dh, pn, n), ...body))).to.throw().with.property('name', 'MalformedMessageError')
    }), { numRuns: 200 })
  })

  it('prekey envelope', () => {
    fc.assert(fc.property(prekeyEnvelope, envelope => {
      const encoded = encodePrekeyEnvelope(envelope)
      expect(encoded[0]).to.equal(hypha.PREKEY_ENVELOPE_TYPE)
      expect(decodePrekeyEnvelope(encoded)).to.deep.equal(envelope)
    }), { numRuns: 200 })
  })

  it('signed device list', () => {
    fc.assert(fc.property(signedDeviceList, signed => {
      expect(decodeSignedDeviceList(encodeSignedDeviceList(signed))).to.deep.equal(signed)
    }), { numRuns: 300 })
  })

  it('device list', () => {
    const device = fc.record({ signingKey: someBytes(33), identityKey: someBytes(33) })
    fc.assert(fc.property(someText, uint32, fc.array(device, { maxLength: constants.MAX_DEVICES }), (userId, version, devices) => {
      const list = { userId, version, devices }
      expect(DeviceList.decode(DeviceList.encode(list), { limits: { devices: constants.MAX_DEVICES } })).to.deep.equal(list)
    }), { numRuns: 300 })
  })

  it('prekey bundle', () => {
    fc.assert(fc.property(prekeyBundle, bundle => {
      expect(decodeBundle(encodeBundle(bundle))).to.deep.equal(bundle)
    }), { numRuns: 200 })
  })

  it('sender key distribution', () => {
    fc.assert(fc.property(uint32, uint32, someBytes(40), someBytes(40), (keyId, iteration, chainKey, signingKey) => {
      const distribution = { keyId, iteration, chainKey, signingKey }
      const encoded = SenderKeyDistribution.encode(distribution)
      expect(SenderKeyDistribution.decode(encoded)).to.deep.equal(distribution)
      if (chainKey.length === 32 && signingKey.length === 32) {
        const receiver = SenderKeyReceiver.fromDistribution(encoded)
        expect(receiver.keyId).to.equal(keyId)
        expect(receiver.signingKey).to.deep.equal(signingKey)
      } else {
        expect(() => SenderKeyReceiver.fromDistribution(encoded)).to.throw().with.property('name', 'MalformedMessageError')
      }
    }), { numRuns: 300 })
    // and always 32-byte keys, so the receiver path is taken
    fc.assert(fc.property(uint32, uint32, bytes(32), bytes(32), (keyId, iteration, chainKey, signingKey) => {
      const receiver = SenderKeyReceiver.fromDistribution(SenderKeyDistribution.encode({ keyId, iteration, chainKey, signingKey }))
      expect(receiver.keyId).to.equal(keyId)
    }), { numRuns: 100 })
  })

  it('sender-key message header', () => {
    const tail = fc.uint8Array({ minLength: constants.NONCE_LENGTH + constants.TAG_LENGTH + constants.SIGNATURE_LENGTH, maxLength: 200 })
    fc.assert(fc.property(uint32, uint32, tail, (keyId, iteration, rest) => {
      const key = [keyId >>> 24, (keyId >>> 16) & 0xff, (keyId >>> 8) & 0xff, keyId & 0xff]
      const message = Uint8Array.of(hypha.SENDER_KEY_MESSAGE_TYPE, ...key, ...varint(iteration), ...rest)
      const parsed = parseSenderKeyMessage(message)
      expect(parsed.header).to.deep.equal({ keyId, iteration })
      expect(parsed.headerLength).to.equal(5 + varint(iteration).length)
    }), { numRuns: 500 })
  })
})

describe('codecs given hostile bytes throw named errors only', function () {
  this.timeout(120_000)

  let identity: LocalIdentity
  let wallet: LocalIdentity
  let list: VerifiedDeviceList
  let prekeyMessage: Uint8Array
  let ratchetMessage: Uint8Array
  let senderKeyMessage: Uint8Array

  before(async () => {
    identity = await createIdentity({ oneTimePrekeys: 1 })
    wallet = await createWalletIdentity(new Wallet('0x' + '55'.repeat(32)), { domain: 'app.hypha.test', uri: 'https://app.hypha.test/' })
    list = await verifyDeviceList(identity.deviceList, identity.userId)
    const [a, b] = [await peer(), await peer()]
    const bundle = await fetchBundle(b)
    await a.sessions.initiate(bundle)
    prekeyMessage = await a.sessions.encrypt(bundle.signingKey, text('hello'))
    const got = await b.sessions.decrypt(prekeyMessage)
    ratchetMessage = await b.sessions.encrypt(got.sender.signingKey, text('hello back'))
    senderKeyMessage = await (await SenderKey.create()).encrypt(text('to the group'))
  })

  it('knows the named errors', () => {
    expect(TYPED_ERRORS).to.include.members(['MalformedMessageError', 'UnsupportedVersionError', 'InvalidRecordError', 'InvalidSignatureError'])
    expect(TYPED_ERRORS).to.not.include.members(['Error', 'TypeError', 'RangeError'])
    expect(() => { typedOrReturns(() => { throw new RangeError('deep inside') }) }).to.throw(/untyped RangeError/)
  })

  it('parseRatchetMessage', () => {
    fc.assert(fc.property(hostile([ratchetMessage], hypha.RATCHET_MESSAGE_TYPE), input => {
      typedOrReturns(() => parseRatchetMessage(input))
    }), { numRuns: 2000 })
  })

  it('decodePrekeyEnvelope', () => {
    fc.assert(fc.property(hostile([prekeyMessage], hypha.PREKEY_ENVELOPE_TYPE), input => {
      typedOrReturns(() => decodePrekeyEnvelope(input))
    }), { numRuns: 2000 })
    // protobuf encodings of envelopes with fields of any length, behind the type byte
    const loose = fc.record({ baseKey: someBytes(40), kemCiphertext: fc.oneof(bytes(constants.KEM_CIPHERTEXT_LENGTH), someBytes(40)) })
    fc.assert(fc.property(loose, fields => {
      typedOrReturns(() => decodePrekeyEnvelope(Uint8Array.of(hypha.PREKEY_ENVELOPE_TYPE, ...PrekeyEnvelope.encode(fields))))
    }), { numRuns: 200 })
  })

  it('parseSenderKeyMessage', () => {
    fc.assert(fc.property(hostile([senderKeyMessage], hypha.SENDER_KEY_MESSAGE_TYPE), input => {
      typedOrReturns(() => parseSenderKeyMessage(input))
    }), { numRuns: 2000 })
  })

  it('decodeSignedDeviceList', () => {
    const seeds = [encodeSignedDeviceList(identity.deviceList), encodeSignedDeviceList(wallet.deviceList)]
    fc.assert(fc.property(hostile(seeds), input => {
      typedOrReturns(() => decodeSignedDeviceList(input))
    }), { numRuns: 2000 })
  })

  it('verifyDeviceList', async () => {
    const seeds = [encodeSignedDeviceList(identity.deviceList), encodeSignedDeviceList(wallet.deviceList)]
    await fc.assert(fc.asyncProperty(hostile(seeds), async input => {
      await typedOrResolves(async () => verifyDeviceList(input))
    }), { numRuns: 500 })
    // well-formed records around hostile list bytes and SIWE fields
    const records = fc.record({
      list: fc.oneof(someBytes(200), ...seeds.map(s => mutated(decodeSignedDeviceList(s).list))),
      ed25519Signature: someBytes(64),
      siwe: fc.record({ domain: someText, uri: someText, chainId: fc.constantFrom(1, 5, 0), nonce: someText, issuedAt: someText, signature: someBytes(65) })
    }, { requiredKeys: ['list'] })
    await fc.assert(fc.asyncProperty(records, async (record: SignedDeviceList) => {
      await typedOrResolves(async () => verifyDeviceList(record))
    }), { numRuns: 500 })
  })

  it('decodeBundle and verifyBundle', async () => {
    const seed = encodeBundle(currentBundle(identity))
    fc.assert(fc.property(hostile([seed]), input => {
      typedOrReturns(() => decodeBundle(input))
    }), { numRuns: 1000 })
    await fc.assert(fc.asyncProperty(fc.oneof(mutated(seed), prekeyBundle.map(encodeBundle)), async input => {
      await typedOrResolves(async () => verifyBundle(decodeBundle(input), list))
    }), { numRuns: 300 })
    // random prekeys under the real user id and device keys, so the length and signature checks run
    const device = { userId: identity.userId, signingKey: Uint8Array.from(identity.device.signing.publicKey), identityKey: Uint8Array.from(identity.device.identity.publicKey) }
    await fc.assert(fc.asyncProperty(prekeyBundle, async (bundle: PrekeyBundle) => {
      await typedOrResolves(async () => verifyBundle({ ...bundle, ...device }, list))
    }), { numRuns: 300 })
  })
})
