/**
 * The stage of the replay and tamper scenarios: one hub (the shipped
 * bootstrap node with its mailbox), the shipped Node peers A and B (and C for
 * a second session), a capturing node that records every envelope gossiped
 * on B's topics, and attacker nodes that publish raw bytes on those topics
 * and deposit raw bytes at B's mailboxes with real stamps. `Watch` counts what
 * B's one receive pipeline made of each input.
 */

import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { envelopeId, inboxTopic, inboxTopics } from '@hypha/core'
import { createPeerNode, dialBootstrap } from '@hypha/node'
import { startPeer, until } from './mesh.ts'
import { TYPED_ERRORS } from './report.ts'
import type { Hub, Peer, PeerOptions } from './mesh.ts'
import type { PeerNode } from '@hypha/node'
import type { PeerId } from '@libp2p/interface'

/** What one input turned into at B */
export type Outcome = 'accepted' | 'rejected' | 'ignored' | 'deduped' | 'untyped' | 'rewrapped'

/** One envelope as gossiped on one of B's topics */
export interface Captured {
  topic: string
  bytes: Uint8Array
  id: string
}

/**
 * Counts what B's Messenger does, across restarts (`attach` each new
 * Messenger): the `envelope` events by id, the log lines of refused
 * envelopes, the gossip validator's refusals, and every event that would
 * mean an input was accepted (a new message, a group message, a receipt, a
 * group change).
 */
export class Watch {
  /** Envelope id -> times the pipeline reported it, and how often decrypted */
  readonly envelopes = new Map<string, { seen: number, decrypted: number }>()
  /** First 12 hex digits of an envelope id -> error names it was dropped with */
  readonly drops = new Map<string, string[]>()
  /** Events that show something was accepted */
  readonly accepted = { message: 0, groupMessage: 0, receipt: 0, group: 0, channel: 0 }
  /** Reasons of `group-rejected` events, in order */
  readonly groupRejected: string[] = []
  /** Names of errors the gossip validator refused envelopes with */
  readonly validatorRejected: string[] = []
  /** Envelope id -> times gossipsub delivered it to B (whoever listens) */
  readonly gossipDelivered = new Map<string, number>()
  /** Log lines that mean an envelope was refused untyped, or the pipeline itself failed */
  readonly failures: string[] = []
  /** Receive queue overflows */
  queueFull = 0

  /** B's logger (given to `startPeer`): parses the refusals; never sees keys or plaintext */
  readonly log = (line: string): void => {
    let m = /^envelope ([0-9a-f]{12}) dropped: (\S+)$/.exec(line)
    if (m != null) {
      const names = this.drops.get(m[1]) ?? []
      names.push(m[2])
      this.drops.set(m[1], names)
      if (!TYPED_ERRORS.has(m[2])) { this.failures.push(line) }
      return
    }
    m = /^rejected an envelope on \S+: (\S+)$/.exec(line)
    if (m != null) {
      this.validatorRejected.push(m[1])
      if (!TYPED_ERRORS.has(m[1])) { this.failures.push(line) }
      return
    }
    if (line.startsWith('receive failed')) { this.failures.push(line) }
    if (line.startsWith('receive queue full')) { this.queueFull++ }
  }

  /** Listens to a (new) Messenger and node of B */
  attach (peer: Peer, topics: () => Set<string>): void {
    const m = peer.messenger
    m.addEventListener('envelope', evt => {
      const entry = this.envelopes.get(evt.detail.id) ?? { seen: 0, decrypted: 0 }
      entry.seen++
      if (evt.detail.decrypted) { entry.decrypted++ }
      this.envelopes.set(evt.detail.id, entry)
    })
    m.addEventListener('message', () => { this.accepted.message++ })
    m.addEventListener('group-message', () => { this.accepted.groupMessage++ })
    m.addEventListener('receipt', () => { this.accepted.receipt++ })
    m.addEventListener('group', () => { this.accepted.group++ })
    m.addEventListener('channel', () => { this.accepted.channel++ })
    m.addEventListener('group-rejected', evt => { this.groupRejected.push(evt.detail.reason) })
    peer.node.services.pubsub.addEventListener('message', evt => {
      if (!topics().has(evt.detail.topic)) { return }
      const id = envelopeId(evt.detail.data)
      this.gossipDelivered.set(id, (this.gossipDelivered.get(id) ?? 0) + 1)
    })
  }

  /** Everything that counts as an acceptance, summed */
  acceptedEvents (): number {
    const a = this.accepted
    return a.message + a.groupMessage + a.receipt + a.group + a.channel
  }

  /** How many times envelopes with these ids were reported decrypted */
  decryptedOf (ids: Iterable<string>): number {
    let n = 0
    for (const id of ids) { n += this.envelopes.get(id)?.decrypted ?? 0 }
    return n
  }

