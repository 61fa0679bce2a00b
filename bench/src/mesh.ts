/**
 * Delivery latency on a loopback mesh: Hypha (encrypt, publish, relay,
 * decrypt, store, receipt) against plain gossipsub carrying a payload of the
 * same size, same topology, same run. Issue target: p50 ratio <= 1.10,
 * p99 ratio <= 1.25, 0 messages lost.
 */

import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { createIdentity, dhtOptions, gossipsubOptions, inboxEnvelopeValidator, inboxTopics, Messenger, saveIdentity } from '@hypha/core'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { randomBytes } from '@noble/hashes/utils.js'
import { createLibp2p } from 'libp2p'
import { MemoryLevel } from 'memory-level'
import { formatNumber, percentile } from './harness.ts'
import type { MessengerMesh } from '@hypha/core'

export const PAYLOAD_BYTES = 256

/**
 * Pause between two sends of one peer (ms): a chat pace that keeps the one
 * process's CPU from queueing. Peer i starts i * SEND_INTERVAL / peers ms
 * after peer 0, as independent devices would, instead of all peers sending at
 * the same instant in the one process (plain and Hypha alike).
 */
export const SEND_INTERVAL = 50

interface Node {
  services: { pubsub: any, dht: any }
  dial(addr: unknown): Promise<unknown>
  getMultiaddrs(): unknown[]
  stop(): Promise<void>
}

async function node (clientMode: boolean): Promise<Node> {
  return await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({ ...dhtOptions(), clientMode, peerInfoMapper: passthroughMapper }) as any,
      pubsub: gossipsub({ ...gossipsubOptions({ allowLoopback: true }) }) as any
    }
  }) as unknown as Node
}

async function stagger (i: number, peers: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, i * SEND_INTERVAL / peers))
}

export interface MeshRow {
  peers: number
  messages: number
  plain: { p50: number, p99: number, lost: number }
  hypha: { p50: number, p99: number, lost: number }
}

function stats (samples: number[], expected: number): { p50: number, p99: number, lost: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), lost: expected - samples.length }
}

