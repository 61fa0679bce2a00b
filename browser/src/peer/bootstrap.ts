/**
 * Reaching the mesh: dial the bootstrap nodes (bounded retries), then wait,
 * bounded, until the DHT knows a server and identify has shown the mailbox
 * nodes. Core's steps (the Node CLI takes the same), with a tab's timeouts.
 */

import { dialBootstrap as dialMesh, waitForDht as waitForDhtServer, waitForMailboxes as waitForMailboxNodes, waitUntil } from '@hypha/core'
import type { BrowserNode } from './browser-node.ts'
import type { Libp2p } from '@libp2p/interface'

/** Dial attempts per bootstrap address before giving up on it */
export const BOOTSTRAP_DIAL_ATTEMPTS = 4

/** One dial attempt is cut after this long (ms) */
export const BOOTSTRAP_DIAL_TIMEOUT = 10_000

/** How long to wait for a DHT server among the bootstrap peers (ms) */
export const DHT_READY_TIMEOUT = 10_000

/** How long to wait for identify to show the mailbox nodes (ms) */
export const MAILBOX_READY_TIMEOUT = 5_000

/** How long to wait for a relay reservation, so that the first rendezvous registration has an address (ms) */
export const RESERVATION_TIMEOUT = 5_000

/** Dials every bootstrap address (core's dialBootstrap, with a tab's attempts and a per-attempt timeout) */
export async function dialBootstrap (node: Pick<Libp2p, 'dial' | 'peerStore'>, bootstrap: string[], options: { signal?: AbortSignal } = {}): Promise<{ connected: number, errors: Error[] }> {
  return dialMesh(node, bootstrap, { attempts: BOOTSTRAP_DIAL_ATTEMPTS, dialTimeout: BOOTSTRAP_DIAL_TIMEOUT, signal: options.signal })
}

/** Waits until the DHT has a peer in its routing table; false on timeout */
export async function waitForDht (node: BrowserNode, timeout = DHT_READY_TIMEOUT): Promise<boolean> {
  return waitForDhtServer(node, timeout)
}

/** Waits until identify has shown `count` connected mailbox nodes (or the timeout); resolves with how many there are */
export async function waitForMailboxes (node: BrowserNode, count: number, timeout = MAILBOX_READY_TIMEOUT): Promise<number> {
  return waitForMailboxNodes(node, count, timeout)
}

/** Waits until the node has a relay address (a reservation at a relay); false on timeout */
export async function waitForReservation (node: Pick<Libp2p, 'getMultiaddrs'>, timeout = RESERVATION_TIMEOUT): Promise<boolean> {
  return waitUntil(() => node.getMultiaddrs().some(ma => ma.getComponents().some(c => c.name === 'p2p-circuit')), timeout)
}
