/**
 * Inbox topic flood: a peer publishes well-formed envelopes on B's inbox
 * topic at 10 times the allowed rate (INBOX_PUBLISH_RATE) while A talks to B
 * at a chat pace, all over one hub. The hub is the shipped bootstrap node in
 * a process of its own (flood-gossip-hub.ts: its RSS is its own, and it
 * reports its gossipsub score of every peer); the flooder is a raw Hypha
 * libp2p node in another (flood-gossip-publisher.ts: it does not share the
 * honest peers' CPU); A and B are Node peers with Messengers, here.
 *
 * Phases: baseline (A -> B only), attack (the same while flooding), after
 * (the same once the flood stopped, while a control publishes just under the
 * allowed rate, past its burst, on another bucket: it must keep its score).
 */

import { randomBytes } from 'node:crypto'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkInboxEnvelope, constants, envelopeId, inboxTopic, inboxTopics, RATCHET_MESSAGE_TYPE } from '@hypha/core'
import { createPeerNode, dialBootstrap } from '@hypha/node'
import { percentile, startPeerOn, until } from './mesh.ts'
import { Proc } from './processes.ts'
import type { Peer } from './mesh.ts'
import type { Line } from './processes.ts'
import type { Row, Scenario, SuiteOptions } from './report.ts'
import type { PeerNode } from '@hypha/node'

/** The flooder's rate: 10 times what one neighbour may publish */
export const FLOOD_FACTOR = 10

/** How much the hub process may grow during and after the flood (MiB): its tables are bounded, so it must not grow with the flood */
export const FLOOD_RSS_BUDGET_MIB = 64

/** The honest p99 under attack may be at most this many times the baseline p99 of the same run */
export const LATENCY_FACTOR = 3

/** The control publisher's rate, as a share of the allowed rate */
export const CONTROL_SHARE = 0.8

/**
 * How long a graylisted peer may still be heard (s): gossipsub caches a
 * score for a heartbeat (1 s) and lets a peer whose score was >= 0 through
 * for up to 1 s or 128 messages without looking again
 */
export const GRAYLIST_LAG = 1

interface Sizes {
  /** Honest messages per phase (baseline, attack, after) */
  baseline: number
  attack: number
  after: number
  /** Gap between two honest sends (ms): a fast typist */
  interval: number
  /** How long the control publisher publishes (ms) */
  control: number
}

const { RATCHET_HINT_LENGTH } = constants

const FULL: Sizes = { baseline: 40, attack: 80, after: 40, interval: 250, control: 4_000 }
const CI: Sizes = { baseline: 16, attack: 32, after: 12, interval: 250, control: 3_000 }

/** The child scripts next to this file (.ts from the sources, .js once built) */
const script = (name: string): string => fileURLToPath(new URL(`./${name}${extname(fileURLToPath(import.meta.url))}`, import.meta.url))

/** What a raw node uses of gossipsub */
export interface RawPubsub {
  publish(topic: string, data: Uint8Array): Promise<unknown>
}

/**
 * A ratchet message: `tag` as its hint, then a random key, counters 0 and a
 * random body. It passes every check a relay can make without keys, each one
 * is new, and the tag tells the scenario's counters it is the flooder's.
 */
export function floodEnvelope (tag: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(1 + RATCHET_HINT_LENGTH + 32 + 2 + 24 + 64 + 16)
  crypto.getRandomValues(bytes)
  bytes[0] = RATCHET_MESSAGE_TYPE
  bytes.set(tag.subarray(0, RATCHET_HINT_LENGTH), 1)
  // pn = 0, n = 0: one-byte varints
  bytes[1 + RATCHET_HINT_LENGTH + 32] = 0
  bytes[1 + RATCHET_HINT_LENGTH + 32 + 1] = 0
  return bytes
}

const isTagged = (envelope: Uint8Array, tag: Uint8Array): boolean =>
  envelope[0] === RATCHET_MESSAGE_TYPE && tag.every((byte, i) => envelope[1 + i] === byte)

const sleep = async (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))
const fmt = (n: number): string => Number.isFinite(n) ? n.toFixed(n < 10 ? 1 : 0) : String(n)

