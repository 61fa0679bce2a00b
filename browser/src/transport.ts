/**
 * What the connection panel shows of a connection: the transport under it
 * and whether the other end is a bootstrap node.
 */

import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'

export type TransportKind = 'webrtc' | 'circuit-relay' | 'websockets' | 'other'
export type PeerKind = 'bootstrap' | 'peer'

/**
 * The transport of a connection from its remote address: `webrtc` when it
 * runs over WebRTC (a `/webrtc` address reached through a relay included),
 * `circuit-relay` for a relayed connection, `websockets` for `/ws` and
 * `/wss`, else `other`. An address that does not parse is `other`.
 */
export function transportOf (remoteAddr: Multiaddr | string): TransportKind {
  let names: string[]
  try {
    names = (typeof remoteAddr === 'string' ? multiaddr(remoteAddr) : remoteAddr).getComponents().map(c => c.name)
  } catch {
    return 'other'
  }
  if (names.includes('webrtc') || names.includes('webrtc-direct')) { return 'webrtc' }
  if (names.includes('p2p-circuit')) { return 'circuit-relay' }
  if (names.includes('ws') || names.includes('wss')) { return 'websockets' }
  return 'other'
}

/** `bootstrap` when `peerId` is one of the bootstrap nodes' ids */
export function peerKindOf (peerId: string, bootstrapIds: readonly string[]): PeerKind {
  return bootstrapIds.includes(peerId) ? 'bootstrap' : 'peer'
}

export interface ConnectionRow {
  id: string
  peerId: string
  remoteAddr: string
  transport: TransportKind
  kind: PeerKind
  direction: 'inbound' | 'outbound'
  /** A relayed connection with limits: no gossip, no mailbox traffic */
  limited: boolean
  openedAt: number
}

/** Rows for the connection panel: bootstrap nodes first, then peers, each by peer id */
export function connectionRows (connections: Array<{ id: string, remotePeer: { toString(): string }, remoteAddr: Multiaddr, direction: 'inbound' | 'outbound', limits?: unknown, timeline: { open: number } }>, bootstrapIds: readonly string[]): ConnectionRow[] {
  return connections.map(c => {
    const peerId = c.remotePeer.toString()
    return {
      id: c.id,
      peerId,
      remoteAddr: c.remoteAddr.toString(),
      transport: transportOf(c.remoteAddr),
      kind: peerKindOf(peerId, bootstrapIds),
      direction: c.direction,
      limited: c.limits != null,
      openedAt: c.timeline.open
    }
  }).sort((a, b) => {
    if (a.kind !== b.kind) { return a.kind === 'bootstrap' ? -1 : 1 }
    return a.peerId.localeCompare(b.peerId)
  })
}
