/**
 * In-process meshes of the shipped components on 127.0.0.1: bootstrap nodes
 * (`createBootstrapNode` of `@hypha/bootstrap`, with a mailbox) and Node peers
 * (`createPeerNode` of `@hypha/node`) running a Messenger, wired the way the
 * `hypha` CLI wires them.
 */

import { createBootstrapNode } from '@hypha/bootstrap'
import { createIdentity, libp2pMailboxes, Messenger, rendezvousPresence, saveIdentity, waitForMailboxes } from '@hypha/core'
import { bootstrapPeerIds, createPeerNode, dialBootstrap, waitForDht } from '@hypha/node'
import { MemoryLevel } from 'memory-level'
import type { BootstrapServices } from '@hypha/bootstrap'
import type { MailboxServerInit, MessengerInit } from '@hypha/core'
import type { PeerNode } from '@hypha/node'
import type { Libp2p } from '@libp2p/interface'

/** Stamp difficulty of the suite's mailboxes: real stamps, cheap enough for thousands of deposits */
export const SUITE_STAMP_DIFFICULTY = 8

export type Db = MemoryLevel<string, any>

export interface Hub {
  node: Libp2p<BootstrapServices>
  /** Its TCP multiaddr with /p2p/ */
  addr: string
  db: Db
  stop(): Promise<void>
}

/**
 * A bootstrap node with a mailbox over `db` (a fresh in-memory one by default),
 * open to many local peers (every peer dials from 127.0.0.1)
 */
export async function startHub (options: { db?: Db, mailbox?: Omit<MailboxServerInit, 'db'>, topics?: string[] } = {}): Promise<Hub> {
  const db = options.db ?? new MemoryLevel<string, any>()
  const node = await createBootstrapNode({
    listen: ['/ip4/127.0.0.1/tcp/0'],
    allowLoopback: true,
    connectionManager: { inboundConnectionThreshold: 10_000, maxConnections: 1_000 },
    connectionsPerHost: 1_000,
    mailbox: { db, difficulty: SUITE_STAMP_DIFFICULTY, ...options.mailbox },
    topics: options.topics
  })
  const addr = node.getMultiaddrs().find(ma => ma.toString().includes('/tcp/'))?.toString()
  if (addr == null) { throw new Error('hub has no TCP address') }
  return {
    node,
    addr,
    db,
    stop: async () => {
      await node.stop()
      await db.close()
    }
  }
}

export interface Peer {
  name: string
  node: PeerNode
  messenger: Messenger
  db: Db
  /** Stops the messenger and the node; the database stays open for a restart unless `close` */
  stop(options?: { close?: boolean }): Promise<void>
}

export interface PeerOptions extends Pick<MessengerInit, 'receipts' | 'log'> {
  /** An existing database (a restart); a new identity otherwise */
  db?: Db
  /** Register at the hubs' rendezvous servers, as the CLI does (contacts then dial each other directly) */
  presence?: boolean
}

/** A Node peer on the hubs, its Messenger started, the DHT and mailboxes reachable */
export async function startPeer (hubs: Hub[], name: string, options: PeerOptions = {}): Promise<Peer> {
  return startPeerOn(hubs.map(hub => hub.addr), name, options)
}

/**
 * `startPeer` on bootstrap multiaddrs (with /p2p/) rather than in-process
 * hubs: bootstrap nodes running as processes (`startBootstrap`)
 */
export async function startPeerOn (bootstrap: string[], name: string, options: PeerOptions = {}): Promise<Peer> {
  let db = options.db
  if (db == null) {
    db = new MemoryLevel<string, any>()
    await saveIdentity(db, await createIdentity({ name, oneTimePrekeys: 4 }))
  }
  const node = await createPeerNode({ bootstrap, allowLoopback: true, listen: ['/ip4/127.0.0.1/tcp/0'] })
  const { connected } = await dialBootstrap(node, bootstrap)
  if (connected === 0) { throw new Error(`${name}: no hub reachable`) }
  if (!await waitForDht(node, 10_000)) { throw new Error(`${name}: no DHT server`) }
  await waitForMailboxes(node, Math.min(bootstrap.length, 3), 10_000)
  const hubIds = bootstrapPeerIds(bootstrap)
  const messenger = await Messenger.open({
    db,
    mesh: node.services,
    presence: options.presence === false ? undefined : rendezvousPresence(node, () => hubIds),
    mailboxes: libp2pMailboxes(node, node.services.mailbox),
    receipts: options.receipts,
    log: options.log
  })
  await messenger.start()
  const peerDb = db
  return {
    name,
    node,
    messenger,
    db: peerDb,
    stop: async (stopOptions = {}) => {
      await messenger.stop()
      await node.stop()
      if (stopOptions.close === true) { await peerDb.close() }
    }
  }
}

/** Resolves once `check` holds (polled every 25 ms); false after `ms` */
export async function until (check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) { return true }
    await new Promise(resolve => setTimeout(resolve, 25))
  }
  return check()
}

/** Latency percentile of sorted samples (nearest rank) */
export function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) { return Number.NaN }
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]
}
