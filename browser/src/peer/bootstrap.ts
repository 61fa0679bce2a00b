/**
 * Reaching the mesh: dial the bootstrap nodes (bounded retries), then wait,
 * bounded, until the DHT knows a server and identify has shown the mailbox
 * nodes. The same steps as node/src/libp2p.ts, for a tab.
 */

import { libp2pMailboxes } from '@hypha/core'
import { KEEP_ALIVE } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { BrowserNode } from './browser-node.ts'
import type { Libp2p } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Dial attempts per bootstrap address before giving up on it */
export const BOOTSTRAP_DIAL_ATTEMPTS = 4

/** First pause between two dial attempts (ms); doubles each time */
export const BOOTSTRAP_DIAL_BACKOFF = 250

/** One dial attempt is cut after this long (ms) */
export const BOOTSTRAP_DIAL_TIMEOUT = 10_000

/** How long to wait for a DHT server among the bootstrap peers (ms) */
export const DHT_READY_TIMEOUT = 10_000

/** How long to wait for identify to show the mailbox nodes (ms) */
export const MAILBOX_READY_TIMEOUT = 5_000

/** How long to wait for a relay reservation, so that the first rendezvous registration has an address (ms) */
export const RESERVATION_TIMEOUT = 5_000

/** Polling period of the waits above (ms) */
const POLL_INTERVAL = 50

/**
 * Dials every bootstrap address, each with BOOTSTRAP_DIAL_ATTEMPTS attempts
 * and exponential backoff. Addresses are tagged keep-alive in the peer store,
 * so libp2p redials them when a connection drops. Resolves with how many
 * were reached and the last error of each that was not.
 */
export async function dialBootstrap (node: Pick<Libp2p, 'dial' | 'peerStore'>, bootstrap: string[], options: { signal?: AbortSignal } = {}): Promise<{ connected: number, errors: Error[] }> {
  const errors: Error[] = []
  const results = await Promise.all(bootstrap.map(async address => {
    let ma: Multiaddr
    try {
      ma = multiaddr(address)
      const peer = ma.getComponents().findLast(c => c.name === 'p2p')?.value
      if (peer != null) {
        await node.peerStore.merge(peerIdFromString(peer), { multiaddrs: [ma], tags: { [KEEP_ALIVE]: { value: 1 } } })
      }
    } catch (err: any) {
      errors.push(err)
      return false
    }
    let pause = BOOTSTRAP_DIAL_BACKOFF
    for (let attempt = 1; ; attempt++) {
      const signal = options.signal == null
        ? AbortSignal.timeout(BOOTSTRAP_DIAL_TIMEOUT)
        : AbortSignal.any([options.signal, AbortSignal.timeout(BOOTSTRAP_DIAL_TIMEOUT)])
      try {
        await node.dial(ma, { signal })
        return true
      } catch (err: any) {
        if (attempt >= BOOTSTRAP_DIAL_ATTEMPTS || options.signal?.aborted === true) {
          errors.push(err)
          return false
        }
        await sleep(pause)
        pause *= 2
      }
    }
  }))
  return { connected: results.filter(Boolean).length, errors }
}

/** Waits until the DHT has a peer in its routing table; false on timeout */
export async function waitForDht (node: BrowserNode, timeout = DHT_READY_TIMEOUT): Promise<boolean> {
  return poll(() => (node.services.dht.routingTable?.size ?? 0) > 0, timeout)
}

/** Waits until identify has shown `count` connected mailbox nodes (or the timeout); resolves with how many there are */
export async function waitForMailboxes (node: BrowserNode, count: number, timeout = MAILBOX_READY_TIMEOUT): Promise<number> {
  const mailboxes = libp2pMailboxes(node, node.services.mailbox)
  const deadline = Date.now() + timeout
  for (;;) {
    const found = (await mailboxes.candidates()).length
    if (found >= count || Date.now() >= deadline) { return found }
    await sleep(POLL_INTERVAL)
  }
}

/** Waits until the node has a relay address (a reservation at a relay); false on timeout */
export async function waitForReservation (node: Pick<Libp2p, 'getMultiaddrs'>, timeout = RESERVATION_TIMEOUT): Promise<boolean> {
  return poll(() => node.getMultiaddrs().some(ma => ma.getComponents().some(c => c.name === 'p2p-circuit')), timeout)
}

async function poll (done: () => boolean, timeout: number): Promise<boolean> {
  const deadline = Date.now() + timeout
  while (!done()) {
    if (Date.now() >= deadline) { return false }
    await sleep(POLL_INTERVAL)
  }
  return true
}

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}
