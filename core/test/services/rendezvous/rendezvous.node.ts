/**
 * Rendezvous between real libp2p nodes on 127.0.0.1 (TCP, noise, yamux,
 * identify): one rendezvous point, three clients, and raw streams for what a
 * well-behaved client never sends.
 */

import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { PeerRecord, RecordEnvelope } from '@libp2p/peer-record'
import { tcp } from '@libp2p/tcp'
import { pbStream } from '@libp2p/utils'
import { CODE_P2P } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { createLibp2p } from 'libp2p'
import { varint } from 'multiformats'
import { rendezvousClient, rendezvousNamespace, rendezvousServer } from '../../../src/index.ts'
import { Message } from '../../../src/protocol/pb/rendezvous.ts'
import {
  DEFAULT_TTL, MAX_DISCOVER_LIMIT, MAX_MESSAGE_SIZE, MAX_NAMESPACE_LENGTH, MAX_REGISTRATIONS_PER_PEER, MAX_TTL, MIN_TTL, RENDEZVOUS_PROTOCOL
} from '../../../src/services/rendezvous/constants.ts'
import { sealPeerRecord } from '../../../src/services/rendezvous/peer-record.ts'
import type { RendezvousClient, RendezvousServer, RendezvousServerInit } from '../../../src/index.ts'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

const { MessageType, ResponseStatus } = Message

type ServerNode = Libp2p<{ rendezvous: RendezvousServer }>
type ClientNode = Libp2p<{ rendezvous: RendezvousClient }>

const LISTEN = ['/ip4/127.0.0.1/tcp/0']

async function serverNode (init: RendezvousServerInit): Promise<ServerNode> {
  return createLibp2p({
    addresses: { listen: LISTEN },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), rendezvous: rendezvousServer(init) }
  })
}

async function clientNode (privateKey?: PrivateKey): Promise<ClientNode> {
  return createLibp2p({
    privateKey,
    addresses: { listen: LISTEN },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), rendezvous: rendezvousClient() }
  })
}

/** Send `frames` as they are on a fresh stream, then read one answer (or the error the stream ends with) */
async function raw (from: Libp2p, to: Multiaddr, frames: Uint8Array[]): Promise<{ response?: Message, error?: Error }> {
  const stream = await from.dialProtocol(to, RENDEZVOUS_PROTOCOL)
  const signal = AbortSignal.timeout(5_000)
  const messages = pbStream(stream, { maxDataLength: MAX_MESSAGE_SIZE })
  try {
    for (const frame of frames) { stream.send(frame) }
    await stream.close({ signal })
    return { response: await messages.read(Message, { signal }) }
  } catch (error: any) {
    stream.abort(error)
    return { error }
  }
}

/** A length-prefixed frame around `body` */
function frame (body: Uint8Array, claimedLength = body.byteLength): Uint8Array {
  const prefix = new Uint8Array(varint.encodingLength(claimedLength))
  varint.encodeTo(claimedLength, prefix)
  const out = new Uint8Array(prefix.byteLength + body.byteLength)
  out.set(prefix)
  out.set(body, prefix.byteLength)
  return out
}

const registerFrame = (register: Message.Register): Uint8Array => frame(Message.encode({ type: MessageType.REGISTER, register }))

const noP2p = (addrs: Multiaddr[]): string[] => addrs.map(ma => ma.decapsulateCode(CODE_P2P).toString()).sort()

