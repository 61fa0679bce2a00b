import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { PeerRecord, RecordEnvelope } from '@libp2p/peer-record'
import { sha256 } from '@noble/hashes/sha2.js'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { toString } from 'uint8arrays/to-string'
import { rendezvousNamespace } from '../../../src/index.ts'
import { Message } from '../../../src/protocol/pb/rendezvous.ts'
import { MAX_COOKIE_LENGTH, MAX_NAMESPACE_LENGTH, MAX_TTL } from '../../../src/services/rendezvous/constants.ts'
import { checkNamespace } from '../../../src/services/rendezvous/namespace.ts'
import { openPeerRecord, sealPeerRecord } from '../../../src/services/rendezvous/peer-record.ts'
import { Registrations } from '../../../src/services/rendezvous/registrations.ts'
import { messageCodec } from '../../../src/services/rendezvous/utils.ts'
import type { PeerId, PrivateKey } from '@libp2p/interface'

async function newPeer (): Promise<{ privateKey: PrivateKey, peerId: PeerId }> {
  const privateKey = await generateKeyPair('Ed25519')
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey) }
}

const RECORD = new Uint8Array([1, 2, 3]) as Uint8Array<ArrayBuffer>
const limits = { maxRegistrationsPerPeer: 3, maxRegistrations: 5 }

describe('rendezvous registrations (server store)', () => {
  let alice: PeerId
  let bob: PeerId
  let carol: PeerId

  before(async () => {
    [alice, bob, carol] = (await Promise.all([newPeer(), newPeer(), newPeer()])).map(p => p.peerId)
  })

  it('keeps at most maxRegistrationsPerPeer namespaces per peer; a refresh does not count', () => {
    const store = new Registrations(limits)
    for (const ns of ['a', 'b', 'c']) {
      expect(store.add(alice, ns, RECORD, 60, 0)).to.equal('ok')
    }
    expect(store.add(alice, 'd', RECORD, 60, 0)).to.equal('peer-limit')
    expect(store.add(alice, 'a', RECORD, 60, 0)).to.equal('ok')
    expect(store.size).to.equal(3)
  })

  it('keeps at most maxRegistrations in all, and makes room by dropping expired ones', () => {
    const store = new Registrations(limits)
    for (const ns of ['a', 'b', 'c']) { store.add(alice, ns, RECORD, 1, 0) }
    store.add(bob, 'a', RECORD, 60, 0)
    store.add(bob, 'b', RECORD, 60, 0)
    expect(store.add(carol, 'a', RECORD, 60, 0)).to.equal('full')
    // alice's registrations expire at 1000 ms
    expect(store.add(carol, 'a', RECORD, 60, 5_000)).to.equal('ok')
    expect(store.size).to.equal(3)
  })

  it('lists in sequence order after a cookie, refreshed registrations move to the end, expired ones are dropped', () => {
    const store = new Registrations(limits)
    store.add(alice, 'x', RECORD, 60, 0)
    store.add(bob, 'x', RECORD, 1, 0)
    store.add(carol, 'y', RECORD, 60, 0)
    expect([...store.after('x', 0, 0)].map(r => r.peerId.toString())).to.deep.equal([alice.toString(), bob.toString()])
    expect([...store.after(undefined, 0, 0)]).to.have.length(3)
    store.add(alice, 'x', RECORD, 60, 0)
    expect([...store.after('x', 0, 0)].map(r => r.peerId.toString())).to.deep.equal([bob.toString(), alice.toString()])
    expect([...store.after('x', 2, 0)].map(r => r.peerId.toString())).to.deep.equal([alice.toString()])
    expect([...store.after('x', 0, 2_000)].map(r => r.peerId.toString())).to.deep.equal([alice.toString()])
    expect(store.size).to.equal(2)
  })

  it('remove is a no-op for a namespace the peer is not in', () => {
    const store = new Registrations(limits)
    store.add(alice, 'x', RECORD, 60, 0)
    expect(store.remove(alice, 'y')).to.equal(false)
    expect(store.remove(bob, 'x')).to.equal(false)
    expect(store.remove(alice, 'x')).to.equal(true)
    expect(store.size).to.equal(0)
    expect([...store.after('x', 0, 0)]).to.deep.equal([])
  })

  it('purgeExpired drops exactly the expired registrations', () => {
    const store = new Registrations(limits)
    store.add(alice, 'x', RECORD, 1, 0)
    store.add(bob, 'x', RECORD, 2, 0)
    expect(store.purgeExpired(1_000)).to.equal(1)
    expect(store.purgeExpired(1_000)).to.equal(0)
    expect(store.size).to.equal(1)
  })

  it('accepts only cookies it issued, for the same namespace, not from the future', () => {
    const store = new Registrations(limits)
    store.add(alice, 'x', RECORD, 60, 0)
    const cookie = store.cookie('x', 1)
    expect(store.parseCookie(cookie, 'x')).to.equal(1)
    expect(store.parseCookie(cookie, 'y')).to.equal(undefined)
    expect(store.parseCookie(cookie, undefined)).to.equal(undefined)
    expect(store.parseCookie(store.cookie(undefined, 1), undefined)).to.equal(1)
    expect(store.parseCookie(store.cookie('x', 2), 'x')).to.equal(undefined)
    expect(new Registrations(limits).parseCookie(cookie, 'x')).to.equal(undefined)
    const wrongVersion = Uint8Array.from(cookie)
    wrongVersion[0] ^= 0xff
    expect(store.parseCookie(wrongVersion, 'x')).to.equal(undefined)
    expect(store.parseCookie(cookie.subarray(0, 16), 'x')).to.equal(undefined)
    expect(store.parseCookie(new Uint8Array(MAX_COOKIE_LENGTH + 1), 'x')).to.equal(undefined)
  })

  it('never accepts random bytes as a cookie (property)', () => {
    const store = new Registrations(limits)
    store.add(alice, 'x', RECORD, 60, 0)
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.option(fc.string({ maxLength: 10 }), { nil: undefined }), (bytes, ns) => {
      expect(store.parseCookie(bytes, ns)).to.equal(undefined)
    }))
  })
})

