/**
 * The mailbox-list DHT record: key, codec, validator and selector.
 */

import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { generateEd25519, signWithContext } from '../../../src/identity/keys.ts'
import {
  SignedMailboxList, constants, createIdentity, createMailboxList, decodeMailboxList, encodeMailboxList, hyphaSelector, hyphaValidator,
  mailboxListKey, parseRecordKey, validateRecord, verifyMailboxList
} from '../../../src/index.ts'
import { MailboxList } from '../../../src/protocol/pb/mailbox.ts'
import { rejection } from '../../fixtures/peers.ts'
import type { KeyPair, LocalIdentity } from '../../../src/index.ts'
import type { PeerId } from '@libp2p/interface'

const text = (b: Uint8Array): string => new TextDecoder().decode(b)
const toHex = (b: Uint8Array): string => Array.from(b, x => x.toString(16).padStart(2, '0')).join('')
const CONTEXT = new TextEncoder().encode('hypha-mailbox-list/1')

async function sha256Hex (s: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s))))
}

async function peers (n: number): Promise<PeerId[]> {
  return Promise.all(Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
}

/** Sign arbitrary list fields as a device would, bypassing createMailboxList's checks */
async function forge (device: KeyPair, list: MailboxList): Promise<Uint8Array> {
  const bytes = MailboxList.encode(list)
  return encodeMailboxList({ list: bytes, signature: Uint8Array.from(await signWithContext(device.secretKey, CONTEXT, bytes)) })
}

describe('mailbox-list records', () => {
  let alice: LocalIdentity
  let device: KeyPair
  let mailboxes: PeerId[]
  let key: Uint8Array

  before(async () => {
    alice = await createIdentity({ oneTimePrekeys: 0 })
    device = alice.device.signing
    mailboxes = await peers(constants.MAX_MAILBOXES_PER_LIST + 1)
    key = mailboxListKey(alice.userId, device.publicKey)
  })

  it('names a device mailbox list by the user hash and the device signing key', async () => {
    expect(text(key)).to.equal(`/hypha/mailboxes/${await sha256Hex(alice.userId)}/${toHex(device.publicKey)}`)
    expect(parseRecordKey(key)).to.deep.equal({ kind: 'mailboxes', userHash: await sha256Hex(alice.userId), signingKey: toHex(device.publicKey) })
    expect(() => mailboxListKey(alice.userId, new Uint8Array(31))).to.throw(TypeError, 'expected Uint8Array of length 32, got length=31')
    for (const bad of ['/hypha/mailboxes/00', `/hypha/mailboxes/${'a'.repeat(64)}/${'b'.repeat(63)}`, `/hypha/mailboxes/${'a'.repeat(64)}/${'b'.repeat(64)}/x`]) {
      expect(() => parseRecordKey(new TextEncoder().encode(bad))).to.throw(/mailbox list key must be/).with.property('name', 'InvalidRecordError')
    }
  })

  it('round trips and validates', async () => {
    const signed = await createMailboxList(device, alice.userId, mailboxes.slice(0, 3), 1_700_000_000_000)
    const bytes = encodeMailboxList(signed)
    const verified = await verifyMailboxList(decodeMailboxList(bytes), { userId: alice.userId, signingKey: device.publicKey })
    expect(verified.userId).to.equal(alice.userId)
    expect(verified.version).to.equal(1_700_000_000_000)
    expect(verified.mailboxes.map(toHex)).to.deep.equal(mailboxes.slice(0, 3).map(p => toHex(p.toMultihash().bytes)))
    await hyphaValidator(key, bytes)
    const record = await validateRecord(key, bytes)
    expect(record.kind).to.equal('mailboxes')
    // raw bytes are accepted as peer ids too
    await createMailboxList(device, alice.userId, [mailboxes[0].toMultihash().bytes])
  })

  it(`lists 1 to MAX_MAILBOXES_PER_LIST (${constants.MAX_MAILBOXES_PER_LIST}) mailboxes`, async () => {
    const full = encodeMailboxList(await createMailboxList(device, alice.userId, mailboxes.slice(0, constants.MAX_MAILBOXES_PER_LIST)))
    await hyphaValidator(key, full)
    await expect(createMailboxList(device, alice.userId, mailboxes)).to.eventually.be.rejectedWith(RangeError, `expected 1 to ${constants.MAX_MAILBOXES_PER_LIST} mailboxes, got ${constants.MAX_MAILBOXES_PER_LIST + 1}`)
    await expect(createMailboxList(device, alice.userId, [])).to.eventually.be.rejectedWith(RangeError)

    const base = { userId: alice.userId, signingKey: Uint8Array.from(device.publicKey), version: 5n }
    const tooMany = await forge(device, { ...base, mailboxes: mailboxes.map(p => Uint8Array.from(p.toMultihash().bytes)) })
    const err = await rejection(hyphaValidator(key, tooMany))
    expect(err.name).to.equal('InvalidRecordError')
    expect(err.message).to.equal(`mailbox list names more than ${constants.MAX_MAILBOXES_PER_LIST} mailboxes`)
    expect((await rejection(hyphaValidator(key, await forge(device, { ...base, mailboxes: [] })))).message).to.include('got none')
    const twice = Uint8Array.from(mailboxes[0].toMultihash().bytes)
    expect((await rejection(hyphaValidator(key, await forge(device, { ...base, mailboxes: [twice, twice] })))).message).to.include('twice')
    expect((await rejection(hyphaValidator(key, await forge(device, { ...base, mailboxes: [Uint8Array.of(1, 2, 3)] })))).name).to.equal('InvalidRecordError')
    expect((await rejection(hyphaValidator(key, await forge(device, { ...base, mailboxes: [new Uint8Array(constants.MAX_PEER_ID_BYTES + 1)] })))).name).to.equal('InvalidRecordError')
    expect((await rejection(hyphaValidator(key, await forge(device, { ...base, version: 0n, mailboxes: [twice] })))).message).to.include('version')
  })

  it('refuses a forged signature with InvalidSignatureError', async () => {
    const signed = await createMailboxList(device, alice.userId, mailboxes.slice(0, 2))
    const flipped = Uint8Array.from(signed.signature)
    flipped[10] ^= 1
    const forged = await rejection(hyphaValidator(key, encodeMailboxList({ ...signed, signature: flipped })))
    expect(forged.name).to.equal('InvalidSignatureError')
    // signed by another key, claiming this device
    const mallory = await generateEd25519()
    const claimed = await forge(mallory, { userId: alice.userId, signingKey: Uint8Array.from(device.publicKey), version: 9n, mailboxes: [Uint8Array.from(mailboxes[0].toMultihash().bytes)] })
    expect((await rejection(hyphaValidator(key, claimed))).name).to.equal('InvalidSignatureError')
    // the list bytes altered under a valid signature
    const list = MailboxList.decode(signed.list)
    const altered = SignedMailboxList.encode({ list: MailboxList.encode({ ...list, version: list.version + 1n }), signature: signed.signature })
    expect((await rejection(hyphaValidator(key, altered))).name).to.equal('InvalidSignatureError')
  })

  it('refuses a record under the wrong key: another user, another device', async () => {
    const bytes = encodeMailboxList(await createMailboxList(device, alice.userId, mailboxes.slice(0, 1)))
    const bob = await createIdentity({ oneTimePrekeys: 0 })
    const wrongUser = await rejection(hyphaValidator(mailboxListKey(bob.userId, device.publicKey), bytes))
    expect(wrongUser.name).to.equal('InvalidRecordError')
    expect(wrongUser.message).to.equal('mailbox list user id does not match the record key')
    const wrongDevice = await rejection(hyphaValidator(mailboxListKey(alice.userId, bob.device.signing.publicKey), bytes))
    expect(wrongDevice.name).to.equal('InvalidRecordError')
    expect(wrongDevice.message).to.equal('mailbox list signing key does not match the record key')
    // a device's own valid list, stored under another device's key of the same user
    await expect(verifyMailboxList(decodeMailboxList(bytes), { signingKey: bob.device.signing.publicKey })).to.eventually.be.rejected.with.property('name', 'InvalidRecordError')
    await expect(verifyMailboxList(decodeMailboxList(bytes), { userId: bob.userId })).to.eventually.be.rejected.with.property('name', 'InvalidRecordError')
    // bytes that are not a record, or too many
    expect((await rejection(hyphaValidator(key, Uint8Array.of(0xff, 0xff)))).name).to.equal('InvalidRecordError')
    expect((await rejection(hyphaValidator(key, new Uint8Array(constants.MAX_RECORD_BYTES + 1)))).name).to.equal('InvalidRecordError')
  })

  it('the selector picks the highest valid version', async () => {
    const v1 = encodeMailboxList(await createMailboxList(device, alice.userId, mailboxes.slice(0, 1), 1_000))
    const v3 = encodeMailboxList(await createMailboxList(device, alice.userId, mailboxes.slice(0, 2), 3_000))
    const v2 = encodeMailboxList(await createMailboxList(device, alice.userId, mailboxes.slice(0, 3), 2_000))
    expect(await hyphaSelector(key, [v1, v3, v2])).to.equal(1)
    expect(await hyphaSelector(key, [v2, v1])).to.equal(0)
    // a forged higher version loses to a valid lower one
    const signed = decodeMailboxList(v3)
    const forged = encodeMailboxList({ ...signed, list: MailboxList.encode({ ...MailboxList.decode(signed.list), version: 9_000n }) })
    expect(await hyphaSelector(key, [forged, v1])).to.equal(1)
    await expect(hyphaSelector(key, [forged])).to.eventually.be.rejected.with.property('name', 'InvalidRecordError')
  })
})