const sleep = async (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

describe('rendezvous over libp2p (TCP on 127.0.0.1)', function () {
  this.timeout(60_000)

  let server: ServerNode
  let point: Multiaddr
  let alice: ClientNode
  let bob: ClientNode
  let carol: ClientNode
  let alicesKey: PrivateKey
  let bobsKey: PrivateKey

  before(async () => {
    alicesKey = await generateKeyPair('Ed25519')
    bobsKey = await generateKeyPair('Ed25519');
    [server, alice, bob, carol] = await Promise.all([
      // a short minimum TTL so expiry can be watched; a quick sweep
      serverNode({ minTtl: 1, sweepInterval: 200 }),
      clientNode(alicesKey),
      clientNode(bobsKey),
      clientNode()
    ])
    point = server.getMultiaddrs()[0]
  })

  after(async () => {
    await Promise.all([server, alice, bob, carol].map(async node => node?.stop()))
  })

  /** The point still answers a valid request */
  async function stillServing (): Promise<void> {
    const ns = `alive-${Math.random()}`
    await carol.services.rendezvous.register(point, ns)
    const { registrations } = await carol.services.rendezvous.discover(point, ns)
    expect(registrations.map(r => r.peerId.toString())).to.deep.equal([carol.peerId.toString()])
    await carol.services.rendezvous.unregister(point, ns)
  }

  describe('register, discover, unregister', () => {
    it('registers two peers and discovers both with their signed addresses', async () => {
      const ns = rendezvousNamespace('did:key:z6MkAlice')
      const granted = await alice.services.rendezvous.register(point, ns, { ttl: 3_600 })
      expect(granted.ttl).to.equal(3_600)
      expect((await bob.services.rendezvous.register(point, ns)).ttl).to.equal(DEFAULT_TTL, 'the spec default, 2 hours')

      const { registrations, cookie } = await carol.services.rendezvous.discover(point, ns)
      expect(registrations.map(r => r.peerId.toString())).to.deep.equal([alice.peerId.toString(), bob.peerId.toString()])
      expect(noP2p(registrations[0].multiaddrs)).to.deep.equal(noP2p(alice.getMultiaddrs()))
      expect(registrations[0].ns).to.equal(ns)
      expect(registrations[0].ttl).to.be.within(3_599, 3_600)
      expect(cookie.byteLength).to.be.greaterThan(0)

      await alice.services.rendezvous.unregister(point, ns)
      await bob.services.rendezvous.unregister(point, ns)
      expect((await carol.services.rendezvous.discover(point, ns)).registrations).to.deep.equal([])
    })

    it('keeps namespaces apart, and an empty namespace discovers all of them', async () => {
      await alice.services.rendezvous.register(point, 'apart/one')
      await bob.services.rendezvous.register(point, 'apart/two')
      const one = await carol.services.rendezvous.discover(point, 'apart/one')
      expect(one.registrations.map(r => r.peerId.toString())).to.deep.equal([alice.peerId.toString()])
      const all = await carol.services.rendezvous.discover(point)
      expect(all.registrations.map(r => `${r.ns} ${r.peerId}`)).to.include.members([`apart/one ${alice.peerId}`, `apart/two ${bob.peerId}`])
      await alice.services.rendezvous.unregister(point, 'apart/one')
      await bob.services.rendezvous.unregister(point, 'apart/two')
    })

    it('refreshes a registration with a new TTL instead of adding one', async () => {
      await alice.services.rendezvous.register(point, 'refresh', { ttl: 100 })
      await alice.services.rendezvous.register(point, 'refresh', { ttl: 200 })
      const { registrations } = await bob.services.rendezvous.discover(point, 'refresh')
      expect(registrations).to.have.length(1)
      expect(registrations[0].ttl).to.be.within(199, 200)
      await alice.services.rendezvous.unregister(point, 'refresh')
    })

    it('treats UNREGISTER of a namespace the peer is not in as a no-op', async () => {
      await bob.services.rendezvous.register(point, 'noop')
      await alice.services.rendezvous.unregister(point, 'noop')
      await alice.services.rendezvous.unregister(point, 'never-registered')
      expect((await carol.services.rendezvous.discover(point, 'noop')).registrations).to.have.length(1)
      await bob.services.rendezvous.unregister(point, 'noop')
    })

    it('answers several requests on one stream', async () => {
      const record = await sealPeerRecord(alicesKey, alice.peerId, alice.getMultiaddrs())
      const stream = await alice.dialProtocol(point, RENDEZVOUS_PROTOCOL)
      const messages = pbStream(stream, { maxDataLength: MAX_MESSAGE_SIZE }).pb(Message)
      await messages.write({ type: MessageType.REGISTER, register: { ns: 'one-stream', signedPeerRecord: record } })
      expect((await messages.read()).registerResponse?.status).to.equal(ResponseStatus.OK)
      await messages.write({ type: MessageType.UNREGISTER, unregister: { ns: 'one-stream' } })
      await messages.write({ type: MessageType.DISCOVER, discover: { ns: 'one-stream' } })
      const discovered = await messages.read()
      expect(discovered.type).to.equal(MessageType.DISCOVER_RESPONSE)
      expect(discovered.discoverResponse?.registrations).to.deep.equal([])
      await stream.close()
    })
  })

  describe('cookies', () => {
    it('pages through a namespace and then returns only new registrations', async () => {
      const ns = 'paged'
      await alice.services.rendezvous.register(point, ns)
      await bob.services.rendezvous.register(point, ns)

      const first = await carol.services.rendezvous.discover(point, ns, { limit: 1 })
      expect(first.registrations.map(r => r.peerId.toString())).to.deep.equal([alice.peerId.toString()])
      const second = await carol.services.rendezvous.discover(point, ns, { limit: 1, cookie: first.cookie })
      expect(second.registrations.map(r => r.peerId.toString())).to.deep.equal([bob.peerId.toString()])
      const third = await carol.services.rendezvous.discover(point, ns, { limit: 1, cookie: second.cookie })
      expect(third.registrations).to.deep.equal([])

      // "only registrations that weren't included in the previous response will be returned"
      await carol.services.rendezvous.register(point, ns)
      const fourth = await carol.services.rendezvous.discover(point, ns, { cookie: third.cookie })
      expect(fourth.registrations.map(r => r.peerId.toString())).to.deep.equal([carol.peerId.toString()])
      expect((await carol.services.rendezvous.discover(point, ns, { cookie: fourth.cookie })).registrations).to.deep.equal([])

      await Promise.all([alice, bob, carol].map(async node => node.services.rendezvous.unregister(point, ns)))
    })

    it('refuses a bogus cookie and a cookie of another namespace with E_INVALID_COOKIE', async () => {
      await expect(carol.services.rendezvous.discover(point, 'x', { cookie: Uint8Array.of(1, 2, 3) }))
        .to.eventually.be.rejected.and.include({ name: 'RendezvousError', status: 'E_INVALID_COOKIE' })
      await expect(carol.services.rendezvous.discover(point, 'x', { cookie: crypto.getRandomValues(new Uint8Array(40)) }))
        .to.eventually.be.rejected.and.include({ name: 'RendezvousError', status: 'E_INVALID_COOKIE' })
      const { cookie } = await carol.services.rendezvous.discover(point, 'x')
      await expect(carol.services.rendezvous.discover(point, 'y', { cookie }))
        .to.eventually.be.rejected.and.include({ name: 'RendezvousError', status: 'E_INVALID_COOKIE' })
      await stillServing()
    })
  })

  describe('TTL', () => {
    it('a registration disappears when its TTL ends', async () => {
      await alice.services.rendezvous.register(point, 'short', { ttl: 1 })
      expect((await bob.services.rendezvous.discover(point, 'short')).registrations).to.have.length(1)
      await sleep(1_100)
      expect((await bob.services.rendezvous.discover(point, 'short')).registrations).to.deep.equal([])
    })

    it('the periodic sweep drops expired registrations nobody asked for', async () => {
      const before = server.services.rendezvous.registrationCount
      await alice.services.rendezvous.register(point, 'swept', { ttl: 1 })
      expect(server.services.rendezvous.registrationCount).to.equal(before + 1)
      await sleep(1_500)
      expect(server.services.rendezvous.registrationCount).to.equal(before)
    })

    it('accepts MAX_TTL and refuses MAX_TTL + 1 with E_INVALID_TTL', async () => {
      expect((await alice.services.rendezvous.register(point, 'ttl', { ttl: MAX_TTL })).ttl).to.equal(MAX_TTL)
      await expect(alice.services.rendezvous.register(point, 'ttl', { ttl: MAX_TTL + 1 }))
        .to.eventually.be.rejected.and.include({ name: 'RendezvousError', status: 'E_INVALID_TTL' })
      await alice.services.rendezvous.unregister(point, 'ttl')
      await stillServing()
    })

    it('with the default settings, refuses a TTL under the spec minimum of 2 hours', async () => {
      const strict = await serverNode({})
      try {
        const address = strict.getMultiaddrs()[0]
        await expect(alice.services.rendezvous.register(address, 'min', { ttl: MIN_TTL - 1 }))
          .to.eventually.be.rejected.and.include({ name: 'RendezvousError', status: 'E_INVALID_TTL' })
        expect((await alice.services.rendezvous.register(address, 'min', { ttl: MIN_TTL })).ttl).to.equal(MIN_TTL)
        expect((await alice.services.rendezvous.register(address, 'min')).ttl).to.equal(MIN_TTL)
      } finally {
        await strict.stop()
      }
    })
  })

  describe('limits at the boundary', () => {
    it(`registers MAX_REGISTRATIONS_PER_PEER (${MAX_REGISTRATIONS_PER_PEER}) namespaces, refuses one more with E_NOT_AUTHORIZED, still refreshes`, async () => {
      const strict = await serverNode({ minTtl: 1 })
      try {
        const address = strict.getMultiaddrs()[0]
        for (let i = 0; i < MAX_REGISTRATIONS_PER_PEER; i++) {
          await bob.services.rendezvous.register(address, `many/${i}`)
        }
        expect(strict.services.rendezvous.registrationCount).to.equal(MAX_REGISTRATIONS_PER_PEER)
        await expect(bob.services.rendezvous.register(address, 'many/one-more'))
          .to.eventually.be.rejected.and.include({ name: 'RendezvousError', status: 'E_NOT_AUTHORIZED' })
        await bob.services.rendezvous.register(address, 'many/0', { ttl: 60 })
        // another peer is not affected
        await alice.services.rendezvous.register(address, 'many/one-more')

        // DISCOVER of everything: never over MAX_DISCOVER_LIMIT, pages fit MAX_MESSAGE_SIZE, the cookie walks them all
        const seen = new Set<string>()
        let cookie: Uint8Array | undefined
        let pages = 0
        while (true) {
          const page = await carol.services.rendezvous.discover(address, undefined, { limit: 5_000, cookie })
          expect(page.registrations.length).to.be.at.most(MAX_DISCOVER_LIMIT)
          if (page.registrations.length === 0) { break }
          page.registrations.forEach(r => seen.add(`${r.ns} ${r.peerId}`))
          cookie = page.cookie
          pages++
        }
        expect(seen.size).to.equal(MAX_REGISTRATIONS_PER_PEER + 1)
        expect(pages).to.be.greaterThan(1, 'a thousand records do not fit one 64 KiB frame')
      } finally {
        await strict.stop()
      }
    })

    it('refuses a REGISTER beyond maxRegistrations with E_UNAVAILABLE', async () => {
      const small = await serverNode({ minTtl: 1, maxRegistrations: 2 })
      try {
        const address = small.getMultiaddrs()[0]
        await alice.services.rendezvous.register(address, 'full')
        await bob.services.rendezvous.register(address, 'full')
        await expect(carol.services.rendezvous.register(address, 'full'))
          .to.eventually.be.rejected.and.include({ name: 'RendezvousError', status: 'E_UNAVAILABLE' })
        await alice.services.rendezvous.unregister(address, 'full')
        await carol.services.rendezvous.register(address, 'full')
      } finally {
        await small.stop()
      }
    })

    it('accepts a namespace of MAX_NAMESPACE_LENGTH bytes; the client refuses a longer one, the server answers E_INVALID_NAMESPACE', async () => {
      const longest = 'n'.repeat(MAX_NAMESPACE_LENGTH)
      await alice.services.rendezvous.register(point, longest)
      expect((await bob.services.rendezvous.discover(point, longest)).registrations).to.have.length(1)
      await alice.services.rendezvous.unregister(point, longest)

      await expect(alice.services.rendezvous.register(point, longest + 'n')).to.eventually.be.rejectedWith(RangeError)

      const record = await sealPeerRecord(alicesKey, alice.peerId, alice.getMultiaddrs())
      for (const ns of [longest + 'n', '']) {
        const { response } = await raw(alice, point, [registerFrame({ ns, signedPeerRecord: record })])
        expect(response?.registerResponse?.status).to.equal(ResponseStatus.E_INVALID_NAMESPACE)
      }
      const { response } = await raw(alice, point, [frame(Message.encode({ type: MessageType.DISCOVER, discover: { ns: longest + 'n' } }))])
      expect(response?.discoverResponse?.status).to.equal(ResponseStatus.E_INVALID_NAMESPACE)
      await stillServing()
    })
  })

  describe('signed peer records', () => {
    it('refuses a record of another peer (valid signature) with E_NOT_AUTHORIZED', async () => {
      const bobsRecord = await sealPeerRecord(bobsKey, bob.peerId, bob.getMultiaddrs())
      const { response } = await raw(alice, point, [registerFrame({ ns: 'forged', signedPeerRecord: bobsRecord })])
      expect(response?.type).to.equal(MessageType.REGISTER_RESPONSE)
      expect(response?.registerResponse?.status).to.equal(ResponseStatus.E_NOT_AUTHORIZED)
      expect((await carol.services.rendezvous.discover(point, 'forged')).registrations).to.deep.equal([])
      await stillServing()
    })

    it('refuses an altered, mis-signed, missing or garbage record with E_INVALID_SIGNED_PEER_RECORD', async () => {
      const good = await sealPeerRecord(alicesKey, alice.peerId, alice.getMultiaddrs())
      const altered = Uint8Array.from(good)
      altered[altered.length - 1] ^= 1
      // signed by alice, naming bob
      const lying = Uint8Array.from((await RecordEnvelope.seal(new PeerRecord({ peerId: bob.peerId }), alicesKey)).marshal())
      const records = [altered, lying, undefined, crypto.getRandomValues(new Uint8Array(100)), new Uint8Array(8 * 1024)]
      for (const signedPeerRecord of records) {
        const { response } = await raw(alice, point, [registerFrame({ ns: 'bad-record', signedPeerRecord })])
        expect(response?.registerResponse?.status).to.equal(ResponseStatus.E_INVALID_SIGNED_PEER_RECORD)
      }
      expect((await carol.services.rendezvous.discover(point, 'bad-record')).registrations).to.deep.equal([])
      await stillServing()
    })
  })

  describe('malformed frames: the stream ends, the server keeps serving', () => {
    const cases: Array<[string, () => Uint8Array[]]> = [
      ['a frame that does not decode', () => [frame(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff))]],
      ['an unknown message type', () => [frame(Uint8Array.of(0x08, 99))]],
      // field 1 (type, a varint) sent length-delimited: its length, 5, is read as the type
      ['a field of the wrong wire type', () => [frame(Uint8Array.of(0x0a, 0x05, 0x01, 0x02, 0x03, 0x04, 0x05))]],
      ['a response type sent to the server', () => [frame(Message.encode({ type: MessageType.DISCOVER_RESPONSE, discoverResponse: { registrations: [] } }))]],
      ['a truncated frame', () => [frame(Message.encode({ type: MessageType.DISCOVER, discover: { ns: 'x' } }), 100)]],
      ['a frame over MAX_MESSAGE_SIZE', () => [frame(new Uint8Array(MAX_MESSAGE_SIZE + 1))]],
      ['a length prefix that never ends', () => [new Uint8Array(16).fill(0xff)]],
      ['an empty stream', () => []]
    ]

    const unanswered = async (frames: Uint8Array[]): Promise<void> => {
      const { response, error } = await raw(alice, point, frames)
      expect(response).to.equal(undefined)
      expect(error).to.be.an('error')
      await stillServing()
    }

    for (const [name, frames] of cases) {
      it(name, async () => { await unanswered(frames()) })
    }

    it('random bytes (20 runs: a run may happen to be a valid request, and is then answered)', async () => {
      for (let run = 0; run < 20; run++) {
        const { response, error } = await raw(alice, point, [crypto.getRandomValues(new Uint8Array(300))])
        if (error == null) {
          expect(response?.type).to.be.oneOf([MessageType.REGISTER_RESPONSE, MessageType.DISCOVER_RESPONSE])
        }
      }
      await stillServing()
    })

    it('a discover limit of 0 or over MAX_DISCOVER_LIMIT is served as MAX_DISCOVER_LIMIT', async () => {
      await alice.services.rendezvous.register(point, 'limits')
      for (const limit of [0n, BigInt(MAX_DISCOVER_LIMIT) + 1n, (1n << 64n) - 1n]) {
        const { response } = await raw(bob, point, [frame(Message.encode({ type: MessageType.DISCOVER, discover: { ns: 'limits', limit } }))])
        expect(response?.discoverResponse?.status).to.equal(ResponseStatus.OK)
        expect(response?.discoverResponse?.registrations).to.have.length(1)
      }
      await alice.services.rendezvous.unregister(point, 'limits')
    })
  })

  describe('lifecycle', () => {
    it('stop() removes the handler and start() brings it back', async () => {
      const node = await serverNode({})
      const address = node.getMultiaddrs()[0]
      try {
        expect(node.getProtocols()).to.include(RENDEZVOUS_PROTOCOL)
        await (node.services.rendezvous as unknown as { stop(): Promise<void> }).stop()
        expect(node.getProtocols()).to.not.include(RENDEZVOUS_PROTOCOL)
        await expect(alice.services.rendezvous.discover(address, 'x')).to.eventually.be.rejected()
        await (node.services.rendezvous as unknown as { start(): Promise<void> }).start()
        expect((await alice.services.rendezvous.discover(address, 'x')).registrations).to.deep.equal([])
      } finally {
        await node.stop()
      }
    })
  })
})
