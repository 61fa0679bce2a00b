/**
 * One sybil experiment: honest Messengers (the shipped Node peer) and
 * hostile libp2p nodes (sybil-hostile.ts, in an attacker process of their
 * own) on the same inbox topics, honest traffic between contacts, then the
 * mailbox fallback (`messenger.sync()`, what a device runs periodically).
 * Counts every honest message sent, where it was delivered from (gossip or a
 * mailbox), how late, and what became of every copy the hostile peers forged.
 *
 * Topology. Hubs are honest bootstrap nodes (DHT, rendezvous, mailboxes,
 * inbox relays). Hostile nodes join every hub, and every honest peer dials
 * `dialsPerHonest` hostile peers of every behaviour, so hostile peers fill
 * the gossip meshes. Some honest peers are "isolated": no hub relays their
 * inbox buckets and they register no presence (so no contact connects to
 * them directly): gossip toward them goes through hostile peers only, and
 * whatever those lose only the mailboxes can bring. The others are wired as
 * the CLI wires a device (presence on, hubs relaying every bucket).
 *
 * libp2p refuses more than 5 inbound connections a second per remote host
 * (its default, which honest and hostile peers keep), and here every peer is
 * 127.0.0.1: dials go in rounds in which no node is dialed twice, at most 4
 * rounds a second.
 */

import { checkInboxEnvelope, createIdentity, envelopeId, inboxTopic, inboxTopics, rendezvousPresence, saveIdentity } from '@hypha/core'
import { MemoryLevel } from 'memory-level'
import { percentile, startHub, startPeer } from './mesh.ts'
import { TYPED_ERRORS } from './report.ts'
import { BEHAVIOURS, startAttacker } from './sybil-hostile.ts'
import type { Db, Hub, Peer } from './mesh.ts'
import type { Attacker, Behaviour, Corruption, HostileInfo } from './sybil-hostile.ts'
import type { LocalIdentity, ReceivedMessage } from '@hypha/core'

export interface SybilConfig {
  hubs: number
  honest: number
  /** How many honest peers (every other one) are isolated (see the file's comment) */
  isolated: number
  hostile: number
  /** The behaviours, assigned to hostile peers in equal contiguous blocks */
  behaviours: readonly Behaviour[]
  /** Hostile peers each honest peer dials */
  dialsPerHonest: number
  /** Honest peer i sends to peers i+1 .. i+contacts (mod honest) */
  contacts: number
  messagesPerContact: number
  /** How long a DELAY peer holds each message, ms */
  delay: { min: number, max: number }
  /** The share of originals a CORRUPT peer forges a copy of */
  corruptShare: number
  /** false: no sync at the end (the negative control: gossip alone) */
  mailboxFallback: boolean
  /** Messages sent but left out of the books: the "shown but never sent" counter must see them (negative control) */
  unrecorded?: number
  progress?(line: string): void
}

export interface CorruptOutcome {
  /** Forged copies the hostile peers published */
  published: number
  byKind: Record<Corruption, number>
  /** Distinct forged copies that reached an honest device (its gossip validator or its Messenger) */
  reached: number
  /** Refused by an honest device's gossip validator, with a typed error */
  validatorRejected: number
  /** Through the validator (well formed) but dropped by the Messenger with a typed error (no session, no decryption) */
  dropped: number
  /** Ignored by the validator (not refused: e.g. a rate limit) */
  ignored: number
  /** Refusals whose error is not one of core's named classes */
  untyped: number
  /** Decrypted (target 0) */
  accepted: number
  /** Error names of the refusals, with counts */
  errors: Record<string, number>
}

type Kind = Behaviour | 'hub' | 'honest'

