/**
 * Joining the mesh, the same for every peer (a Node CLI, a browser tab):
 * dial the bootstrap nodes with bounded retries, then wait, bounded, until
 * the DHT knows a server, until identify has shown the mailbox nodes, and so
 * on. Every wait polls a cheap condition and gives up at its timeout.
 */

import { KEEP_ALIVE } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { libp2pMailboxes } from './mailbox-peers.ts'
import type { MailboxClient } from './mailbox/index.ts'
import type { MailboxNode } from './mailbox-peers.ts'
import type { Connection, Libp2p } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Dial attempts per bootstrap address before giving up on it */
export const BOOTSTRAP_DIAL_ATTEMPTS = 5

/** First pause between two dial attempts (ms); doubles each time */
export const BOOTSTRAP_DIAL_BACKOFF = 250

/** Polling period of the waits (ms) */
export const JOIN_POLL_INTERVAL = 50

export interface DialBootstrapOptions {
  /** @default BOOTSTRAP_DIAL_ATTEMPTS */
  attempts?: number
  /** @default BOOTSTRAP_DIAL_BACKOFF */
  backoff?: number
  /** Each attempt is cut after this long (ms); none by default */
  dialTimeout?: number
  signal?: AbortSignal
}

/**
 * Dials every bootstrap address, each with a bounded number of attempts and
 * exponential backoff. Resolves with how many were reached, and the last
 * error of each that was not.
 *
 * Addresses that name their peer (`/p2p/<peer id>`) are tagged keep-alive in
 * the peer store: libp2p then redials them when the connection drops, which
 * keeps a long-running peer on the mesh.
 */
export async function dialBootstrap (node: Pick<Libp2p, 'dial' | 'peerStore'>, bootstrap: string[], options: DialBootstrapOptions = {}): Promise<{ connected: number, errors: Error[] }> {
  const attempts = options.attempts ?? BOOTSTRAP_DIAL_ATTEMPTS
  const backoff = options.backoff ?? BOOTSTRAP_DIAL_BACKOFF
  const errors: Error[] = []

  const results = await Promise.all(bootstrap.map(async addr => {
    let ma: Multiaddr
    try {
      ma = multiaddr(addr)
      const peer = ma.getComponents().findLast(c => c.name === 'p2p')?.value
      if (peer != null) {
        await node.peerStore.merge(peerIdFromString(peer), { multiaddrs: [ma], tags: { [KEEP_ALIVE]: { value: 1 } } })
      }
    } catch (err: any) {
      errors.push(err)
      return false
    }
    let pause = backoff
    for (let attempt = 1; ; attempt++) {
      const signals = [options.signal, options.dialTimeout == null ? undefined : AbortSignal.timeout(options.dialTimeout)].filter(s => s != null)
      try {
        await node.dial(ma, { signal: signals.length === 0 ? undefined : AbortSignal.any(signals) })
        return true
      } catch (err: any) {
        if (attempt >= attempts || options.signal?.aborted === true) {
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

/** Polls `done` every JOIN_POLL_INTERVAL ms; false when `timeout` ms pass first */
export async function waitUntil (done: () => boolean | Promise<boolean>, timeout: number): Promise<boolean> {
  const deadline = Date.now() + timeout
  while (!await done()) {
    if (Date.now() >= deadline) { return false }
    await sleep(JOIN_POLL_INTERVAL)
  }
  return true
}

/**
 * Waits (bounded) until the DHT has a peer in its routing table: before that
 * a get or put finds nobody to ask. False on timeout.
 */
export async function waitForDht (node: { services: { dht: { routingTable?: { size: number } } } }, timeout: number): Promise<boolean> {
  return waitUntil(() => (node.services.dht.routingTable?.size ?? 0) > 0, timeout)
}

/**
 * Waits until identify has shown `count` connected nodes that run the mailbox
 * service (or the timeout); resolves with how many there are.
 */
export async function waitForMailboxes (node: MailboxNode & { services: { mailbox: MailboxClient } }, count: number, timeout: number): Promise<number> {
  const mailboxes = libp2pMailboxes(node, node.services.mailbox)
  let found = 0
  await waitUntil(async () => (found = (await mailboxes.candidates()).length) >= count, timeout)
  return found
}

/**
 * Attempts at a WebRTC upgrade. node-datachannel 0.33 (libdatachannel 0.24)
 * loses about 3% of DTLS handshakes on loopback to a race (the answer is
 * applied before the fingerprint is stored); a second attempt covers it.
 */
export const WEBRTC_UPGRADE_ATTEMPTS = 2

/** One WebRTC upgrade attempt takes under 1.2 s on loopback (STACK.md); a stuck one is cut here (ms) */
export const WEBRTC_ATTEMPT_TIMEOUT = 4_000

/**
 * Dials a peer's `/webrtc` address (a circuit address + `/webrtc`, signalled
 * through the relay) for a direct connection: `attempts` tries of at most
 * `attemptTimeout` ms each.
 */
export async function upgradeToWebRTC (node: Pick<Libp2p, 'dial'>, address: Multiaddr, options: { signal?: AbortSignal, attempts?: number, attemptTimeout?: number } = {}): Promise<Connection> {
  if (!address.getComponents().some(c => c.name === 'webrtc')) {
    throw new TypeError(`not a /webrtc address: ${address.toString()}`)
  }
  const attempts = options.attempts ?? WEBRTC_UPGRADE_ATTEMPTS
  const attemptTimeout = options.attemptTimeout ?? WEBRTC_ATTEMPT_TIMEOUT
  let lastError: unknown
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const signal = options.signal == null
      ? AbortSignal.timeout(attemptTimeout)
      : AbortSignal.any([options.signal, AbortSignal.timeout(attemptTimeout)])
    try {
      return await node.dial(address, { signal })
    } catch (err) {
      if (options.signal?.aborted === true) {
        throw err
      }
      lastError = err
    }
  }
  throw lastError
}

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}
