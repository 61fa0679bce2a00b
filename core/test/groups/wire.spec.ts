import { expect } from 'aegir/chai'
import { encodeHeader } from '../../src/crypto/ratchet.ts'
import { generateEd25519 } from '../../src/identity/keys.ts'
import {
  SenderKey, checkInboxEnvelope, constants, decodeKeyPackage, encodeKeyPackages, entryHint, groupHint, groupInboxKey, groupTopic, openChannelPost, parseChannelInvite,
  parseGroupEnvelope, sealChannelPost, wrapGroupMessage
} from '../../src/index.ts'
import { hex } from '../../src/utils/bytes.ts'

const random = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n))

describe('group and channel envelopes', () => {
  it('derives topic, hints and inbox key as PROTOCOL.md section 19 pins them', async () => {
    const id = Uint8Array.from({ length: 32 }, (_, i) => i)
    const device = Uint8Array.from({ length: 32 }, (_, i) => 0xff - i)
    expect(groupTopic(id)).to.equal('hypha/inbox/1/05')
    expect(hex(groupHint(id))).to.equal('f9cf463ebe783011')
    expect(hex(entryHint(id, device))).to.equal('872b5764e9a7d052')
    expect(hex((await groupInboxKey(id)).publicKey)).to.equal('82143cba87202f2cdc61dd5aa22ec769c0afbb4e695d11526f7fe1375cd38b23')
  })

  it('a group message passes the inbox validator; truncated, random and oversized ones get typed errors', async () => {
    const id = random(32)
    const key = await SenderKey.create()
    const envelope = wrapGroupMessage(id, await key.encrypt(new Uint8Array(10)))
    expect(() => { checkInboxEnvelope(envelope) }).to.not.throw()
    expect(parseGroupEnvelope(envelope).hint).to.equal(hex(groupHint(id)))
    expect(() => { checkInboxEnvelope(envelope.subarray(0, 20)) }).to.throw().with.property('name', 'MalformedMessageError')
    expect(() => { checkInboxEnvelope(Uint8Array.of(0x04, 1, 2)) }).to.throw().with.property('name', 'MalformedMessageError')
    expect(() => { checkInboxEnvelope(new Uint8Array(constants.MAX_ENVELOPE_BYTES + 1).fill(4)) }).to.throw().with.property('name', 'MessageTooLargeError')
    const wrongInner = Uint8Array.from(envelope)
    wrongInner[9] = 0x07
    expect(() => { checkInboxEnvelope(wrongInner) }).to.throw().with.property('name', 'UnsupportedVersionError')
    for (let i = 0; i < 200; i++) {
      const junk = random(1 + (i % 300))
      junk[0] = 0x04 + (i % 3)
      try {
        checkInboxEnvelope(junk)
      } catch (err: any) {
        expect(err.name).to.be.oneOf(['MalformedMessageError', 'UnsupportedVersionError', 'MessageTooLargeError'])
      }
    }
  })

  it('key packages split under the envelope limit; entries must be 1:1 envelopes', () => {
    const id = random(32)
    const entry = { hint: random(8), envelope: Uint8Array.from([0x02, ...random(3000)]) }
    const packages = encodeKeyPackages(id, Array(200).fill(entry))
    expect(packages.length).to.be.greaterThan(1)
    for (const pkg of packages) { expect(pkg.length).to.be.at.most(constants.MAX_ENVELOPE_BYTES) }
    const bad = encodeKeyPackages(id, [{ hint: random(8), envelope: Uint8Array.of(0x09, 1, 2) }])[0]
    expect(() => decodeKeyPackage(bad.subarray(9))).to.throw().with.property('name', 'UnsupportedVersionError')
    const shortHint = encodeKeyPackages(id, [{ hint: random(3), envelope: Uint8Array.of(0x02) }])[0]
    expect(() => decodeKeyPackage(shortHint.subarray(9))).to.throw().with.property('name', 'MalformedMessageError')
  })

  it('refuses a key package in any but its one encoding, or naming a device twice (a re-wrapped package)', () => {
    // the adversarial suite's tamper scenario had B take its entry out of such re-wrapped packages
    const id = random(32)
    // a well-formed ratchet message (random counters would be out of range now and then)
    const envelope = Uint8Array.from([...encodeHeader(random(32), random(32), 0, 1), ...random(100)])
    const body = encodeKeyPackages(id, [{ hint: random(8), envelope }])[0].subarray(9)
    expect(decodeKeyPackage(body)).to.have.lengthOf(1)
    // the entry's hint tag as a varint field (protobuf decoders read the bytes anyway), an unknown field appended, the entry twice
    const entryStart = 1 + (body[1] & 0x80 ? 2 : 1)
    const wireType = Uint8Array.from(body)
    wireType[entryStart] = 0x08
    const twice = encodeKeyPackages(id, [{ hint: body.subarray(entryStart + 2, entryStart + 10), envelope }, { hint: body.subarray(entryStart + 2, entryStart + 10), envelope }])[0].subarray(9)
    for (const bad of [wireType, Uint8Array.from([...body, 0x78, 0x01]), twice]) {
      expect(() => decodeKeyPackage(bad)).to.throw().with.property('name', 'MalformedMessageError')
      expect(() => { checkInboxEnvelope(Uint8Array.from([0x05, ...random(8), ...bad])) }).to.throw().with.property('name', 'MalformedMessageError')
    }
  })

  it('a channel post opens with the owner\'s key only; an altered one does not open', async () => {
    const id = random(32)
    const key = random(32)
    const owner = await generateEd25519()
    const post = await sealChannelPost(id, 3, key, owner, new TextEncoder().encode('news'), random)
    expect(() => { checkInboxEnvelope(post) }).to.not.throw()
    expect(new TextDecoder().decode(await openChannelPost(post, key, owner.publicKey))).to.equal('news')
    const forged = await sealChannelPost(id, 3, key, await generateEd25519(), new TextEncoder().encode('fake'), random)
    await expect(openChannelPost(forged, key, owner.publicKey)).to.eventually.be.rejected.with.property('name', 'InvalidSignatureError')
    const altered = Uint8Array.from(post)
    altered[30] ^= 1
    await expect(openChannelPost(altered, key, owner.publicKey)).to.eventually.be.rejected.with.property('name', 'InvalidSignatureError')
  })

  it('refuses invite links that do not parse', () => {
    for (const link of ['', 'hypha://channel/', 'hypha://channel/!!!', 'hypha://channel/AAAA', `hypha://channel/${'A'.repeat(400)}`]) {
      expect(() => parseChannelInvite(link)).to.throw().with.property('name', 'InvalidInviteError')
    }
  })
})
