/**
 * The libp2p node of a Hypha peer in Node.js (DESIGN.md "Roles on the mesh"):
 * TCP, WebSockets, WebRTC and circuit-relay transports, the DHT in client
 * mode and gossipsub, both with core's settings. It reaches the mesh by
 * dialing the bootstrap nodes it is given.
 */

import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { dhtOptions, gossipsubOptions, mailboxClient, pingOptions, rendezvousClient, waitUntil } from '@hypha/core'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { dcutr } from '@libp2p/dcutr'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { peerIdFromString } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import type { MailboxClient, MessengerMesh, RendezvousClient } from '@hypha/core'
import type { Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Listen addresses on a loopback-only host (tests, a local mesh) */
export const LOOPBACK_LISTEN = ['/ip4/127.0.0.1/tcp/0', '/p2p-circuit', '/webrtc']

/** Listen addresses otherwise */
export const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/0', '/p2p-circuit', '/webrtc']

export interface PeerNodeInit {
  /** Bootstrap multiaddrs (with `/p2p/<peer id>`), dialed once the node has started */
  bootstrap: string[]

  /**
   * Allow 127.0.0.1: keep loopback addresses in DHT answers, listen and bind
   * WebRTC on 127.0.0.1, use no ICE servers. For tests and local meshes.
   *
   * @default false
   */
  allowLoopback?: boolean

  /**
   * Listen addresses
   *
   * @default LOOPBACK_LISTEN with allowLoopback, else DEFAULT_LISTEN
   */
  listen?: string[]

  /**
   * ICE servers for WebRTC (ignored with allowLoopback)
   *
   * @default []
   */
  iceServers?: RTCIceServer[]

  /**
   * The node's key (see `loadPeerKey`); a fresh one by default. The PeerId is
   * not the user id and nothing should link the two.
   */
  privateKey?: PrivateKey
}

/** The services a Hypha peer runs; `dht` and `pubsub` are what the Messenger uses */
export type PeerServices = {
  identify: unknown
  ping: unknown
  dcutr: unknown
  dht: MessengerMesh['dht'] & { routingTable?: { size: number } }
  pubsub: MessengerMesh['pubsub'] & { getMeshPeers(topic: string): unknown[] }
  rendezvous: RendezvousClient
  mailbox: MailboxClient
}

export type PeerNode = Libp2p<PeerServices>

// joining the mesh is the same for a tab: core has it
export { dialBootstrap, waitForDht, waitForMailboxes, upgradeToWebRTC, BOOTSTRAP_DIAL_ATTEMPTS, BOOTSTRAP_DIAL_BACKOFF, WEBRTC_UPGRADE_ATTEMPTS, WEBRTC_ATTEMPT_TIMEOUT } from '@hypha/core'
export type { DialBootstrapOptions } from '@hypha/core'

/** True for 127.0.0.0/8, ::1 and localhost */
export function isLoopback (ma: Multiaddr): boolean {
  const first = ma.getComponents()[0]
  if (first == null) { return false }
  if (first.name === 'ip4') { return first.value?.startsWith('127.') === true }
  if (first.name === 'ip6') { return first.value === '::1' }
  if (first.name === 'dns' || first.name === 'dns4' || first.name === 'dns6') { return first.value === 'localhost' }
  return false
}

/**
 * Creates and starts a Hypha peer. Dialing the bootstrap nodes happens in the
 * background (see `dialBootstrap`); `waitForMesh` tells when the DHT is usable.
 */
export async function createPeerNode (init: PeerNodeInit): Promise<PeerNode> {
  const allowLoopback = init.allowLoopback === true
  const rtcConfiguration = allowLoopback
    // node-datachannel reads bindAddress: without it no ICE candidate is gathered on a loopback-only host
    ? { iceServers: [], bindAddress: '127.0.0.1' } as RTCConfiguration
    : { iceServers: init.iceServers ?? [] }

  const node = await createLibp2p({
    privateKey: init.privateKey ?? await generateKeyPair('Ed25519'),
    addresses: {
      listen: init.listen ?? (allowLoopback ? LOOPBACK_LISTEN : DEFAULT_LISTEN)
    },
    transports: [
      tcp(),
      webSockets(),
      webRTC({ rtcConfiguration }),
      circuitRelayTransport()
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: {
      denyDialMultiaddr: ma => !allowLoopback && isLoopback(ma)
    },
    services: {
      identify: identify(),
      ping: ping(pingOptions()),
      dcutr: dcutr(),
      dht: kadDHT({
        ...dhtOptions(),
        clientMode: true,
        // queries wait for the first self-query; a short-lived CLI peer runs it as
        // soon as a DHT server is in the routing table, not after the default second
        initialQuerySelfInterval: 0,
        ...(allowLoopback ? { peerInfoMapper: passthroughMapper } : {})
      }) as any,
      pubsub: gossipsub({ ...gossipsubOptions({ allowLoopback }) }) as any,
      rendezvous: rendezvousClient(),
      mailbox: mailboxClient()
    }
  })

  return node as unknown as PeerNode
}

/**
 * Waits (bounded) until gossipsub has a mesh peer on `topic`, so that what
 * is published there right away (a receipt) reaches this node. Returns false
 * on timeout.
 */
export async function waitForTopicPeers (node: PeerNode, topic: string, timeout: number): Promise<boolean> {
  return waitUntil(() => node.services.pubsub.getMeshPeers(topic).length > 0, timeout)
}

/** The peer ids named by bootstrap multiaddrs (`.../p2p/<id>`): the rendezvous points */
export function bootstrapPeerIds (bootstrap: string[]): PeerId[] {
  const ids: PeerId[] = []
  for (const address of bootstrap) {
    const id = /\/p2p\/([^/]+)$/.exec(address)?.[1]
    if (id != null) {
      ids.push(peerIdFromString(id))
    }
  }
  return ids
}
