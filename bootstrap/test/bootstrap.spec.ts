import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  constants, createIdentity, currentBundle, deviceListKey, encodeSignedDeviceList, localDevice, prekeyStore,
  SessionManager, verifyBundle, verifyDeviceList
} from '@hypha/core'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { run, start, stop } from './fixtures/binary.ts'
import { joinMesh, testPeer, waitFor } from './fixtures/peer.ts'
import type { Running } from './fixtures/binary.ts'
import type { TestPeer } from './fixtures/peer.ts'
import type { LocalIdentity } from '@hypha/core'
import type { QueryEvent } from '@libp2p/kad-dht'

const LOOPBACK = ['--listen', '/ip4/127.0.0.1/tcp/0', '--listen', '/ip4/127.0.0.1/tcp/0/ws']
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

async function collect (events: AsyncIterable<QueryEvent>): Promise<QueryEvent[]> {
  const out: QueryEvent[] = []
  for await (const event of events) { out.push(event) }
  return out
}

/** The value a DHT get ends with, or undefined when no peer returned a valid one */
async function getValue (peer: TestPeer, key: Uint8Array): Promise<Uint8Array | undefined> {
  let value: Uint8Array | undefined
  try {
    for await (const event of peer.services.dht.get(key)) {
      if (event.name === 'VALUE') { value = event.value }
    }
  } catch (err: any) {
    if (err.name !== 'NotFoundError') { throw err }
  }
  return value
}

function tcpAddress (bootstrap: Running): string {
  const address = bootstrap.ready.multiaddrs.find(a => !a.includes('/ws/'))
  if (address == null) { throw new Error('no TCP address in the ready line') }
  return address
}

async function flippedSignature (identity: LocalIdentity): Promise<Uint8Array> {
  const signature = Uint8Array.from(identity.deviceList.ed25519Signature ?? [])
  signature[0] ^= 1
  return encodeSignedDeviceList({ ...identity.deviceList, ed25519Signature: signature })
}