describe('rendezvous messages', () => {
  const codec = messageCodec()

  it('round-trips every message (property)', () => {
    // a protons enum object also holds its codec function
    const status = fc.constantFrom(...Object.values(Message.ResponseStatus).filter((v): v is Message.ResponseStatus => typeof v === 'string'))
    const register = fc.record({
      ns: fc.string({ maxLength: 20 }),
      signedPeerRecord: fc.uint8Array({ maxLength: 50 }).map(b => Uint8Array.from(b)),
      ttl: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })
    }, { requiredKeys: [] })
    const message = fc.record({
      type: fc.constantFrom(...Object.values(Message.MessageType).filter((v): v is Message.MessageType => typeof v === 'string')),
      register,
      registerResponse: fc.record({ status, statusText: fc.string({ maxLength: 20 }), ttl: fc.bigInt({ min: 0n, max: BigInt(MAX_TTL) }) }, { requiredKeys: [] }),
      unregister: fc.record({ ns: fc.string({ maxLength: 20 }) }, { requiredKeys: [] }),
      discover: fc.record({ ns: fc.string({ maxLength: 20 }), limit: fc.bigInt({ min: 0n, max: 5000n }), cookie: fc.uint8Array({ maxLength: 40 }).map(b => Uint8Array.from(b)) }, { requiredKeys: [] }),
      discoverResponse: fc.record({
        registrations: fc.array(register, { maxLength: 3 }),
        cookie: fc.uint8Array({ maxLength: 40 }).map(b => Uint8Array.from(b)),
        status,
        statusText: fc.string({ maxLength: 20 })
      }, { requiredKeys: ['registrations'] })
    }, { requiredKeys: [] })
    fc.assert(fc.property(message, (m) => {
      expect(codec.decode(codec.encode(m as Message))).to.deep.equal(m)
    }))
  })

  it('encodes REGISTER = 0 and OK = 0 (the spec is proto2: a set field is on the wire)', () => {
    expect(toString(Message.encode({ type: Message.MessageType.REGISTER }), 'base16')).to.equal('0800')
    expect(toString(Message.encode({ registerResponse: { status: Message.ResponseStatus.OK } }), 'base16')).to.equal('1a020800')
  })

  it('throws InvalidRendezvousMessageError on bytes that do not decode', () => {
    const bad = [
      Uint8Array.of(0x08, 99), // type = 99, not a MessageType
      Uint8Array.of(0x0a, 0x05, 1, 2), // field 1 as a cut short length-delimited value
      Uint8Array.of(0x12, 0x10, 0x0a), // register: length 16 with 1 byte
      Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff) // a tag varint that never ends
    ]
    for (const bytes of bad) {
      expect(() => codec.decode(bytes)).to.throw().with.property('name', 'InvalidRendezvousMessageError')
    }
  })

  it('decodes random bytes to a Message or throws InvalidRendezvousMessageError, nothing else (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try {
        codec.decode(bytes)
      } catch (err: any) {
        expect(err.name).to.equal('InvalidRendezvousMessageError')
      }
    }))
  })
})

