/**
 * The libp2p node of a browser tab (DESIGN.md "Roles on the mesh"): it
 * reaches bootstrap nodes over WebSockets, holds relay reservations at them
 * (`/p2p-circuit`) so that other peers can reach it, and accepts WebRTC
 * connections signalled through those relays (`/webrtc`). DHT in client
 * mode and gossipsub with core's settings; rendezvous and mailbox clients.
 */

import { dhtOptions, gossipsubOptions, mailboxClient, pingOptions, rendezvousClient } from '@hypha/core'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import type { MailboxClient, MessengerMesh, RendezvousClient } from '@hypha/core'
import type { Libp2p } from '@libp2p/interface'

/** Listen addresses of a tab: reservations at relays, and WebRTC signalled through them */
export const BROWSER_LISTEN = ['/p2p-circuit', '/webrtc']

export interface BrowserNodeInit {
  /**
   * Allow 127.0.0.1 (local meshes, tests): dial loopback addresses, keep them
   * in DHT answers, and ask for a microphone once so that Chromium gathers
   * loopback ICE candidates (see `enableLoopbackIce`).
   *
   * @default false
   */
  allowLoopback?: boolean

  /**
   * ICE servers for WebRTC
   *
   * @default []
   */
  iceServers?: RTCIceServer[]
}

/** The services of a tab's node; `dht` and `pubsub` are what the Messenger uses */
export type BrowserServices = {
  identify: unknown
  ping: unknown
  dht: MessengerMesh['dht'] & { routingTable?: { size: number } }
  pubsub: MessengerMesh['pubsub'] & { getMeshPeers(topic: string): unknown[] }
  rendezvous: RendezvousClient
  mailbox: MailboxClient
}

export type BrowserNode = Libp2p<BrowserServices>

/**
 * Chromium gathers no ICE candidates on loopback unless the page has had
 * media access (STACK.md "Browsers"). With `allowLoopback` the tab asks for
 * the microphone once, stops the tracks at once, and carries on whatever the
 * answer: without it WebRTC between two local tabs fails and the relayed
 * connection stays.
 */
export async function enableLoopbackIce (): Promise<boolean> {
  try {
    const stream = await globalThis.navigator?.mediaDevices?.getUserMedia({ audio: true })
    stream?.getTracks().forEach(track => { track.stop() })
    return stream != null
  } catch {
    return false
  }
}

/** Creates and starts a tab's libp2p node; nothing is dialed yet (see `dialBootstrap`) */
export async function createBrowserNode (init: BrowserNodeInit = {}): Promise<BrowserNode> {
  const allowLoopback = init.allowLoopback === true
  if (allowLoopback) {
    // before any WebRTC dial, in either direction
    await enableLoopbackIce()
  }

  const node = await createLibp2p({
    addresses: {
      listen: BROWSER_LISTEN
    },
    transports: [
      webSockets(),
      webRTC({ rtcConfiguration: { iceServers: init.iceServers ?? [] } }),
      circuitRelayTransport()
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // a browser refuses private and loopback addresses by default (DialDeniedError)
    ...(allowLoopback ? { connectionGater: { denyDialMultiaddr: () => false } } : {}),
    services: {
      identify: identify(),
      ping: ping(pingOptions()),
      dht: kadDHT({
        ...dhtOptions(),
        clientMode: true,
        // queries wait for the first self-query: run it as soon as a DHT server is known
        initialQuerySelfInterval: 0,
        ...(allowLoopback ? { peerInfoMapper: passthroughMapper } : {})
      }) as any,
      pubsub: gossipsub({ ...gossipsubOptions({ allowLoopback }) }) as any,
      rendezvous: rendezvousClient(),
      mailbox: mailboxClient()
    }
  })

  return node as unknown as BrowserNode
}