describe('hypha-bootstrap (child process)', function () {
  this.timeout(60_000)

  const peers: TestPeer[] = []
  const dirs: string[] = []
  const running: Running[] = []

  async function tempDir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'hypha-bootstrap-test-'))
    dirs.push(dir)
    return dir
  }

  async function bootstrap (dir: string, extra: string[] = []): Promise<Running> {
    const node = await start(['--json', '--allow-loopback', '--data', dir, ...LOOPBACK, ...extra])
    running.push(node)
    return node
  }

  async function peer (options: Parameters<typeof testPeer>[0] = {}): Promise<TestPeer> {
    const node = await testPeer(options)
    peers.push(node)
    return node
  }

  afterEach(async () => {
    await Promise.all(peers.splice(0).map(async p => p.stop()))
    await Promise.all(running.splice(0).map(async r => stop(r, 'SIGKILL')))
    await Promise.all(dirs.splice(0).map(async d => rm(d, { recursive: true, force: true })))
  })

  it('prints one JSON ready line and advertises the DHT, rendezvous, mailbox, relay and gossipsub protocols', async () => {
    const node = await bootstrap(await tempDir())
    expect(node.ready.event).to.equal('ready')
    expect(Object.keys(node.ready)).to.deep.equal(['event', 'peerId', 'multiaddrs', 'mailbox'])
    expect(node.ready.multiaddrs).to.have.lengthOf(2)
    for (const address of node.ready.multiaddrs) {
      expect(address).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+(\/ws)?\/p2p\/12D3KooW\w+$/)
    }
    const client = await peer()
    const id = peerIdFromString(node.ready.peerId)
    const identified = new Promise<string[]>(resolve => {
      client.addEventListener('peer:identify', event => {
        if (event.detail.peerId.equals(id)) { resolve(event.detail.protocols) }
      })
    })
    await client.dial(multiaddr(tcpAddress(node)))
    const protocols = await identified
    expect(protocols).to.include.members([
      constants.DHT_PROTOCOL, constants.RENDEZVOUS_PROTOCOL, constants.MAILBOX_PROTOCOL, '/libp2p/circuit/relay/0.2.0/hop', '/meshsub/1.1.0', '/ipfs/ping/1.0.0'
    ])
  })

  it('answers over its WebSocket listener', async () => {
    const node = await bootstrap(await tempDir())
    const client = await peer()
    const ws = node.ready.multiaddrs.find(a => a.includes('/ws/')) ?? ''
    expect(await client.services.ping.ping(multiaddr(ws))).to.be.a('number')
  })

  it('stores a valid device list put by one peer and serves it to another', async () => {
    const node = await bootstrap(await tempDir())
    const [alice, bob] = [await peer(), await peer()]
    await joinMesh(alice, tcpAddress(node))
    await joinMesh(bob, tcpAddress(node))

    const identity = await createIdentity({ oneTimePrekeys: 0 })
    const key = deviceListKey(identity.userId)
    const value = encodeSignedDeviceList(identity.deviceList)
    const events = await collect(alice.services.dht.put(key, value))
    expect(events.filter(e => e.name === 'QUERY_ERROR')).to.deep.equal([])
    expect(events.some(e => e.name === 'PEER_RESPONSE' && e.from.toString() === node.ready.peerId)).to.equal(true)

    expect(await getValue(bob, key)).to.deep.equal(value)
  })

  it('refuses an invalid record: the put yields QUERY_ERROR and a get does not return it', async () => {
    const node = await bootstrap(await tempDir())
    // the sender's own validator accepts anything, so only the bootstrap's check stands in the way
    const mallory = await peer({ validators: { hypha: async () => {} } })
    const bob = await peer()
    await joinMesh(mallory, tcpAddress(node))
    await joinMesh(bob, tcpAddress(node))

    const identity = await createIdentity({ oneTimePrekeys: 0 })
    const key = deviceListKey(identity.userId)
    const events = await collect(mallory.services.dht.put(key, await flippedSignature(identity)))
    const errors = events.filter(e => e.name === 'QUERY_ERROR')
    expect(errors.length).to.be.greaterThan(0)
    expect(errors.some(e => e.name === 'QUERY_ERROR' && e.from.toString() === node.ready.peerId)).to.equal(true)

    expect(await getValue(bob, key)).to.equal(undefined)
  })

  it('relays an inbox envelope between two peers (StrictNoSign), and drops one that is not an envelope', async () => {
    const node = await bootstrap(await tempDir())
    const [alice, bob] = [await peer(), await peer()]
    await joinMesh(alice, tcpAddress(node))
    await joinMesh(bob, tcpAddress(node))

    const topic = constants.INBOX_TOPIC_PREFIX + '2a'
    const received: Uint8Array[] = []
    bob.services.pubsub.addEventListener('message', event => {
      if (event.detail.topic === topic) { received.push(event.detail.data) }
    })
    alice.services.pubsub.subscribe(topic)
    bob.services.pubsub.subscribe(topic)
    const meshPeers = (p: TestPeer): string[] => (p.services.pubsub as unknown as { getMeshPeers(t: string): string[] }).getMeshPeers(topic)
    await waitFor('both peers in the bootstrap\'s mesh', () => meshPeers(alice).includes(node.ready.peerId) && meshPeers(bob).includes(node.ready.peerId))

    // a real prekey envelope from one Hypha identity to another
    const [sender, recipient] = [await createIdentity({ oneTimePrekeys: 0 }), await createIdentity({ oneTimePrekeys: 1 })]
    const sessions = new SessionManager(localDevice(sender), prekeyStore(sender))
    const bundle = await verifyBundle(currentBundle(recipient), await verifyDeviceList(recipient.deviceList, recipient.userId))
    await sessions.initiate(bundle)
    const envelope = await sessions.encrypt(bundle.signingKey, utf8('hello through the bootstrap'))

    await alice.services.pubsub.publish(topic, utf8('not an envelope'))
    await alice.services.pubsub.publish(topic, envelope)
    await waitFor('the envelope at bob', () => received.length > 0)
    expect(received).to.have.lengthOf(1)
    expect(received[0]).to.deep.equal(envelope)
  })

  it('keeps its peer id and its DHT records after kill -9 and a restart', async () => {
    const dir = await tempDir()
    const first = await bootstrap(dir)
    const alice = await peer()
    await joinMesh(alice, tcpAddress(first))
    const identity = await createIdentity({ oneTimePrekeys: 0 })
    const key = deviceListKey(identity.userId)
    const value = encodeSignedDeviceList(identity.deviceList)
    const events = await collect(alice.services.dht.put(key, value))
    expect(events.some(e => e.name === 'PEER_RESPONSE' && e.from.toString() === first.ready.peerId)).to.equal(true)
    await alice.stop()

    const killed = await stop(first, 'SIGKILL')
    expect(killed?.signal).to.equal('SIGKILL')

    const second = await bootstrap(dir)
    expect(second.ready.peerId).to.equal(first.ready.peerId)
    const bob = await peer()
    await joinMesh(bob, tcpAddress(second))
    expect(await getValue(bob, key)).to.deep.equal(value)
  })

  it('stops on SIGTERM with exit code 0', async () => {
    const node = await bootstrap(await tempDir())
    const started = Date.now()
    const exit = await stop(node, 'SIGTERM', 5_000)
    expect(exit?.code).to.equal(0)
    expect(Date.now() - started).to.be.below(5_000)
  })

  it('exits 1 with one line on stderr for a usage error', async () => {
    const exit = await run(['--allow-loopback=yes'])
    expect(exit.code).to.equal(1)
    expect(exit.stderr.trim().split('\n')).to.have.lengthOf(1)
    expect(exit.stderr).to.match(/^hypha-bootstrap: .* \(see --help\)\n$/)
    const limits = await run(['--max-reservations', '999999'])
    expect(limits.code).to.equal(1)
    expect(limits.stderr).to.equal('hypha-bootstrap: maxReservations must be at most 4096, got 999999 (see --help)\n')
  })

  it('prints its usage with --help', async () => {
    const exit = await run(['--help'])
    expect(exit.code).to.equal(0)
    expect(exit.stdout).to.include('--allow-loopback')
  })
})