/** `peers` peers around one hub; peer i sends `perPeer` messages to peer i+1, all peers at once */
export async function meshBench (peers: number, perPeer: number): Promise<MeshRow> {
  const hub = await node(false)
  for (const topic of inboxTopics()) {
    hub.services.pubsub.topicValidators.set(topic, inboxEnvelopeValidator())
    hub.services.pubsub.subscribe(topic)
  }
  const nodes: Node[] = []
  const messengers: Messenger[] = []
  const dbs: Array<MemoryLevel<string, any>> = []
  try {
    for (let i = 0; i < peers; i++) {
      const n = await node(true)
      await n.dial(hub.getMultiaddrs()[0])
      const db = new MemoryLevel<string, any>()
      await saveIdentity(db, await createIdentity({ oneTimePrekeys: 0 }))
      const m = await Messenger.open({ db, mesh: n.services as unknown as MessengerMesh })
      await m.start()
      nodes.push(n)
      messengers.push(m)
      dbs.push(db)
    }
    const next = (i: number): number => (i + 1) % peers
    for (let i = 0; i < peers; i++) { await messengers[i].addContact(messengers[next(i)].userId) }
    // warm up each session (handshake, mesh) before measuring
    for (let i = 0; i < peers; i++) { await messengers[i].send(messengers[next(i)].userId, 'warm up') }
    await new Promise(resolve => setTimeout(resolve, 1500))

    // plain gossipsub: the same payload size on the same topics
    const plainTopic = (i: number): string => `bench/plain/${i}`
    const plainStart = new Map<string, number>()
    const plainSamples: number[] = []
    nodes.forEach((n, i) => {
      n.services.pubsub.subscribe(plainTopic(i))
      n.services.pubsub.addEventListener('message', (evt: CustomEvent<{ topic: string, data: Uint8Array }>) => {
        if (evt.detail.topic !== plainTopic(i)) { return }
        const key = Buffer.from(evt.detail.data.subarray(0, 16)).toString('hex')
        const start = plainStart.get(key)
        if (start != null) {
          plainSamples.push(performance.now() - start)
          plainStart.delete(key)
        }
      })
    })
    for (const topic of nodes.map((_, i) => plainTopic(i))) { hub.services.pubsub.subscribe(topic) }
    await new Promise(resolve => setTimeout(resolve, 1500))
    await Promise.all(nodes.map(async (n, i) => {
      await stagger(i, peers)
      for (let k = 0; k < perPeer; k++) {
        const payload = randomBytes(PAYLOAD_BYTES)
        plainStart.set(Buffer.from(payload.subarray(0, 16)).toString('hex'), performance.now())
        await n.services.pubsub.publish(plainTopic(next(i)), payload)
        await new Promise(resolve => setTimeout(resolve, SEND_INTERVAL))
      }
    }))
    await new Promise(resolve => setTimeout(resolve, 1500))

    // Hypha: send -> message event at the recipient
    const hyphaStart = new Map<string, number>()
    const hyphaSamples: number[] = []
    messengers.forEach(m => {
      m.addEventListener('message', evt => {
        const start = hyphaStart.get(evt.detail.text.slice(0, 32))
        if (start != null) {
          hyphaSamples.push(performance.now() - start)
          hyphaStart.delete(evt.detail.text.slice(0, 32))
        }
      })
    })
    await Promise.all(messengers.map(async (m, i) => {
      await stagger(i, peers)
      for (let k = 0; k < perPeer; k++) {
        // a 256-byte text: 32 hex characters of id, then padding
        const text = Buffer.from(randomBytes(16)).toString('hex').padEnd(PAYLOAD_BYTES, '.')
        hyphaStart.set(text.slice(0, 32), performance.now())
        await m.send(messengers[next(i)].userId, text)
        await new Promise(resolve => setTimeout(resolve, SEND_INTERVAL))
      }
    }))
    await new Promise(resolve => setTimeout(resolve, 1500))

    return { peers, messages: peers * perPeer, plain: stats(plainSamples, peers * perPeer), hypha: stats(hyphaSamples, peers * perPeer) }
  } finally {
    for (const m of messengers) { await m.stop() }
    for (const n of nodes) { await n.stop() }
    for (const db of dbs) { await db.close() }
    await hub.stop()
  }
}

export function formatMeshRows (rows: MeshRow[]): string {
  const lines = [
    `Mesh delivery on loopback, ${PAYLOAD_BYTES}-byte messages, send -> received (ms); one hub, peer i sends to peer i+1`,
    'peers  messages  plain p50  plain p99  hypha p50  hypha p99  p50 ratio  p99 ratio  lost (plain/hypha)  targets',
    '-----  --------  ---------  ---------  ---------  ---------  ---------  ---------  ------------------  -------'
  ]
  for (const r of rows) {
    const p50 = r.hypha.p50 / r.plain.p50
    const p99 = r.hypha.p99 / r.plain.p99
    const met = p50 <= 1.10 && p99 <= 1.25 && r.hypha.lost === 0
    lines.push([
      String(r.peers).padStart(5), String(r.messages).padStart(8),
      formatNumber(r.plain.p50).padStart(9), formatNumber(r.plain.p99).padStart(9),
      formatNumber(r.hypha.p50).padStart(9), formatNumber(r.hypha.p99).padStart(9),
      `${formatNumber(p50)}x`.padStart(9), `${formatNumber(p99)}x`.padStart(9),
      `${r.plain.lost}/${r.hypha.lost}`.padStart(18),
      `p50<=1.10x p99<=1.25x lost=0: ${met ? 'MET' : 'MISSED'}`
    ].join('  '))
  }
  return lines.join('\n')
}