/**
 * Publishes `rate` tagged envelopes a second on `topic` for `ms`, on a 10 ms
 * clock that catches up, so that the achieved rate is the asked one unless
 * the node cannot keep up (the achieved rate is reported)
 */
export async function publishAt (pubsub: RawPubsub, topic: string, rate: number, ms: number, tag: Uint8Array): Promise<{ published: number, failed: number, seconds: number }> {
  const started = performance.now()
  let published = 0
  let failed = 0
  let attempted = 0
  for (let elapsed = 0; elapsed < ms; elapsed = performance.now() - started) {
    const due = Math.floor(elapsed * rate / 1000) + 1
    const batch: Array<Promise<unknown>> = []
    for (; attempted < due; attempted++) {
      batch.push(pubsub.publish(topic, floodEnvelope(tag)))
    }
    for (const result of await Promise.allSettled(batch)) {
      if (result.status === 'fulfilled') { published++ } else { failed++ }
    }
    await sleep(10)
  }
  return { published, failed, seconds: (performance.now() - started) / 1000 }
}

/** A raw peer node on the hub: the shipped Node peer's libp2p (same gossipsub options as every Hypha node), no Messenger */
export async function rawPeer (hub: string): Promise<PeerNode> {
  const node = await createPeerNode({ bootstrap: [hub], allowLoopback: true, listen: ['/ip4/127.0.0.1/tcp/0'] })
  try {
    const { connected } = await dialBootstrap(node, [hub])
    if (connected === 0) { throw new Error('raw peer: hub not reachable') }
  } catch (err) {
    await node.stop()
    throw err
  }
  return node
}

/** The hub process and its latest status line */
class HubProc {
  readonly proc: Proc
  readonly addr: string
  readonly peerId: string

  private constructor (proc: Proc, addr: string, peerId: string) {
    this.proc = proc
    this.addr = addr
    this.peerId = peerId
  }

  static async start (): Promise<HubProc> {
    const proc = new Proc(script('flood-gossip-hub'), [])
    try {
      const [ready] = await proc.waitFor(line => line.event === 'ready', 1, 30_000)
      return new HubProc(proc, ready.addr, ready.peerId)
    } catch (err) {
      await proc.kill()
      throw err
    }
  }

  private get status (): Line | undefined {
    return this.proc.lines.findLast(line => line.event === 'status')
  }

  /** The hub's gossipsub score of `peer` (NaN while not connected or before the first status) */
  score (peer: string): number {
    return this.status?.scores?.[peer] ?? Number.NaN
  }

  /** What the hub's inbox validator decided on envelopes from `peer` */
  verdicts (peer: string): { accepted: number, rejected: number } {
    return { accepted: 0, rejected: 0, ...this.status?.verdicts?.[peer] }
  }

  /** Resolves after the next status line, which then includes everything up to now */
  async fresh (): Promise<void> {
    const since = Date.now()
    await this.proc.waitFor(line => line.event === 'status' && line.at > since, 1, 5_000)
  }

  rssMiB (): number {
    return this.proc.rssMiB() ?? Number.NaN
  }
}

/** A publisher process (flood-gossip-publisher.ts), in the topic's mesh */
async function startPublisher (hub: string, topic: string, rate: number, ms: number, tag: Uint8Array): Promise<{ proc: Proc, peerId: string }> {
  const proc = new Proc(script('flood-gossip-publisher'), [hub, topic, String(rate), String(ms), Buffer.from(tag).toString('hex')])
  try {
    const [joined] = await proc.waitFor(line => line.event === 'joined', 1, 30_000)
    return { proc, peerId: joined.peerId }
  } catch (err) {
    await proc.kill()
    throw err
  }
}

/** Starts its publishing (SIGUSR2); resolves with its `done` line */
async function publish (publisher: { proc: Proc }, ms: number): Promise<{ published: number, failed: number, seconds: number }> {
  publisher.proc.child.kill('SIGUSR2')
  const [done] = await publisher.proc.waitFor(line => line.event === 'done', 1, ms + 30_000)
  return { published: done.published, failed: done.failed, seconds: done.seconds }
}

interface PhaseResult {
  sent: number
  /** Sorted */
  latencies: number[]
  /** In send order (NaN: not delivered) */
  inOrder: number[]
}