export interface SybilResult {
  /** Honest text messages sent (send() called) */
  sent: number
  sendFailures: number
  /** Why sends failed, by error name */
  sendErrors: Record<string, number>
  delivered: number
  /** Delivered over gossip (whatever came over the inbox topic first) */
  gossip: number
  /** Delivered by the mailbox fallback */
  mailbox: number
  lost: number
  /** Lost to gossip alone: not delivered before the sync */
  lostBeforeSync: number
  /** Messages sent (send() resolved) yet never delivered: what the send reported */
  lostAfterSend: string[]
  /** Messages to isolated recipients: sent, and delivered over gossip and from mailboxes */
  toIsolated: { sent: number, gossip: number, mailbox: number }
  /** Gossip delivery latency (sent -> shown), ms */
  latency: { p50: number, p99: number, max: number }
  /** Messages shown that no honest peer sent as such (forged, altered, or left out of the books) */
  unexpected: number
  corrupt: CorruptOutcome
  /** Honest envelopes (not forged) an honest device refused at its validator or dropped, and never decrypted, by outcome and error */
  honestRefused: Record<string, number>
  /** Share of honest peers' mesh peers on their own inbox topic, by kind, when traffic started */
  meshShare: Record<Kind, number>
  /** Honest peers whose mesh on their own topic held no hub and no honest peer */
  hostileOnlyMeshes: number
  /** Mean gossipsub score honest peers give each kind of peer, at the end */
  scores: Record<Behaviour | 'hub', number>
  /** Direct contact connections made by presence, and wanted */
  direct: { connected: number, wanted: number }
  /** Honest-to-hostile connections: dialed, failed, still open at the end */
  hostileLinks: { dialed: number, failed: number, open: number }
  /** Contacts that could not be added (no device list found in the DHT) */
  contactFailures: number
  /** Mean time of one `send()` (encrypt, publish, deposit at 3 mailboxes), ms */
  sendMs: number
  /** Honest nodes or hubs that stopped, and pipeline failures (`receive failed`) */
  crashes: number
  seconds: number
  /** CPU time over the run, s: this process (hubs and honest peers) and the attacker's */
  cpuSeconds: number
  attackerCpuSeconds: number
  /** Honest originals each kind of hostile node saw (first sight per node, summed) */
  hostileSeen: Record<Behaviour, number>
  peakRssMiB: number
  /** The worst event loop lag of the honest side, ms (its nodes share one loop) */
  worstLagMs: number
  /** Wall time of each phase, s */
  phases: Record<string, number>
}

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

async function inBatches<T> (items: T[], size: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(async (item, j) => work(item, i + j)))
  }
}

/** Libp2p's default inbound limit is 5 a second per host: a round dials each node at most once, rounds at most 4 a second */
const DIAL_ROUND_MS = 250

/**
 * The honest nodes share one event loop here, where each would have its own
 * machine: a saturated loop delays every reply by seconds (kad-dht gives up
 * on a reply after 10 s, libp2p closes connections whose pings time out),
 * which would measure this process rather than the mesh. A sender waits (at
 * most CALM_WAIT_MS) until the loop's lag is under CALM_LAG_MS before each
 * message.
 */
const CALM_LAG_MS = 100
const CALM_WAIT_MS = 5_000

/** Event loop lag, sampled every 50 ms: the latest and the worst */
function lagMonitor (): { current(): number, worst(): number, stop(): void } {
  let last = performance.now()
  let current = 0
  let worst = 0
  const timer = setInterval(() => {
    const now = performance.now()
    current = Math.max(0, now - last - 50)
    worst = Math.max(worst, current)
    last = now
  }, 50)
  return { current: () => Math.max(current, performance.now() - last - 50), worst: () => worst, stop: () => { clearInterval(timer) } }
}

interface HonestPeer {
  index: number
  isolated: boolean
  identity: LocalIdentity
  topic: string
  db: Db
  peer?: Peer
  gossipIds: Set<string>
  received: Array<ReceivedMessage & { at: number, source: 'gossip' | 'mailbox' }>
  pending?: ReceivedMessage & { at: number }
  dropNames: Map<string, string>
}

/** What an honest device did with an envelope it did not show: refused at the validator, ignored there, dropped, or decrypted */
export type Outcome = { outcome: 'validator' | 'ignored' | 'dropped' | 'decrypted', name: string }

