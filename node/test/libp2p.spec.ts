import { mkdtemp, rm, stat, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { createPeerNode, dialBootstrap, isLoopback, loadPeerKey, PEER_KEY_FILE, PEER_KEY_MAX_AGE } from '../src/index.ts'
import type { PeerNode } from '../src/index.ts'

/** Nothing listens on the discard port */
const DEAD = '/ip4/127.0.0.1/tcp/9/p2p/12D3KooWGqTVDjgBLCkzWprKfPAaBM7F1xPXmGCCoua9PZKJxLa6'

describe('peer node', function () {
  this.timeout(30_000)
  let node: PeerNode | undefined
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hypha-node-'))
  })

  afterEach(async () => {
    await node?.stop()
    node = undefined
    await rm(dir, { recursive: true, force: true })
  })

  it('tells loopback addresses apart', () => {
    expect(isLoopback(multiaddr('/ip4/127.0.0.1/tcp/1'))).to.be.true()
    expect(isLoopback(multiaddr('/ip4/127.8.0.1/tcp/1'))).to.be.true()
    expect(isLoopback(multiaddr('/ip6/::1/tcp/1'))).to.be.true()
    expect(isLoopback(multiaddr('/dns4/localhost/tcp/1/ws'))).to.be.true()
    expect(isLoopback(multiaddr('/ip4/10.0.0.1/tcp/1'))).to.be.false()
    expect(isLoopback(multiaddr('/dns4/boot.example/tcp/443/wss'))).to.be.false()
  })

  it('listens on 127.0.0.1 in loopback mode, with the DHT in client mode', async () => {
    node = await createPeerNode({ bootstrap: [], allowLoopback: true })
    const addrs = node.getMultiaddrs().map(ma => ma.toString())
    expect(addrs).to.have.length.greaterThan(0)
    expect(addrs.every(a => a.startsWith('/ip4/127.0.0.1/tcp/'))).to.be.true()
    expect((node.services.dht as any).getMode()).to.equal('client')
  })

  it('refuses to dial loopback without allowLoopback', async () => {
    node = await createPeerNode({ bootstrap: [], listen: [] })
    const result = await dialBootstrap(node, [DEAD], { attempts: 2, backoff: 10 })
    expect(result.connected).to.equal(0)
    expect(result.errors.map(e => e.name)).to.deep.equal(['DialDeniedError'])
  })

  it('gives up on a dead bootstrap node after its attempts', async () => {
    node = await createPeerNode({ bootstrap: [], allowLoopback: true })
    const result = await dialBootstrap(node, [DEAD], { attempts: 2, backoff: 10 })
    expect(result.connected).to.equal(0)
    expect(result.errors).to.have.length(1)
    expect(result.errors[0].message).to.include('ECONNREFUSED')
  })

  it('keeps the peer key of a home, and replaces it once it is too old', async () => {
    const first = await loadPeerKey(dir)
    expect((await stat(join(dir, PEER_KEY_FILE))).mode & 0o777).to.equal(0o600)
    expect((await loadPeerKey(dir)).equals(first)).to.be.true()
    const old = (Date.now() - PEER_KEY_MAX_AGE - 1000) / 1000
    await utimes(join(dir, PEER_KEY_FILE), old, old)
    expect((await loadPeerKey(dir)).equals(first)).to.be.false()
  })
})