/** A sends `count` messages to B, one every `interval` ms; latency is send() -> B's 'message' */
async function talk (a: Peer, b: Peer, label: string, count: number, interval: number): Promise<PhaseResult> {
  const started = new Map<string, { at: number, i: number }>()
  const inOrder: number[] = new Array(count).fill(Number.NaN)
  const onMessage = (evt: CustomEvent<{ text: string }>): void => {
    const sent = started.get(evt.detail.text)
    if (sent != null) {
      inOrder[sent.i] = performance.now() - sent.at
      started.delete(evt.detail.text)
    }
  }
  b.messenger.addEventListener('message', onMessage as any)
  try {
    const sends: Array<Promise<unknown>> = []
    for (let i = 0; i < count; i++) {
      const text = `${label} ${i} ${Math.random().toString(36).slice(2)}`
      const t0 = performance.now()
      started.set(text, { at: t0, i })
      sends.push(a.messenger.send(b.messenger.userId, text).catch(() => {}))
      await sleep(Math.max(0, interval - (performance.now() - t0)))
    }
    await Promise.all(sends)
    // the last ones may still be on their way
    await until(() => started.size === 0, 5_000)
  } finally {
    b.messenger.removeEventListener('message', onMessage as any)
  }
  return { sent: count, latencies: inOrder.filter(ms => !Number.isNaN(ms)).sort((x, y) => x - y), inOrder }
}