  seenOf (ids: Iterable<string>): number {
    let n = 0
    for (const id of ids) { n += this.envelopes.get(id)?.seen ?? 0 }
    return n
  }

  deliveredOf (ids: Iterable<string>): number {
    let n = 0
    for (const id of ids) { n += this.gossipDelivered.get(id) ?? 0 }
    return n
  }

  /** Error names the envelopes with these ids were dropped with */
  dropNamesOf (ids: Iterable<string>): string[] {
    const out: string[] = []
    for (const id of ids) { out.push(...(this.drops.get(id.slice(0, 12)) ?? [])) }
    return out
  }
}

/** "name count, name count" of a list of names, most frequent first */
export function tally (names: string[]): string {
  const counts = new Map<string, number>()
  for (const name of names) { counts.set(name, (counts.get(name) ?? 0) + 1) }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${n}`).join(', ')
}

/**
 * A node of the attacker: the shipped Node peer stack (gossipsub, mailbox
 * client) on the hub, connected to B directly, so that what it publishes
 * reaches B whatever the hub's gossipsub remembers. Each round uses a fresh
 * one: gossipsub refuses to publish what its own seen cache holds, and a
 * mailbox rate-limits per peer.
 */
export class Attacker {
  readonly node: PeerNode

  private constructor (node: PeerNode) {
    this.node = node
  }

  static async start (hub: Hub, target?: Peer, topics: string[] = []): Promise<Attacker> {
    const node = await createPeerNode({ bootstrap: [hub.addr], allowLoopback: true, listen: ['/ip4/127.0.0.1/tcp/0'] })
    const { connected } = await dialBootstrap(node, [hub.addr])
    if (connected === 0) { throw new Error('attacker: hub not reachable') }
    const attacker = new Attacker(node)
    if (target != null) { await attacker.connect(target, topics) }
    return attacker
  }

  /** Dials B and waits until gossipsub knows B is on `topics` (so a publish goes to B directly) */
  async connect (target: Peer, topics: string[]): Promise<void> {
    await this.node.dial(target.node.getMultiaddrs())
    const pubsub = this.node.services.pubsub as any
    const ok = await until(() => topics.every(topic => pubsub.getSubscribers(topic).some((p: PeerId) => p.equals(target.node.peerId))), 10_000)
    if (!ok) { throw new Error('attacker: B\'s subscriptions never arrived') }
  }

  /** Publishes raw bytes; false when gossipsub refused to (say, a duplicate of its own seen cache) */
  async publish (topic: string, bytes: Uint8Array): Promise<boolean> {
    try {
      await this.node.services.pubsub.publish(topic, bytes)
      return true
    } catch {
      return false
    }
  }

  /**
   * Deposits raw bytes at a mailbox under `tag`, with a real stamp: 'stored',
   * 'duplicate' (the mailbox still held it: its receipt is older than `since`)
   * or the error's name
   */
  async deposit (mailbox: PeerId, tag: Uint8Array, bytes: Uint8Array, since: number): Promise<string> {
    try {
      const receipt = await this.node.services.mailbox.deposit(mailbox, tag, bytes)
      return receipt.storedAt < since ? 'duplicate' : 'stored'
    } catch (err: any) {
      return err.name ?? 'Error'
    }
  }

  async stop (): Promise<void> {
    await this.node.stop()
  }
}

/**
 * A node that records every envelope gossiped on every inbox bucket topic
 * (as a bootstrap node relays them all), so that group topics are covered
 * from their first envelope
 */
export class Capture {
  readonly node: PeerNode
  readonly envelopes: Captured[] = []
  private readonly ids = new Set<string>()

  private constructor (node: PeerNode) {
    this.node = node
    node.services.pubsub.addEventListener('message', evt => {
      const id = envelopeId(evt.detail.data)
      if (this.ids.has(id)) { return }
      this.ids.add(id)
      this.envelopes.push({ topic: evt.detail.topic, bytes: Uint8Array.from(evt.detail.data), id })
    })
  }

  static async start (hub: Hub): Promise<Capture> {
    const node = await createPeerNode({ bootstrap: [hub.addr], allowLoopback: true, listen: ['/ip4/127.0.0.1/tcp/0'] })
    const { connected } = await dialBootstrap(node, [hub.addr])
    if (connected === 0) { throw new Error('capture: hub not reachable') }
    for (const topic of inboxTopics()) { node.services.pubsub.subscribe(topic) }
    return new Capture(node)
  }

  /** Envelopes captured on these topics, from index `from` on */
  on (topics: Set<string>, from = 0): Captured[] {
    return this.envelopes.slice(from).filter(e => topics.has(e.topic))
  }

  /** Waits until `count` envelopes were captured on `topics` since index `from` */
  async waitFor (topics: Set<string>, from: number, count: number, ms = 15_000): Promise<Captured[]> {
    if (!await until(() => this.on(topics, from).length >= count, ms)) {
      throw new Error(`capture: ${this.on(topics, from).length} of ${count} envelopes seen`)
    }
    return this.on(topics, from)
  }

  async stop (): Promise<void> {
    await this.node.stop()
  }
}

/** B, restartable on its database, with one Watch over all its lives */
export class Target {
  peer: Peer
  readonly watch: Watch
  readonly topics = new Set<string>()
  restarts = 0
  private readonly hubs: Hub[]
  private readonly options: PeerOptions

  private constructor (hubs: Hub[], peer: Peer, watch: Watch, options: PeerOptions) {
    this.hubs = hubs
    this.peer = peer
    this.watch = watch
    this.options = options
    this.topics.add(inboxTopic(peer.messenger.identity.device.signing.publicKey))
    watch.attach(peer, () => this.topics)
  }

  static async start (hubs: Hub[], name: string, options: PeerOptions = {}): Promise<Target> {
    const watch = new Watch()
    const peer = await startPeer(hubs, name, { ...options, log: watch.log })
    return new Target(hubs, peer, watch, options)
  }

  get messenger (): Peer['messenger'] {
    return this.peer.messenger
  }

  get inbox (): string {
    return inboxTopic(this.peer.messenger.identity.device.signing.publicKey)
  }

  /** Stops B (Messenger and libp2p node) and starts it again on the same database: a new node, empty caches */
  async restart (): Promise<void> {
    await this.peer.stop()
    this.peer = await startPeer(this.hubs, this.peer.name, { ...this.options, db: this.peer.db, log: this.watch.log })
    this.watch.attach(this.peer, () => this.topics)
    this.restarts++
  }

  /**
   * Resolves once every envelope queued in B's pipeline before it went
   * through: the pipeline is one queue, so a junk envelope given last comes
   * out last
   */
  async drain (): Promise<void> {
    await this.peer.messenger.receive(this.inbox, BARRIER)
  }

  async stop (): Promise<void> {
    await this.peer.stop({ close: true })
  }
}

/**
 * A junk envelope (a ratchet message no session recognizes) used as a
 * barrier: it is deduped after its first pass, and refused before that
 */
const BARRIER = Uint8Array.from({ length: 1 + 4 + 32 + 2 + 24 + 16 }, (_, i) => i === 0 ? 0x02 : 0xee)
export const BARRIER_ID = envelopeId(BARRIER)

/** Waits until `read()` has not changed for `quiet` ms (at most `ms`) */
export async function settle (read: () => number, quiet = 600, ms = 15_000): Promise<void> {
  const end = Date.now() + ms
  let last = read()
  let since = Date.now()
  while (Date.now() < end) {
    await new Promise(resolve => setTimeout(resolve, 50))
    const now = read()
    if (now !== last) {
      last = now
      since = Date.now()
    } else if (Date.now() - since >= quiet) {
      return
    }
  }
}

/** Counts unhandled errors of this process while a scenario runs (each one is a crash) */
export function crashCounter (): { count(): number, stop(): void } {
  let crashes = 0
  const onError = (): void => { crashes++ }
  process.on('uncaughtException', onError)
  process.on('unhandledRejection', onError)
  return {
    count: () => crashes,
    stop: () => {
      process.off('uncaughtException', onError)
      process.off('unhandledRejection', onError)
    }
  }
}

/** Stops what a replay or tamper run started, last started first, whatever happened to each */
export async function stopStage (stage: { crashes: { stop(): void }, attackers: Attacker[], b?: Target, peers: Peer[], capture?: Capture, hub: Hub }): Promise<void> {
  stage.crashes.stop()
  for (const attacker of stage.attackers) { await attacker.stop().catch(() => {}) }
  await stage.b?.stop().catch(() => {})
  for (const peer of stage.peers) { await peer.stop({ close: true }).catch(() => {}) }
  await stage.capture?.stop().catch(() => {})
  await stage.hub.stop().catch(() => {})
}

let collect: (() => void) | undefined

/**
 * This process's JavaScript heap after a full garbage collection, in MiB: unlike RSS
 * it falls back when nothing is retained, so a structure that grows with the
 * inputs shows as growth here (gc is exposed at runtime for it)
 */
export function heapAfterGcMiB (): number {
  if (collect == null) {
    setFlagsFromString('--expose_gc')
    collect = runInNewContext('gc') as () => void
  }
  collect()
  collect()
  return process.memoryUsage().heapUsed / (1024 * 1024)
}