/** `dialsPerHonest` hostile peers at random, as many of each behaviour as can be */
function pickHostile (config: SybilConfig, behaviourOf: (j: number) => Behaviour): number[] {
  const picked: number[] = []
  const wanted = Math.min(config.dialsPerHonest, config.hostile)
  const blocks = config.behaviours.map(b => shuffle(Array.from({ length: config.hostile }, (_, j) => j).filter(j => behaviourOf(j) === b)))
  for (let k = 0; picked.length < wanted; k++) {
    const block = blocks[k % blocks.length]
    if (block.length > 0) { picked.push(block.pop() as number) }
  }
  return shuffle(picked)
}

function shuffle<T> (items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = crypto.getRandomValues(new Uint32Array(1))[0] % (i + 1);
    [items[i], items[j]] = [items[j], items[i]]
  }
  return items
}

type Sent = Map<string, { from: string, to: HonestPeer, text: string, published: number, stored: number }>

/** The honest identities (one per inbox bucket, so that "isolated" means it: no other honest device relays its bucket) */
async function createHonest (config: SybilConfig): Promise<HonestPeer[]> {
  const isolated = new Set<number>()
  for (let i = 1; isolated.size < config.isolated && i < config.honest * 2; i += 2) { isolated.add(i % config.honest) }
  for (let i = 0; isolated.size < config.isolated; i++) { isolated.add(i) }
  const topics = new Set<string>()
  const honest: HonestPeer[] = []
  for (let i = 0; i < config.honest; i++) {
    let identity: LocalIdentity
    do {
      identity = await createIdentity({ name: `honest-${i}`, oneTimePrekeys: 4 })
    } while (topics.has(inboxTopic(identity.device.signing.publicKey)))
    const topic = inboxTopic(identity.device.signing.publicKey)
    topics.add(topic)
    const db = new MemoryLevel<string, any>()
    await saveIdentity(db, identity)
    honest.push({ index: i, isolated: isolated.has(i), identity, topic, db, gossipIds: new Set(), received: [], dropNames: new Map() })
  }
  return honest
}

/** Starts an honest peer and watches what it receives: over gossip or not, shown or not, refused by its validator or not */
async function startHonest (h: HonestPeer, hubs: Hub[], note: (id: string, outcome: Outcome['outcome'], name: string) => void, onFailure: () => void): Promise<void> {
  const peer = await startPeer(hubs, `honest-${h.index}`, {
    db: h.db,
    presence: !h.isolated,
    log: line => {
      const dropped = /^envelope ([0-9a-f]{12}) dropped: (\w+)/.exec(line)
      if (dropped != null) {
        h.dropNames.set(dropped[1], dropped[2])
      } else if (line.startsWith('receive failed')) {
        onFailure()
      }
    }
  })
  h.peer = peer
  const pubsub = peer.node.services.pubsub
  // which envelopes came over gossip (the Messenger cannot say: it has one pipeline)
  pubsub.addEventListener('message', evt => {
    if (evt.detail.topic === h.topic) { h.gossipIds.add(envelopeId(evt.detail.data)) }
  })
  // what the shipped validator refuses (wrapped, not replaced)
  const validators = pubsub.topicValidators
  const shipped = validators?.get(h.topic)
  if (validators != null && shipped != null) {
    const record = (data: Uint8Array, result: unknown): void => {
      if (result === 'accept') { return }
      let name = String(result)
      if (result === 'reject') {
        try { checkInboxEnvelope(data) } catch (err: any) { name = err.name }
      }
      note(envelopeId(data), result === 'reject' ? 'validator' : 'ignored', name)
    }
    validators.set(h.topic, (from: unknown, message: { data: Uint8Array }) => {
      const result = shipped(from, message)
      if (result instanceof Promise) { return result.then(r => { record(message.data, r); return r }) }
      record(message.data, result)
      return result
    })
  }
  peer.messenger.addEventListener('message', evt => { h.pending = { ...evt.detail, at: Date.now() } })
  peer.messenger.addEventListener('envelope', evt => {
    const { id, decrypted } = evt.detail
    if (decrypted && h.pending != null) {
      h.received.push({ ...h.pending, source: h.gossipIds.has(id) ? 'gossip' : 'mailbox' })
    }
    // forged copies are told apart at the end (the attacker's registry): what became of every envelope
    note(id, decrypted ? 'decrypted' : 'dropped', decrypted ? 'decrypted' : h.dropNames.get(id.slice(0, 12)) ?? 'unknown')
    h.pending = undefined
  })
}

