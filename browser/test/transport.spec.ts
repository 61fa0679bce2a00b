import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { connectionRows, peerKindOf, transportOf } from '../src/transport.ts'

const RELAY = '12D3KooWQZmWzn2doejFsnNo1mjHwLhLqNMbyTVivmo3dSoRqMFG'
const PEER = '12D3KooWEArTy613jTH1ZJVh7QYUDPBguUFZBStHgSCgqDBdFGaG'

describe('transportOf', () => {
  it('classifies remote addresses', () => {
    const cases: Array<[string, string]> = [
      [`/ip4/127.0.0.1/tcp/4002/ws/p2p/${RELAY}`, 'websockets'],
      [`/dns4/boot.example/tcp/443/wss/p2p/${RELAY}`, 'websockets'],
      [`/dns4/boot.example/tcp/443/tls/ws/p2p/${RELAY}`, 'websockets'],
      [`/ip4/127.0.0.1/tcp/4002/ws/p2p/${RELAY}/p2p-circuit/p2p/${PEER}`, 'circuit-relay'],
      // a WebRTC connection signalled through a relay is WebRTC, not relayed
      [`/ip4/127.0.0.1/tcp/4002/ws/p2p/${RELAY}/p2p-circuit/webrtc/p2p/${PEER}`, 'webrtc'],
      [`/webrtc/p2p/${PEER}`, 'webrtc'],
      [`/ip4/127.0.0.1/udp/4003/webrtc-direct/certhash/uEiAkH5a4DPGKUuOBjYw0CgwjvcJCJMD2K_1aluKR_tpevQ/p2p/${PEER}`, 'webrtc'],
      [`/ip4/127.0.0.1/tcp/4001/p2p/${RELAY}`, 'other'],
      ['not a multiaddr', 'other']
    ]
    for (const [address, transport] of cases) {
      expect(transportOf(address), address).to.equal(transport)
    }
    expect(transportOf(multiaddr(`/ip4/127.0.0.1/tcp/4002/ws/p2p/${RELAY}`))).to.equal('websockets')
  })
})

describe('peerKindOf', () => {
  it('knows the bootstrap nodes by peer id', () => {
    expect(peerKindOf(RELAY, [RELAY])).to.equal('bootstrap')
    expect(peerKindOf(PEER, [RELAY])).to.equal('peer')
    expect(peerKindOf(PEER, [])).to.equal('peer')
  })
})

describe('connectionRows', () => {
  it('lists bootstrap nodes first, with their transport and limits', () => {
    const connection = (id: string, peer: string, address: string, limited: boolean): any => ({
      id, remotePeer: { toString: () => peer }, remoteAddr: multiaddr(address), direction: 'outbound', limits: limited ? { bytes: 1n } : undefined, timeline: { open: 1 }
    })
    const rows = connectionRows([
      connection('c1', PEER, `/ip4/127.0.0.1/tcp/4002/ws/p2p/${RELAY}/p2p-circuit/p2p/${PEER}`, true),
      connection('c2', PEER, `/webrtc/p2p/${PEER}`, false),
      connection('c3', RELAY, `/ip4/127.0.0.1/tcp/4002/ws/p2p/${RELAY}`, false)
    ], [RELAY])
    expect(rows.map(r => [r.id, r.kind, r.transport, r.limited])).to.deep.equal([
      ['c3', 'bootstrap', 'websockets', false],
      ['c1', 'peer', 'circuit-relay', true],
      ['c2', 'peer', 'webrtc', false]
    ])
  })
})
