/**
 * Hostile peers for the sybil scenario: real libp2p nodes built like a
 * shipped Node peer (`createPeerNode`: same transports, gossipsub with core's
 * options), subscribed to the honest peers' inbox topics, whose gossipsub
 * topic validators misbehave. A validator decides whether gossipsub forwards
 * a message, so the node sits in the mesh (it grafts and is grafted like any
 * peer) while it misbehaves. DROP forwards nothing (every message
 * "ignored": no penalty it could see, nothing in its message cache, so no
 * IHAVE either). DELAY forwards everything, seconds late. CORRUPT forwards
 * nothing of the original and, for a share of the originals it sees
 * (`corruptShare`), publishes an altered copy instead: one flipped bit, a
 * re-randomized tail (header and structure intact), or a fresh well-formed
 * ratchet message under random keys.
 *
 * Each forged copy costs the whole mesh about as much as an honest message
 * (every relay forwards it): with every CORRUPT node forging a copy of every
 * original, a 60-node mesh in one process spent nine tenths of its time on
 * forged copies. Hence the share, and DELAY nodes do not relay the
 * attacker's own forgeries (they would only cost the attacker).
 *
 * All hostile nodes share one `HostileRegistry` (one attacker): the ids of
 * every copy they forged, so a CORRUPT node does not corrupt another's copy
 * (which would cascade) and the scenario can tell forged copies from honest
 * envelopes.
 *
 * The hostile nodes run in a process of their own (sybil-attacker.ts, driven
 * by `startAttacker`): the honest side then has its event loop to itself, as
 * separate machines would.
 */

import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { envelopeId, parseRatchetMessage, RATCHET_MESSAGE_TYPE } from '@hypha/core'
import { createPeerNode } from '@hypha/node'
import { Proc } from './processes.ts'
import type { PeerNode } from '@hypha/node'
import type { PeerId } from '@libp2p/interface'

export const BEHAVIOURS = ['drop', 'delay', 'corrupt'] as const
export type Behaviour = typeof BEHAVIOURS[number]

/** How a CORRUPT node alters an envelope */
export type Corruption = 'bitflip' | 'tail' | 'forged'
const CORRUPTIONS: Corruption[] = ['bitflip', 'tail', 'forged']

/** Bytes of a real envelope's end re-randomized by a `tail` corruption: the AEAD tag and some ciphertext */
const TAIL_BYTES = 24

export interface HostileRegistry {
  /** Envelope id -> how it was made, for every copy a CORRUPT node published */
  forged: Map<string, Corruption>
  /** Originals each behaviour saw (first sight per node) */
  seen: Record<Behaviour, number>
}

export function hostileRegistry (): HostileRegistry {
  return { forged: new Map(), seen: { drop: 0, delay: 0, corrupt: 0 } }
}

export interface Hostile {
  behaviour: Behaviour
  node: PeerNode
  peerId: PeerId
  stop(): Promise<void>
}

export interface HostileOptions {
  behaviour: Behaviour
  /** The inbox topics it joins (the honest peers') */
  topics: string[]
  registry: HostileRegistry
  /** DELAY: how long each message is held, ms (uniform in [min, max]) */
  delay: { min: number, max: number }
  /** CORRUPT: the share of originals it forges a copy of (0 to 1) */
  corruptShare: number
}

/** The gossipsub surface the hostile node changes (core's types stop at what the Messenger uses) */
interface GossipControl {
  topicValidators: Map<string, (peer: unknown, message: { topic: string, data: Uint8Array }) => 'accept' | 'ignore' | 'reject' | Promise<'accept' | 'ignore' | 'reject'>>
  subscribe(topic: string): void
  publish(topic: string, data: Uint8Array): Promise<unknown>
}

function randomBytes (length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length))
}

function randomInt (below: number): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] % below
}

/** An altered copy of `envelope` (never equal to it) */
export function corrupt (envelope: Uint8Array, kind: Corruption): Uint8Array {
  if (kind === 'forged' || envelope.length <= TAIL_BYTES + 1) {
    // a ratchet message that parses: type, hint (4), dh (32), pn 0, n 0, nonce (24), ciphertext + tag
    const forged = new Uint8Array(1 + 4 + 32 + 2 + 24 + 40 + 16)
    forged.set(randomBytes(forged.length))
    forged[0] = RATCHET_MESSAGE_TYPE
    forged[37] = 0
    forged[38] = 0
    parseRatchetMessage(forged)
    return forged
  }
  const copy = envelope.slice()
  if (kind === 'bitflip') {
    // anywhere but the type byte: the header, the counters, the ciphertext, the tag
    const bit = 8 + randomInt((copy.length - 1) * 8)
    copy[bit >> 3] ^= 1 << (bit & 7)
    return copy
  }
  // tail: the structure stays valid (a ratchet message's body and a prekey envelope's last field are opaque bytes)
  copy.set(randomBytes(TAIL_BYTES), copy.length - TAIL_BYTES)
  return copy
}