/**
 * Every honest peer dials its hostile peers, as many of each behaviour, in
 * rounds that dial no node twice (presence's `connect` dials string
 * multiaddrs). Resolves with the dials made and failed.
 */
async function dialHostile (config: SybilConfig, honest: HonestPeer[], hostiles: HostileInfo[], behaviourOf: (j: number) => Behaviour): Promise<{ dialed: number, failed: number }> {
  const pending = honest.map(() => config.hostile === 0 ? [] : pickHostile(config, behaviourOf))
  const links = { dialed: 0, failed: 0 }
  while (pending.some(targets => targets.length > 0)) {
    const started = performance.now()
    const round = new Set<number>()
    const dials: Array<Promise<unknown>> = []
    for (const h of honest) {
      const targets = pending[h.index]
      const at = targets.findIndex(j => !round.has(j))
      if (at === -1 || h.peer == null) { continue }
      const [j] = targets.splice(at, 1)
      round.add(j)
      dials.push(rendezvousPresence(h.peer.node, () => []).connect(hostiles[j].peerId, hostiles[j].addrs))
    }
    const results = await Promise.allSettled(dials)
    links.dialed += results.length
    links.failed += results.filter(r => r.status === 'rejected').length
    await sleep(Math.max(0, DIAL_ROUND_MS - (performance.now() - started)))
  }
  return links
}

/** Contacts by user id (device list from the DHT; presence connects the non-isolated ones directly), one round per contact; resolves with the failures */
async function addContacts (config: SybilConfig, honest: HonestPeer[], progress: (line: string) => void): Promise<number> {
  let failures = 0
  for (let r = 1; r <= config.contacts; r++) {
    const started = performance.now()
    const results = await Promise.allSettled(honest.map(async h => {
      const contact = honest[(h.index + r) % config.honest]
      return h.peer?.messenger.addContact(contact.identity.userId, `contact-${contact.index}`)
    }))
    for (const result of results) {
      if (result.status === 'rejected') {
        // its messages then fail to send, and count as lost
        failures++
        progress(`adding a contact failed: ${result.reason.name}: ${result.reason.message}`)
      }
    }
    await sleep(Math.max(0, DIAL_ROUND_MS - (performance.now() - started)))
  }
  return failures
}

/** Direct connections between open contacts (presence), and how many there should be */
function directContacts (config: SybilConfig, honest: HonestPeer[]): { connected: number, wanted: number } {
  let connected = 0
  let wanted = 0
  for (const h of honest) {
    for (let r = 1; r <= config.contacts; r++) {
      const contact = honest[(h.index + r) % config.honest]
      if (h.isolated || contact.isolated || contact === h) { continue }
      wanted++
      if ((h.peer?.node.getConnections(contact.peer?.node.peerId).length ?? 0) > 0) { connected++ }
    }
  }
  return { connected, wanted }
}

/** Who is in the honest peers' meshes on their own topics */
function meshSnapshot (honest: HonestPeer[], kindOf: Map<string, Kind>): { meshShare: Record<Kind, number>, hostileOnlyMeshes: number } {
  const meshShare: Record<Kind, number> = { drop: 0, delay: 0, corrupt: 0, hub: 0, honest: 0 }
  let total = 0
  let hostileOnlyMeshes = 0
  for (const h of honest) {
    const mesh = (h.peer?.node.services.pubsub.getMeshPeers(h.topic) ?? []) as string[]
    if (mesh.every(id => BEHAVIOURS.includes(kindOf.get(id) as Behaviour))) { hostileOnlyMeshes++ }
    for (const id of mesh) {
      const kind = kindOf.get(id)
      if (kind != null) { meshShare[kind]++ }
      total++
    }
  }
  for (const kind of Object.keys(meshShare) as Kind[]) { meshShare[kind] = total === 0 ? 0 : meshShare[kind] / total }
  return { meshShare, hostileOnlyMeshes }
}