export const gossipFlood: Scenario = async (options: SuiteOptions) => {
  const sizes = options.full ? FULL : CI
  const progress = options.progress ?? (() => {})
  const rate = constants.INBOX_PUBLISH_RATE
  const floodRate = FLOOD_FACTOR * rate
  const graylist = constants.GRAYLIST_THRESHOLD
  const attackMs = sizes.attack * sizes.interval
  // what the flooder's envelopes carry as their hint, so that B's counters know them
  const tag = new Uint8Array(randomBytes(RATCHET_HINT_LENGTH))
  checkInboxEnvelope(floodEnvelope(tag))

  const hub = await HubProc.start()
  const peers: Peer[] = []
  const procs: Proc[] = []
  try {
    const [a, b] = await Promise.all([startPeerOn([hub.addr], 'A'), startPeerOn([hub.addr], 'B')])
    peers.push(a, b)
    await a.messenger.addContact(b.messenger.userId)
    const topic = inboxTopic(b.messenger.identity.device.signing.publicKey)
    // the session and the mesh, before anything is measured
    const warm = await talk(a, b, 'warm-up', 3, sizes.interval)
    if (warm.latencies.length === 0) { throw new Error('A could not reach B before the flood') }

    // the flooder, and the control: a publisher just under the allowed rate, past its burst, on a bucket neither A nor B reads
    const controlRate = Math.floor(CONTROL_SHARE * rate)
    const aTopic = inboxTopic(a.messenger.identity.device.signing.publicKey)
    const controlTopic = inboxTopics().find(t => t !== topic && t !== aTopic) as string
    const [flooder, control] = await Promise.all([
      startPublisher(hub.addr, topic, floodRate, attackMs, tag),
      startPublisher(hub.addr, controlTopic, controlRate, sizes.control, new Uint8Array(randomBytes(RATCHET_HINT_LENGTH)))
    ])
    procs.push(flooder.proc, control.proc)
    // B's side: flood envelopes gossip hands to B, and those B's messenger then processes
    const floodIds = new Set<string>()
    let processedByB = 0
    const onPubsub = (evt: CustomEvent<{ topic: string, data: Uint8Array }>): void => {
      if (evt.detail.topic === topic && isTagged(evt.detail.data, tag)) { floodIds.add(envelopeId(evt.detail.data)) }
    }
    const onEnvelope = (evt: CustomEvent<{ id: string }>): void => {
      if (floodIds.has(evt.detail.id)) { processedByB++ }
    }
    b.node.services.pubsub.addEventListener('message', onPubsub)
    b.messenger.addEventListener('envelope', onEnvelope as any)
    await hub.fresh()
    const scoreBefore = hub.score(flooder.peerId)

    progress(`gossip flood: baseline, ${sizes.baseline} messages A -> B`)
    const baseline = await talk(a, b, 'baseline', sizes.baseline, sizes.interval)

    progress(`gossip flood: attack, ${floodRate} envelopes/s for ${attackMs / 1000} s while A talks to B`)
    const rssBefore = hub.rssMiB()
    let rssDuring = rssBefore
    let minScore = scoreBefore
    let graylistedAfter: number | undefined
    const attack = { running: true, started: performance.now() }
    const sampler = (async () => {
      while (attack.running) {
        rssDuring = Math.max(rssDuring, hub.rssMiB())
        const score = hub.score(flooder.peerId)
        minScore = Math.min(minScore, score)
        if (graylistedAfter == null && score < graylist) { graylistedAfter = (performance.now() - attack.started) / 1000 }
        await sleep(100)
      }
    })()
    const [attacked, published] = await Promise.all([
      talk(a, b, 'attack', sizes.attack, sizes.interval),
      publish(flooder, attackMs)
    ])
    attack.running = false
    await sampler
    progress(`gossip flood: latencies under attack in send order (ms): ${attacked.inOrder.map(ms => Math.round(ms)).join(' ')}`)
    progress(`gossip flood: baseline latencies in send order (ms): ${baseline.inOrder.map(ms => Math.round(ms)).join(' ')}`)
    await hub.fresh()
    const scoreAtEnd = hub.score(flooder.peerId)
    const verdicts = hub.verdicts(flooder.peerId)
    // the honest ones: A at the hub, and the hub at B, which relayed the flood's allowance to B (as a relay: INBOX_RELAY_RATE)
    const aAtHub = hub.score(a.node.peerId.toString())
    const hubAtB = (b.node.services.pubsub as unknown as { getScore(peer: string): number }).getScore(hub.peerId)
    const reachedB = floodIds.size
    const processedDuring = processedByB

    progress(`gossip flood: after, ${sizes.after} messages A -> B; control, ${controlRate} envelopes/s for ${sizes.control / 1000} s`)
    const [after, controlPublished] = await Promise.all([
      talk(a, b, 'after', sizes.after, sizes.interval),
      publish(control, sizes.control)
    ])
    await hub.fresh()
    const rssAfter = hub.rssMiB()
    const scoreAfter = hub.score(flooder.peerId)
    b.node.services.pubsub.removeEventListener('message', onPubsub)
    b.messenger.removeEventListener('envelope', onEnvelope as any)
    // the hub's validation of the last ones
    await until(() => { const v = hub.verdicts(control.peerId); return v.accepted + v.rejected >= controlPublished.published }, 3_000)
    await hub.fresh()
    const controlVerdicts = hub.verdicts(control.peerId)
    const controlScore = hub.score(control.peerId)

    // honest delivery
    const honestSent = baseline.sent + attacked.sent + after.sent
    const delivered = baseline.latencies.length + attacked.latencies.length + after.latencies.length
    const p99Base = percentile(baseline.latencies, 0.99)
    const p99Attack = percentile(attacked.latencies, 0.99)
    const p99After = percentile(after.latencies, 0.99)
    const ratio = p99Attack / p99Base
    // flood
    const floodSeconds = published.seconds
    const achieved = published.published / floodSeconds
    const ignored = Math.max(0, published.published - verdicts.accepted - verdicts.rejected)
    // what the rate lets through: the burst, then the rate until graylisted (plus gossipsub's lag), or for the whole window
    const allowance = Math.ceil(constants.INBOX_PUBLISH_BURST + rate * Math.min(floodSeconds, (graylistedAfter ?? floodSeconds) + GRAYLIST_LAG))

    return [
      {
        area: 'flood',
        name: 'inbox flood: honest delivery A -> B',
        tried: honestSent,
        accepted: delivered,
        rejected: 0,
        untyped: 0,
        crashes: 0,
        lost: honestSent - delivered,
        detail: `p99 ${fmt(p99Attack)} ms under attack vs ${fmt(p99Base)} ms baseline (${fmt(ratio)} x), ${fmt(p99After)} ms after; ` +
          `p50 ${fmt(percentile(attacked.latencies, 0.5))} / ${fmt(percentile(baseline.latencies, 0.5))} ms; ` +
          `${baseline.latencies.length}/${baseline.sent} + ${attacked.latencies.length}/${attacked.sent} + ${after.latencies.length}/${after.sent} delivered; ` +
          `scores after the flood: A at the hub ${fmt(aAtHub)}, the hub at B ${fmt(hubAtB)}`,
        target: `all delivered, p99 <= ${LATENCY_FACTOR}x baseline`,
        met: delivered === honestSent && ratio <= LATENCY_FACTOR && aAtHub >= 0 && hubAtB >= 0
      },
      {
        area: 'flood',
        name: `inbox flood: flooder graylisted (${FLOOD_FACTOR}x ${rate}/s)`,
        tried: published.published,
        accepted: verdicts.accepted,
        rejected: verdicts.rejected,
        untyped: 0,
        crashes: 0,
        lost: 0,
        detail: `flooder score at the hub ${fmt(scoreAtEnd)} at the end of the flood (min ${fmt(minScore)}, ${fmt(scoreBefore)} before, ${fmt(scoreAfter)} after) ` +
          `vs graylist threshold ${graylist}; graylisted after ${graylistedAfter == null ? 'never' : `${graylistedAfter.toFixed(1)} s`}; ` +
          `published ${published.published} in ${floodSeconds.toFixed(1)} s (${fmt(achieved)}/s, ${published.failed} failed), hub accepted ${verdicts.accepted}, ` +
          `rejected ${verdicts.rejected} (over the rate), ignored ${ignored} unvalidated (graylisted)`,
        target: 'score < graylist threshold',
        met: scoreAtEnd < graylist && scoreAfter < graylist && achieved >= 0.8 * floodRate
      },
      {
        area: 'flood',
        name: 'inbox flood: load on B\'s messenger',
        tried: published.published,
        accepted: processedDuring,
        rejected: 0,
        untyped: 0,
        crashes: 0,
        lost: 0,
        detail: `flood envelopes that reached B ${reachedB} (gossip), processed by B's messenger ${processedDuring} (none decrypted); ` +
          `allowance ${allowance} (burst ${constants.INBOX_PUBLISH_BURST} + ${rate}/s until graylisted + ${GRAYLIST_LAG} s)`,
        target: 'capped by the rate until graylisted',
        met: processedDuring <= allowance && reachedB <= allowance
      },
      {
        area: 'flood',
        name: 'inbox flood: memory of the attacked node',
        tried: published.published,
        accepted: 0,
        rejected: 0,
        untyped: 0,
        crashes: 0,
        lost: 0,
        detail: `RSS ${fmt(rssBefore)} MiB before, ${fmt(rssDuring)} MiB at most during, ${fmt(rssAfter)} MiB after ` +
          `(the hub process alone; budget +${FLOOD_RSS_BUDGET_MIB} MiB)`,
        target: `bounded: during, after <= before + ${FLOOD_RSS_BUDGET_MIB} MiB`,
        met: rssDuring <= rssBefore + FLOOD_RSS_BUDGET_MIB && rssAfter <= rssBefore + FLOOD_RSS_BUDGET_MIB
      },
      {
        area: 'flood',
        name: `inbox flood control: publisher at ${controlRate}/s`,
        tried: controlPublished.published,
        accepted: controlVerdicts.accepted,
        rejected: controlVerdicts.rejected,
        untyped: 0,
        crashes: 0,
        lost: 0,
        detail: `score at the hub ${fmt(controlScore)}; published ${controlPublished.published} in ${controlPublished.seconds.toFixed(1)} s ` +
          `(${fmt(controlPublished.published / controlPublished.seconds)}/s, ${controlPublished.failed} failed)`,
        target: 'all accepted, score >= 0 (not graylisted)',
        met: controlPublished.published > 0 && controlVerdicts.accepted === controlPublished.published && controlVerdicts.rejected === 0 && controlScore >= 0
      }
    ] satisfies Row[]
  } finally {
    for (const proc of procs) { await proc.stop() }
    // a peer that fails to stop is not this scenario's finding
    for (const peer of peers) { await peer.stop({ close: true }).catch(() => {}) }
    await hub.proc.stop()
  }
}