/** Starts a hostile node on 127.0.0.1 joined to `topics`; dial it (or let it dial) to put it in meshes */
export async function startHostile (options: HostileOptions): Promise<Hostile> {
  const { behaviour, registry } = options
  const node = await createPeerNode({ bootstrap: [], allowLoopback: true, listen: ['/ip4/127.0.0.1/tcp/0'] })
  const pubsub = node.services.pubsub as unknown as GossipControl
  const pending = new Set<{ timer: ReturnType<typeof setTimeout>, resolve(result: 'ignore'): void }>()
  let stopped = false
  let nextCorruption = randomInt(CORRUPTIONS.length)

  const validator = (_peer: unknown, message: { topic: string, data: Uint8Array }): 'accept' | 'ignore' | Promise<'accept' | 'ignore'> => {
    const forgedCopy = registry.forged.has(envelopeId(message.data))
    if (!forgedCopy) { registry.seen[behaviour]++ }
    if (behaviour === 'drop' || stopped) { return 'ignore' }
    if (behaviour === 'delay' && !forgedCopy) {
      const wait = options.delay.min + randomInt(options.delay.max - options.delay.min + 1)
      return new Promise(resolve => {
        const entry = {
          resolve,
          timer: setTimeout(() => {
            pending.delete(entry)
            resolve(stopped ? 'ignore' : 'accept')
          }, wait)
        }
        pending.add(entry)
      })
    }
    // corrupt: an original only (another node's forged copy is not re-corrupted: that would cascade)
    if (behaviour === 'corrupt' && !forgedCopy && Math.random() < options.corruptShare) {
      const kind = CORRUPTIONS[nextCorruption++ % CORRUPTIONS.length]
      const copy = corrupt(message.data, kind)
      registry.forged.set(envelopeId(copy), kind)
      // after the validator returns: gossipsub is still handling the original
      setTimeout(() => {
        if (stopped) { return }
        pubsub.publish(message.topic, copy).catch(() => {})
      }, 0)
    }
    return 'ignore'
  }

  for (const topic of options.topics) {
    pubsub.topicValidators.set(topic, validator)
    pubsub.subscribe(topic)
  }

  return {
    behaviour,
    node,
    peerId: node.peerId,
    stop: async () => {
      stopped = true
      for (const entry of pending) {
        clearTimeout(entry.timer)
        entry.resolve('ignore')
      }
      pending.clear()
      await node.stop()
    }
  }
}

/** What `start` asks of the attacker process */
export interface AttackPlan {
  /** One behaviour per hostile node */
  behaviours: Behaviour[]
  topics: string[]
  /** Hub multiaddrs (with /p2p/) every hostile node joins */
  hubs: string[]
  delay: { min: number, max: number }
  corruptShare: number
}

export interface HostileInfo {
  peerId: string
  addrs: string[]
  behaviour: Behaviour
}

export interface AttackReport {
  forged: Array<[string, Corruption]>
  seen: Record<Behaviour, number>
  /** CPU time of the attacker process, s */
  cpuSeconds: number
}

/** The attacker process (sybil-attacker.ts) and its hostile nodes */
export interface Attacker {
  nodes: HostileInfo[]
  report(): Promise<AttackReport>
  stop(): Promise<void>
}

/** The attacker script next to this file (.ts from the sources, .js once built) */
const ATTACKER_SCRIPT = fileURLToPath(new URL(`./sybil-attacker${extname(fileURLToPath(import.meta.url))}`, import.meta.url))

/** Starts the attacker process and its hostile nodes, joined to the hubs */
export async function startAttacker (plan: AttackPlan, timeout = 120_000): Promise<Attacker> {
  const proc = new Proc(ATTACKER_SCRIPT, [], {}, { stdin: true })
  try {
    proc.send({ cmd: 'start', plan })
    const [started] = await proc.waitFor(line => line.event === 'started', 1, timeout)
    let reports = 0
    return {
      nodes: started.nodes,
      report: async () => {
        reports++
        proc.send({ cmd: 'report' })
        const lines = await proc.waitFor(line => line.event === 'report', reports, 30_000)
        const { forged, seen, cpuSeconds } = lines[reports - 1]
        return { forged, seen, cpuSeconds }
      },
      stop: async () => {
        proc.send({ cmd: 'stop' })
        await proc.waitFor(line => line.event === 'stopped', 1, 30_000).catch(() => {})
        await proc.stop()
      }
    }
  } catch (err) {
    await proc.kill()
    throw err
  }
}
