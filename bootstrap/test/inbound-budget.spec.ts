import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { createLibp2p } from 'libp2p'
import { createBootstrapNode, InboundBudget } from '../src/index.ts'
import type { InboundBudgetInit } from '../src/index.ts'

/** A protocol the test node reads everything of */
const SINK = '/hypha-test/sink/1.0.0'

/** Bytes the heavy client sends */
const SENT = 256 * 1024

/** A small budget, so that the heavy client is over it at once: the test runs in a few seconds */
const BUDGET: InboundBudgetInit = { connectionRate: 8 * 1024, connectionBurst: 8 * 1024, hostRate: 32 * 1024, hostBurst: 32 * 1024 }

/**
 * What a paused connection still takes in: a chunk the socket had read when
 * it was paused, and what Node.js reads ahead up to the socket's high water
 * mark (64 KiB). It is counted when the connection is read again, so the
 * last of it arrives without waiting for its share.
 */
const READ_AHEAD = 2 * 64 * 1024

/** The least time SENT bytes can take under BUDGET (ms) */
const FLOOR_MS = (SENT - BUDGET.connectionBurst! - BUDGET.hostBurst! - READ_AHEAD) / (BUDGET.connectionRate! + BUDGET.hostRate!) * 1000

/** Longest the light client's ping may take while the heavy one is held back (ms); far under the seconds the heavy one waits */
const LIGHT_PING_LIMIT = 1_000

async function client (): Promise<Awaited<ReturnType<typeof createLibp2p<{ ping: ReturnType<ReturnType<typeof ping>> }>>>> {
  return createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()], services: { ping: ping() } })
}

/**
 * A bootstrap node with `readBudget`; one client sends SENT bytes on a stream
 * as fast as it can while a second client on the same host pings the node.
 * Returns how long the bytes took to be read, what arrived, and the pings.
 */
async function heavyAndLight (readBudget: InboundBudgetInit | false): Promise<{ ms: number, received: number, sum: number, pings: number[], pausedDuringPings: boolean, node: Awaited<ReturnType<typeof createBootstrapNode>> }> {
  const node = await createBootstrapNode({ listen: ['/ip4/127.0.0.1/tcp/0'], rendezvous: false, readBudget, connectionManager: { inboundConnectionThreshold: 100 } })
  const [heavy, light] = await Promise.all([client(), client()])
  try {
    let received = 0
    let sum = 0
    const done = new Promise<void>(resolve => {
      void node.handle(SINK, async stream => {
        for await (const chunk of stream) {
          received += chunk.byteLength
          for (const byte of chunk.subarray()) { sum = (sum + byte) % 65_521 }
          if (received >= SENT) { resolve() }
        }
      })
    })
    const addr = node.getMultiaddrs().find(ma => ma.toString().includes('/tcp/') && !ma.toString().includes('/ws'))
    if (addr == null) { throw new Error('no TCP address') }
    await Promise.all([heavy.dial(multiaddr(addr.toString())), light.dial(multiaddr(addr.toString()))])

    const started = Date.now()
    const stream = await heavy.dialProtocol(multiaddr(addr.toString()), SINK)
    const sending = (async () => {
      const chunk = new Uint8Array(4096)
      for (let sent = 0; sent < SENT; sent += chunk.length) {
        chunk.fill((sent / chunk.length) % 251)
        if (!stream.send(chunk)) { await stream.onDrain() }
      }
    })()
    // the light client pings until the bytes are read: every ping while the heavy connection is paused counts
    const pings: number[] = []
    let pausedDuringPings = false
    const read = new AbortController()
    const pinging = (async () => {
      while (!read.signal.aborted) {
        const paused = (node.services.readBudget?.paused ?? 0) > 0
        pings.push(await light.services.ping.ping(multiaddr(addr.toString())))
        if (paused && (node.services.readBudget?.paused ?? 0) > 0) { pausedDuringPings = true }
        await new Promise(resolve => setTimeout(resolve, 100))
      }
    })()
    await done
    const ms = Date.now() - started
    read.abort()
    await Promise.all([sending, pinging])
    return { ms, received, sum, pings, pausedDuringPings, node }
  } finally {
    await Promise.all([heavy.stop(), light.stop()])
    await node.stop()
  }
}

/** What the test sends, summed as the node sums it */
function expectedSum (): number {
  let sum = 0
  for (let sent = 0; sent < SENT; sent += 4096) { sum = (sum + ((sent / 4096) % 251) * 4096) % 65_521 }
  return sum
}

describe('the read budget of a bootstrap node', function () {
  this.timeout(60_000)

  it('holds a heavy connection to its allowance and its host\'s pool, loses nothing, and keeps answering a light connection of the same host', async () => {
    const { ms, received, sum, pings, pausedDuringPings, node } = await heavyAndLight(BUDGET)
    process.stdout.write(`      ${SENT} bytes in ${ms} ms (floor ${Math.round(FLOOR_MS)} ms), ${node.services.readBudget?.pauses} pauses, slowest light ping ${Math.max(...pings)} ms\n`)
    expect(received).to.equal(SENT)
    expect(sum).to.equal(expectedSum())
    // beyond both bursts, the bytes come at most at the two rates together (the handshake's bytes count too)
    expect(ms).to.be.at.least(FLOOR_MS)
    const budget = node.services.readBudget
    expect(budget?.pauses).to.be.at.least(2)
    expect(budget?.bytes).to.be.at.least(SENT)
    // nothing stays paused once the connections are gone
    expect(budget?.paused).to.equal(0)
    // the light client of the same address was answered while the heavy one was paused, and quickly
    expect(pausedDuringPings).to.equal(true)
    expect(Math.max(...pings)).to.be.below(LIGHT_PING_LIMIT)
  })

  it('without a budget the same bytes are read at once (the control: the floor above is the budget\'s doing)', async () => {
    const { ms, received, sum, node } = await heavyAndLight(false)
    process.stdout.write(`      ${SENT} bytes in ${ms} ms without a budget\n`)
    expect(received).to.equal(SENT)
    expect(sum).to.equal(expectedSum())
    expect(ms).to.be.below(FLOOR_MS)
    expect(node.services.readBudget).to.equal(undefined)
  })

  it('refuses rates and bursts that are not positive integers', () => {
    for (const init of [{ connectionRate: 0 }, { connectionBurst: -1 }, { hostRate: 1.5 }, { hostBurst: Number.NaN }]) {
      expect(() => new InboundBudget(init)).to.throw(RangeError)
    }
  })
})