/** Delivered, and how, of what was sent; what was shown that nobody sent */
function books (sent: Sent, honest: HonestPeer[]): Pick<SybilResult, 'delivered' | 'gossip' | 'mailbox' | 'lostAfterSend' | 'toIsolated' | 'latency' | 'unexpected'> {
  let delivered = 0
  let gossip = 0
  let mailbox = 0
  const latencies: number[] = []
  const toIsolated = { sent: 0, gossip: 0, mailbox: 0 }
  const lostAfterSend: string[] = []
  for (const [id, record] of sent) {
    const message = record.to.received.find(m => m.id === id && m.peer === record.from && m.text === record.text)
    if (record.to.isolated) { toIsolated.sent++ }
    if (message == null) {
      lostAfterSend.push(`to an ${record.to.isolated ? 'isolated' : 'open'} peer, published ${record.published}, stored at ${record.stored} mailbox(es)`)
      continue
    }
    delivered++
    if (message.source === 'gossip') {
      gossip++
      latencies.push(message.at - message.sentAt)
    } else {
      mailbox++
    }
    if (record.to.isolated) { toIsolated[message.source]++ }
  }
  let unexpected = 0
  for (const h of honest) {
    for (const message of h.received) {
      const record = sent.get(message.id)
      if (record?.to !== h || record.from !== message.peer || record.text !== message.text) { unexpected++ }
    }
  }
  latencies.sort((a, b) => a - b)
  const latency = { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies[latencies.length - 1] ?? Number.NaN }
  return { delivered, gossip, mailbox, lostAfterSend, toIsolated, latency, unexpected }
}

/** Why a device drops an envelope of its bucket that is for another device */
const NOT_FOR_THIS_DEVICE = new Set(['UnknownSessionError', 'UnknownPrekeyError'])

/** What honest devices did with the forged copies, and which honest envelopes they refused or dropped (never to decrypt them) */
export function forgedOutcomes (forged: Map<string, Corruption>, outcomes: Map<string, Outcome>): { corrupt: CorruptOutcome, honestRefused: Record<string, number> } {
  const corrupt: CorruptOutcome = { published: forged.size, byKind: { bitflip: 0, tail: 0, forged: 0 }, reached: 0, validatorRejected: 0, dropped: 0, ignored: 0, untyped: 0, accepted: 0, errors: {} }
  for (const kind of forged.values()) { corrupt.byKind[kind]++ }
  const honestRefused: Record<string, number> = {}
  for (const [id, { outcome, name }] of outcomes) {
    if (!forged.has(id)) {
      // honest envelopes: decrypted, or dropped as not for this device (a shared bucket), are normal; anything else is listed
      if (outcome !== 'decrypted' && !NOT_FOR_THIS_DEVICE.has(name)) { honestRefused[`${outcome}:${name}`] = (honestRefused[`${outcome}:${name}`] ?? 0) + 1 }
      continue
    }
    corrupt.reached++
    if (outcome === 'decrypted') {
      corrupt.accepted++
    } else if (outcome === 'ignored') {
      corrupt.ignored++
    } else {
      corrupt.errors[name] = (corrupt.errors[name] ?? 0) + 1
      if (!TYPED_ERRORS.has(name)) {
        corrupt.untyped++
      } else if (outcome === 'validator') {
        corrupt.validatorRejected++
      } else {
        corrupt.dropped++
      }
    }
  }
  return { corrupt, honestRefused }
}

/** Mean gossipsub scores honest peers give their connected hubs and hostile peers, and how many hostile links are still open */
function scoresOf (honest: HonestPeer[], kindOf: Map<string, Kind>): { scores: Record<Behaviour | 'hub', number>, open: number } {
  const sums: Record<Behaviour | 'hub', { sum: number, n: number }> = { drop: { sum: 0, n: 0 }, delay: { sum: 0, n: 0 }, corrupt: { sum: 0, n: 0 }, hub: { sum: 0, n: 0 } }
  let open = 0
  for (const h of honest) {
    const pubsub = h.peer?.node.services.pubsub as unknown as { getScore(id: string): number }
    for (const connection of h.peer?.node.getConnections() ?? []) {
      const kind = kindOf.get(connection.remotePeer.toString())
      if (kind == null || kind === 'honest') { continue }
      if (kind !== 'hub') { open++ }
      sums[kind].sum += pubsub.getScore(connection.remotePeer.toString())
      sums[kind].n++
    }
  }
  const scores = Object.fromEntries(Object.entries(sums).map(([kind, { sum, n }]) => [kind, n === 0 ? Number.NaN : sum / n])) as Record<Behaviour | 'hub', number>
  return { scores, open }
}

