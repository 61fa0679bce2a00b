/**
 * Rendezvous presence for the Messenger: register this device at its
 * rendezvous points under `rendezvousNamespace(userId)` and connect to a
 * contact found there (directly, or through the relay address it
 * registered, which libp2p may then upgrade to WebRTC).
 */

import { multiaddr } from '@multiformats/multiaddr'
import type { RendezvousClient } from './index.ts'
import type { MessengerPresence } from '../../messenger.ts'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface PresenceNode {
  services: { rendezvous: RendezvousClient }
  dial(addresses: Multiaddr[]): Promise<unknown>
}

/**
 * `points()` names the rendezvous points to use now (usually the connected
 * bootstrap nodes). Registration goes to all of them; discovery asks them in
 * turn until one knows the namespace.
 */
export function rendezvousPresence (node: PresenceNode, points: () => Array<PeerId | Multiaddr>): MessengerPresence {
  return {
    async register (namespace) {
      const results = await Promise.allSettled(points().map(async point => node.services.rendezvous.register(point, namespace)))
      const failure = results.find(r => r.status === 'rejected')
      if (results.length === 0 || results.every(r => r.status === 'rejected')) {
        throw failure?.reason ?? new Error('no rendezvous point to register at')
      }
    },
    async discover (namespace) {
      for (const point of points()) {
        try {
          const { registrations } = await node.services.rendezvous.discover(point, namespace)
          if (registrations.length > 0) {
            return registrations.map(r => ({ peerId: r.peerId.toString(), multiaddrs: r.multiaddrs.map(a => a.toString()) }))
          }
        } catch {
          // try the next point
        }
      }
      return []
    },
    async connect (peerId, multiaddrs) {
      const addresses = multiaddrs.map(a => multiaddr(a.endsWith(`/p2p/${peerId}`) ? a : `${a}/p2p/${peerId}`))
      await node.dial(addresses)
    }
  }
}