describe('rendezvous signed peer records', () => {
  it('opens what it seals, and refuses a record altered or naming another peer', async () => {
    const alice = await newPeer()
    const bob = await newPeer()
    const sealed = await sealPeerRecord(alice.privateKey, alice.peerId, [])
    const opened = await openPeerRecord(sealed)
    expect(opened.peerId.equals(alice.peerId)).to.equal(true)

    const altered = Uint8Array.from(sealed)
    altered[altered.length - 1] ^= 1
    await expect(openPeerRecord(altered)).to.eventually.be.rejected.with.property('name', 'InvalidSignatureError')

    // signed by alice but naming bob
    const lying = (await RecordEnvelope.seal(new PeerRecord({ peerId: bob.peerId }), alice.privateKey)).marshal()
    await expect(openPeerRecord(lying)).to.eventually.be.rejected.with.property('name', 'InvalidRecordError')

    await expect(openPeerRecord(Uint8Array.of(1, 2, 3))).to.eventually.be.rejected.with.property('name', 'InvalidRecordError')
  })
})

describe('rendezvousNamespace', () => {
  it('is "hypha/" and the first 32 hex digits of SHA-256 of the user id', () => {
    const userId = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
    const ns = rendezvousNamespace(userId)
    expect(ns).to.equal('hypha/' + toString(sha256(new TextEncoder().encode(userId)), 'base16').slice(0, 32))
    expect(ns).to.match(/^hypha\/[0-9a-f]{32}$/)
    expect(ns).to.not.include('z6Mk')
    expect(rendezvousNamespace('did:pkh:eip155:1:0x0')).to.not.equal(ns)
  })

  it('is a valid namespace, and refuses an empty user id', () => {
    expect(() => { checkNamespace(rendezvousNamespace('x')) }).to.not.throw()
    expect(() => rendezvousNamespace('')).to.throw(TypeError)
  })

  it('checkNamespace counts UTF-8 bytes up to MAX_NAMESPACE_LENGTH', () => {
    expect(() => { checkNamespace('a'.repeat(MAX_NAMESPACE_LENGTH)) }).to.not.throw()
    expect(() => { checkNamespace('a'.repeat(MAX_NAMESPACE_LENGTH + 1)) }).to.throw(RangeError)
    expect(() => { checkNamespace('é'.repeat(128)) }).to.throw(RangeError, 'length=256')
    expect(() => { checkNamespace('') }).to.throw(RangeError)
    expect(() => { checkNamespace('', true) }).to.not.throw()
  })
})
