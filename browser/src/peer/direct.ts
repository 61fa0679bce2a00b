/**
 * Direct connections between contacts. The Messenger's presence (core's
 * rendezvous presence) finds a contact's current addresses at the bootstrap
 * nodes; a tab only has addresses through relays: `<relay>/p2p-circuit` and
 * `<relay>/p2p-circuit/webrtc`. This presence dials the relayed address
 * first (a limited connection, the fallback), then upgrades to a direct
 * WebRTC connection signalled through the relay (core's `upgradeToWebRTC`).
 *
 * It also registers again when the tab's addresses change: the first
 * registration may leave before the relay reservation exists.
 */

import { rendezvousPresence, upgradeToWebRTC as upgradeDirect } from '@hypha/core'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { DirectConnectionError } from '../errors.ts'
import type { MessengerPresence } from '@hypha/core'
import type { Connection, Libp2p } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** One WebRTC upgrade attempt is cut after this long (ms); 0.4-1.2 s is usual on loopback (STACK.md) */
export const WEBRTC_ATTEMPT_TIMEOUT = 6_000

/** A relayed dial is cut after this long (ms) */
export const RELAYED_DIAL_TIMEOUT = 10_000

/** Upgrades running at once; a contact already being upgraded is not started again */
export const MAX_CONCURRENT_UPGRADES = 8

/** Namespaces registered again after an address change (the Messenger registers one: its own) */
export const MAX_REGISTERED_NAMESPACES = 4

/** Re-registrations after address changes wait this long, so a burst of changes makes one (ms) */
export const REREGISTER_DELAY = 500

export function isWebRTCAddress (ma: Multiaddr): boolean {
  return ma.getComponents().some(c => c.name === 'webrtc')
}

/** True when `peerId` is connected other than through a relay (no limits) */
export function hasDirectConnection (node: Pick<Libp2p, 'getConnections'>, peerId: string): boolean {
  return node.getConnections(peerIdFromString(peerId)).some(c => c.status === 'open' && c.limits == null)
}

/** Core's WebRTC upgrade, with the tab's attempt timeout */
export async function upgradeToWebRTC (node: Pick<Libp2p, 'dial'>, address: Multiaddr, options: { signal?: AbortSignal } = {}): Promise<Connection> {
  return upgradeDirect(node, address, { ...options, attemptTimeout: WEBRTC_ATTEMPT_TIMEOUT })
}

export interface DirectPresence {
  presence: MessengerPresence
  /** Stops re-registering and cancels upgrades in flight */
  close(): void
}

export interface DirectPresenceInit {
  /** The rendezvous points to use now (the bootstrap nodes' peer ids) */
  points(): string[]
  log(message: string): void
}

/** A MessengerPresence that ends on a direct WebRTC connection where it can */
export function directPresence (node: Libp2p<{ rendezvous: any }>, init: DirectPresenceInit): DirectPresence {
  const base = rendezvousPresence(node as any, () => init.points().map(id => peerIdFromString(id)))
  const upgrading = new Set<string>()
  const shutdown = new AbortController()
  const namespaces = new Set<string>()
  let timer: ReturnType<typeof setTimeout> | undefined

  const reregister = (): void => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      for (const namespace of namespaces) {
        base.register(namespace).catch(err => { init.log(`rendezvous registration failed: ${err.name}`) })
      }
    }, REREGISTER_DELAY)
  }
  node.addEventListener('self:peer:update', reregister)

  /** Never throws: a failed upgrade leaves the relayed connection */
  const upgrade = async (peerId: string, targets: Multiaddr[]): Promise<void> => {
    if (upgrading.has(peerId) || upgrading.size >= MAX_CONCURRENT_UPGRADES) { return }
    upgrading.add(peerId)
    try {
      for (const target of targets) {
        if (hasDirectConnection(node, peerId)) { return }
        try {
          await upgradeToWebRTC(node, target, { signal: shutdown.signal })
          init.log(`direct WebRTC connection to ${peerId.slice(-8)}`)
          return
        } catch (err: any) {
          init.log(`WebRTC upgrade failed: ${err.name}`)
        }
      }
    } catch (err: any) {
      init.log(`WebRTC upgrade failed: ${err.name}`)
    } finally {
      upgrading.delete(peerId)
    }
  }

  const presence: MessengerPresence = {
    async register (namespace) {
      if (namespaces.size < MAX_REGISTERED_NAMESPACES) { namespaces.add(namespace) }
      await base.register(namespace)
    },
    async discover (namespace) {
      return base.discover(namespace)
    },
    async connect (peerId, multiaddrs) {
      if (hasDirectConnection(node, peerId)) { return }
      const addresses = multiaddrs.map(a => multiaddr(a.endsWith(`/p2p/${peerId}`) ? a : `${a}/p2p/${peerId}`))
      const webrtc = addresses.filter(isWebRTCAddress)
      const other = addresses.filter(a => !isWebRTCAddress(a))
      let relayed = false
      if (other.length > 0) {
        try {
          await node.dial(other, { signal: AbortSignal.any([shutdown.signal, AbortSignal.timeout(RELAYED_DIAL_TIMEOUT)]) })
          relayed = true
        } catch (err: any) {
          init.log(`relayed dial failed: ${err.name}`)
        }
      }
      if (relayed) {
        // the relayed connection carries on meanwhile; the upgrade runs in the background
        void upgrade(peerId, webrtc)
        return
      }
      if (webrtc.length === 0) {
        throw new DirectConnectionError('the contact has no address this tab can dial')
      }
      await upgrade(peerId, webrtc)
      if (!hasDirectConnection(node, peerId)) {
        throw new DirectConnectionError('no connection to the contact')
      }
    }
  }

  return {
    presence,
    close () {
      clearTimeout(timer)
      node.removeEventListener('self:peer:update', reregister)
      shutdown.abort()
    }
  }
}