/** Waits until every sent message is in, or nothing new came for longer than a DELAY peer holds a message */
async function settle (config: SybilConfig, sent: Sent): Promise<number> {
  const count = (): number => [...sent].filter(([id, record]) => record.to.received.some(m => m.id === id && m.peer === record.from && m.text === record.text)).length
  let last = count()
  let lastChange = Date.now()
  const end = Date.now() + 2 * config.delay.max + 10_000
  while (last < sent.size && Date.now() - lastChange < config.delay.max + 1_500 && Date.now() < end) {
    await sleep(100)
    const now = count()
    if (now !== last) {
      last = now
      lastChange = Date.now()
    }
  }
  return last
}

/**
 * Every honest peer to its contacts, a burst to one after the other (a
 * conversation), all peers at once; each send waits for a calm event loop
 */
async function sendTraffic (config: SybilConfig, honest: HonestPeer[], calm: () => Promise<void>, progress: (line: string) => void): Promise<{ sent: Sent, attempts: number, sendTime: number, errors: Record<string, number> }> {
  const sent: Sent = new Map()
  let attempts = 0
  let sendTime = 0
  const errors: Record<string, number> = {}
  const ticker = setInterval(() => {
    progress(`  sent ${sent.size}, delivered ${honest.reduce((n, h) => n + h.received.length, 0)}`)
  }, 10_000)
  try {
    await Promise.all(honest.map(async h => {
      for (let r = 1; r <= config.contacts; r++) {
        for (let m = 0; m < config.messagesPerContact; m++) {
          const to = honest[(h.index + r) % config.honest]
          const text = `sybil ${h.index}->${to.index} #${m} ${crypto.randomUUID()}`
          attempts++
          await calm()
          const began = performance.now()
          try {
            const result = await h.peer!.messenger.send(to.identity.userId, text)
            sendTime += performance.now() - began
            sent.set(result.id, { from: h.identity.userId, to, text, published: result.published, stored: result.stored.successes.length })
          } catch (err: any) {
            errors[err.name] = (errors[err.name] ?? 0) + 1
            progress(`a send failed: ${err.name}: ${err.message} (${h.peer!.node.getConnections().length} connections)`)
          }
        }
      }
    }))
  } finally {
    clearInterval(ticker)
  }
  return { sent, attempts, sendTime, errors }
}

