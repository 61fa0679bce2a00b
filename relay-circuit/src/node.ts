import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import { relayLimits } from './limits.ts'
import { relayServerOptions } from './server-options.ts'
import type { RelayLimitsInit } from './limits.ts'
import type { CircuitRelayService } from '@libp2p/circuit-relay-v2'
import type { Identify } from '@libp2p/identify'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import type { Ping } from '@libp2p/ping'

/** Where a relay listens by default: TCP 4003 and WebSocket 4004 on every interface */
export const DEFAULT_RELAY_LISTEN = ['/ip4/0.0.0.0/tcp/4003', '/ip4/0.0.0.0/tcp/4004/ws']

export interface RelayNodeOptions {
  /**
   * Multiaddrs to listen on (TCP and/or WebSocket)
   *
   * @default DEFAULT_RELAY_LISTEN
   */
  listen?: string[]

  /**
   * The node's libp2p key; a fresh Ed25519 key when omitted (see `loadPeerKey`)
   */
  privateKey?: PrivateKey

  /**
   * Overrides of the relay limits, checked by `relayLimits()`
   */
  limits?: RelayLimitsInit

  /**
   * Start listening before returning
   *
   * @default true
   */
  start?: boolean
}

export interface RelayServices extends Record<string, unknown> {
  identify: Identify
  ping: Ping
  relay: CircuitRelayService
}

/**
 * Build a relay-only volunteer node: TCP + WebSocket, noise, yamux, identify,
 * ping and a circuit relay v2 server with Hypha's relay limits.
 *
 * @throws {TypeError | RangeError} when a limit override is invalid (before anything listens)
 */
export async function createRelayNode (options: RelayNodeOptions = {}): Promise<Libp2p<RelayServices>> {
  const limits = relayLimits(options.limits ?? {})

  return createLibp2p({
    privateKey: options.privateKey,
    start: options.start ?? true,
    addresses: {
      listen: options.listen ?? DEFAULT_RELAY_LISTEN
    },
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      ping: ping(),
      relay: circuitRelayServer(relayServerOptions(limits))
    }
  })
}