/** Runs one experiment; every node and process it started is stopped before it returns or throws */
export async function runSybilMesh (config: SybilConfig): Promise<SybilResult> {
  const progress = config.progress ?? (() => {})
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  let peakRss = process.memoryUsage().rss
  const rssTimer = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss) }, 500)
  const lag = lagMonitor()
  const calm = async (): Promise<void> => {
    const end = Date.now() + CALM_WAIT_MS
    while (lag.current() > CALM_LAG_MS && Date.now() < end) { await sleep(20 + Math.random() * 30) }
  }
  const phases: Record<string, number> = {}
  let phaseStart = performance.now()
  const phase = (name: string): void => {
    const now = performance.now()
    phases[name] = (now - phaseStart) / 1000
    phaseStart = now
    progress(`${name}: ${phases[name].toFixed(1)} s`)
  }

  const hubs: Hub[] = []
  let honest: HonestPeer[] = []
  let attacker: Attacker | undefined
  /** Envelope id -> what an honest device did with it, when it was not a message shown (decrypted wins) */
  const outcomes = new Map<string, Outcome>()
  const note = (id: string, outcome: Outcome['outcome'], name: string): void => {
    if (outcomes.get(id)?.outcome === 'decrypted') { return }
    outcomes.set(id, { outcome, name })
  }
  let pipelineFailures = 0

  try {
    // identities first: the hubs must know which buckets not to relay, the hostile peers which to join
    honest = await createHonest(config)
    const isolatedTopics = new Set(honest.filter(h => h.isolated).map(h => h.topic))
    const hubTopics = inboxTopics().filter(topic => !isolatedTopics.has(topic))
    for (let i = 0; i < config.hubs; i++) { hubs.push(await startHub({ topics: hubTopics })) }
    const kindOf = new Map<string, Kind>(hubs.map(hub => [hub.node.peerId.toString(), 'hub']))
    phase('identities and hubs')

    const behaviourOf = (j: number): Behaviour => config.behaviours[Math.floor(j * config.behaviours.length / config.hostile)]
    if (config.hostile > 0) {
      attacker = await startAttacker({
        behaviours: Array.from({ length: config.hostile }, (_, j) => behaviourOf(j)),
        topics: honest.map(h => h.topic),
        hubs: hubs.map(hub => hub.addr),
        delay: config.delay,
        corruptShare: config.corruptShare
      })
      for (const node of attacker.nodes) { kindOf.set(node.peerId, node.behaviour) }
    }
    phase('hostile peers')

    await inBatches(honest, 4, async h => {
      await startHonest(h, hubs, note, () => { pipelineFailures++ })
      kindOf.set(h.peer!.node.peerId.toString(), 'honest')
    })
    phase('honest peers')

    const links = await dialHostile(config, honest, attacker?.nodes ?? [], behaviourOf)
    const contactFailures = await addContacts(config, honest, progress)
    const direct = directContacts(config, honest)
    // a gossipsub heartbeat or two, so meshes are built from the connections just made
    await sleep(2_000)
    const { meshShare, hostileOnlyMeshes } = meshSnapshot(honest, kindOf)
    phase('dials and contacts')

    const traffic = await sendTraffic(config, honest, calm, line => {
      progress(`${line}, event loop lag ${lag.current().toFixed(0)} ms, rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`)
    })
    const { sent } = traffic
    for (let u = 0; u < (config.unrecorded ?? 0); u++) {
      const h = honest[u % config.honest]
      await h.peer!.messenger.send(honest[(h.index + 1) % config.honest].identity.userId, `unrecorded ${u}`)
    }
    phase('traffic')

    const deliveredBeforeSync = await settle(config, sent)
    phase('gossip settles')

    if (config.mailboxFallback) {
      await inBatches(honest, 5, async h => { await h.peer?.messenger.sync() })
      phase('mailbox sync')
    }

    const counted = books(sent, honest)
    const report = attacker == null ? { forged: [], cpuSeconds: 0, seen: { drop: 0, delay: 0, corrupt: 0 } } : await attacker.report()
    const { corrupt, honestRefused } = forgedOutcomes(new Map(report.forged), outcomes)
    const { scores, open } = scoresOf(honest, kindOf)
    const stoppedNodes = honest.filter(h => h.peer?.node.status !== 'started').length + hubs.filter(hub => hub.node.status !== 'started').length
    const sendMs = sent.size === 0 ? 0 : traffic.sendTime / sent.size
    const cpu = process.cpuUsage(cpu0)
    return {
      ...counted,
      sent: traffic.attempts,
      sendFailures: traffic.attempts - sent.size,
      sendErrors: traffic.errors,
      lost: traffic.attempts - counted.delivered,
      lostBeforeSync: traffic.attempts - deliveredBeforeSync,
      corrupt,
      honestRefused,
      meshShare,
      hostileOnlyMeshes,
      scores,
      direct,
      hostileLinks: { ...links, open },
      contactFailures,
      sendMs,
      crashes: stoppedNodes + pipelineFailures,
      seconds: (performance.now() - t0) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      attackerCpuSeconds: report.cpuSeconds,
      hostileSeen: report.seen,
      peakRssMiB: peakRss / (1024 * 1024),
      worstLagMs: lag.worst(),
      phases
    }
  } finally {
    clearInterval(rssTimer)
    lag.stop()
    const stopping = performance.now()
    await Promise.allSettled(honest.map(async h => h.peer == null ? h.db.close() : h.peer.stop({ close: true })))
    await attacker?.stop()
    await Promise.allSettled(hubs.map(async hub => hub.stop()))
    progress(`stopped in ${((performance.now() - stopping) / 1000).toFixed(1)} s`)
  }
}
