/**
 * Connection and stream flood against a `hypha-bootstrap` process.
 *
 * Honest peers A and B (the shipped Node peer and Messenger, in this
 * process) exchange messages through the node before and during the attack;
 * a flooder in a child process (this file run as a script, so its CPU does
 * not slow the honest peers' event loop) opens connections as fast as it
 * can (libp2p dials with fresh keys, and raw TCP sockets that stall in the
 * middle of the handshake) and, on every connection it gets, as many
 * streams as it can on every protocol the node serves, trickling bytes into
 * frames it never finishes. Everything runs on 127.0.0.1: the flooder and
 * the honest peers share one host, which is what the per-host connection
 * rate sees.
 *
 * Measured: honest delivery and send -> 'message' latency (p99 under attack
 * against the baseline of the same run), the node's RSS before, during and
 * after, what the node accepted and refused, whether a peer connecting
 * during the attack got in, and that a fresh peer after the attack still
 * gets the DHT, the mailbox and delivery.
 */

import { connect } from 'node:net'
import { setPriority } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { createPeerNode, dialBootstrap, waitForDht } from '@hypha/node'
import { startPeerOn, percentile, until } from './mesh.ts'
import { Proc, startBootstrap, tempDir } from './processes.ts'
import { isTyped } from './report.ts'
import type { Peer } from './mesh.ts'
import type { BootstrapProc } from './processes.ts'
import type { Row, Scenario, SuiteOptions } from './report.ts'
import type { Connection, Stream } from '@libp2p/interface'

/**
 * The node's RSS may grow by at most this much over its RSS before the
 * attack, during it and after it. One host gets at most
 * BOOTSTRAP_MAX_CONNECTIONS_PER_HOST (32) connections of at most
 * BOOTSTRAP_MAX_STREAMS_PER_CONNECTION (64) streams, at
 * BOOTSTRAP_CONNECTION_RATE (5) connections a second; a held stream of this
 * flood costs the node about 100 KiB as measured (its burst, the socket
 * chunks the burst pins, yamux and handler state), so at most ~200 MiB.
 * Connections over the per-host limits are closed at the TCP accept
 * (`HostGate`), so refusing them makes no garbage; what the held
 * connections send is read at most at the node's read budget (each
 * connection's own allowance and its host's shared pool, inbound-budget.ts),
 * so a flood of bytes costs bounded decryption a second; and the bin caps V8's
 * heap growth (BOOTSTRAP_HEAP_GROWING_PERCENT) and its young generation
 * (BOOTSTRAP_SEMI_SPACE_MIB), so the garbage of the streams becomes neither
 * a heap 4 times the live data nor scavenge pauses longer than the honest
 * messages' own latency (bootstrap/src/runtime.ts). The flood is
 * bounded by the node's limits, not by the attacker's patience.
 */
export const CONNECTION_FLOOD_RSS_BUDGET_MIB = 256

/** Honest p99 latency under attack may be at most this multiple of the baseline p99 (the issue's target) */
export const LATENCY_FACTOR = 3

/** Pause between honest messages: enough of them for a p99 that is not just the maximum, and a chat, not a benchmark */
const SEND_INTERVAL = 60

/** How long a delivery may take before the message counts as lost */
const DELIVERY_TIMEOUT = 20_000

/** What the flooder does; sizes per scale */
export interface FloodPlan {
  /** The node's TCP multiaddr with /p2p/ */
  addr: string
  /** How long the flooder keeps going */
  durationMs: number
  /** libp2p nodes (fresh keys) dialing at once, each with `dialConcurrency` dials in flight */
  nodes: number
  dialConcurrency: number
  /** Raw TCP sockets held open at once, each stalled in the middle of multistream-select */
  rawSockets: number
  /** Streams tried per protocol per connection (above every per-protocol limit) */
  streamsPerProtocol: number
  /** Bytes written at once into each stream (inside a frame announced longer, so never complete) */
  burstBytes: number
  /** Stop dialing once this many connections were accepted (the node's own limit is what the flood is for; this keeps a run's cost known) */
  maxConnections?: number
}

/** What the flooder counted (its last `stats` line) */
export interface FloodStats {
  event: 'stats'
  final: boolean
  dials: { attempted: number, accepted: number, refused: number, closedByNode: number, errors: Record<string, number>, closeReasons: Record<string, number> }
  raw: { attempted: number, connected: number, refusedAtAccept: number, timedOut: number, held: number, failed: number, longestHeldMs: number }
  streams: { attempted: number, opened: number, refused: number, resetByNode: number, held: number, errors: Record<string, number> }
  protocols: string[]
  connectionsHeld: number
}

const SCALES: Record<'ci' | 'full', { baseline: number, attack: number, plan: Omit<FloodPlan, 'addr'> }> = {
  ci: { baseline: 100, attack: 100, plan: { durationMs: 6_000, nodes: 3, dialConcurrency: 8, rawSockets: 64, streamsPerProtocol: 40, burstBytes: 16 * 1024 } },
  full: { baseline: 200, attack: 200, plan: { durationMs: 45_000, nodes: 8, dialConcurrency: 16, rawSockets: 256, streamsPerProtocol: 64, burstBytes: 32 * 1024 } }
}

export interface ConnectionFloodOptions extends SuiteOptions {
  /**
   * Negative control: stop the node (SIGSTOP) this long during the attack,
   * then let it go on (SIGCONT). The latency target must then be missed.
   */
  pauseNodeMs?: number
  /** Extra `hypha-bootstrap` flags */
  nodeArgs?: string[]
  /** Honest messages before and during the attack, each (the scale's by default) */
  messages?: number
}

interface Latencies {
  sent: number
  samples: number[]
}

function stats (samples: number[]): { p50: number, p99: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) }
}

const ms = (n: number): string => Number.isFinite(n) ? `${n.toFixed(0)} ms` : 'n/a'
const loopMs = (ns: number): string => `${(ns / 1e6).toFixed(0)} ms`
const mib = (n: number | undefined): string => n == null ? 'gone' : `${n.toFixed(0)} MiB`

/** Sends `count` messages A -> B, one every SEND_INTERVAL ms; latency is send -> B's 'message' */
async function exchange (a: Peer, b: Peer, count: number, label: string, pending: Map<string, number>, into: Latencies): Promise<void> {
  for (let i = 0; i < count; i++) {
    const text = `${label} ${i} ${crypto.randomUUID()}`
    pending.set(text, performance.now())
    into.sent++
    await a.messenger.send(b.messenger.userId, text)
    await new Promise(resolve => setTimeout(resolve, SEND_INTERVAL))
  }
}

export interface ConnectionFloodResult {
  rows: Row[]
  /** send -> 'message' p99 in ms, before and under attack */
  latency: { baseline: number, underAttack: number }
}

/** Runs the attack with the shipped limits; `pauseNodeMs` is the negative control */
export async function runConnectionFlood (options: ConnectionFloodOptions): Promise<ConnectionFloodResult> {
  const sizes = SCALES[options.full ? 'full' : 'ci']
  const scale = { ...sizes, baseline: options.messages ?? sizes.baseline, attack: options.messages ?? sizes.attack }
  const progress = options.progress ?? (() => {})
  const dir = await tempDir('flood-conn')
  const peers: Peer[] = []
  let node: BootstrapProc | undefined
  let flooder: Proc | undefined
  let stopNewcomer = async (): Promise<void> => {}
  let sampler: ReturnType<typeof setInterval> | undefined
  try {
    node = await startBootstrap(['--data', dir.path, '--listen', '/ip4/127.0.0.1/tcp/0', '--allow-loopback', '--mailbox-difficulty', '8', ...(options.nodeArgs ?? [])])
    const bootstrap = [node.addr]
    // no rendezvous presence: A and B do not dial each other, so every message crosses the attacked node
    const a = await startPeerOn(bootstrap, 'flood-a', { presence: false })
    peers.push(a)
    const b = await startPeerOn(bootstrap, 'flood-b', { presence: false })
    peers.push(b)
    const direct = (): boolean => a.node.getConnections(b.node.peerId).length > 0
    await a.messenger.addContact(b.messenger.userId)
    await b.messenger.addContact(a.messenger.userId)

    const pending = new Map<string, number>()
    const delivered = new Set<string>()
    let current: Latencies = { sent: 0, samples: [] }
    b.messenger.addEventListener('message', evt => {
      const text: string = evt.detail.text
      const start = pending.get(text)
      if (start == null || delivered.has(text)) { return }
      delivered.add(text)
      pending.delete(text)
      current.samples.push(performance.now() - start)
    })

    // warm up: sessions, gossipsub meshes, mailbox lists
    const warm: Latencies = { sent: 0, samples: [] }
    current = warm
    await exchange(a, b, 3, 'warm up', pending, warm)
    await until(() => warm.samples.length === warm.sent, DELIVERY_TIMEOUT)

    const rssBefore = node.proc.rssMiB()
    progress(`flood/connections: baseline, ${scale.baseline} messages, node RSS ${mib(rssBefore)}`)
    const baseline: Latencies = { sent: 0, samples: [] }
    current = baseline
    // this process's own event loop delay: what of a latency is the honest peers' side, not the node's
    const baselineLoop = monitorEventLoopDelay({ resolution: 10 })
    baselineLoop.enable()
    await exchange(a, b, scale.baseline, 'baseline', pending, baseline)
    await until(() => baseline.samples.length === baseline.sent, DELIVERY_TIMEOUT)
    baselineLoop.disable()

    // the peer that joins during the attack, made now: starting a node in this process during the
    // attack would delay A's and B's messages, which is not the node's doing
    const newcomer = await createPeerNode({ bootstrap: [], allowLoopback: true, listen: [] })
    stopNewcomer = async () => { await newcomer.stop() }

    // the attack
    const plan: FloodPlan = { addr: node.addr, ...scale.plan }
    flooder = new Proc(fileURLToPath(import.meta.url), [JSON.stringify(plan)])
    // the attacker's CPU is not the node's: on one machine the flooder yields to the node and the honest peers
    if (flooder.child.pid != null) { setPriority(flooder.child.pid, 19) }
    await flooder.waitFor(line => line.event === 'stats' && (line.dials.accepted > 0 || line.raw.connected > 0), 1, 20_000)
    progress('flood/connections: flooder running')
    let rssDuring = node.proc.rssMiB() ?? 0
    const timeline: number[] = []
    const floodStart = performance.now()
    sampler = setInterval(() => {
      const rss = node?.proc.rssMiB() ?? 0
      rssDuring = Math.max(rssDuring, rss)
      if (performance.now() - floodStart < plan.durationMs) { timeline.push(rss) }
    }, 200)
    const attack: Latencies = { sent: 0, samples: [] }
    current = attack
    const attackLoop = monitorEventLoopDelay({ resolution: 10 })
    attackLoop.enable()
    // a peer that connects while the flood goes on, from the same host as the flooder
    const during = (async () => {
      // once the flooder holds what one host may hold
      await new Promise(resolve => setTimeout(resolve, plan.durationMs / 2))
      const started = performance.now()
      try {
        const { connected } = await dialBootstrap(newcomer, bootstrap)
        if (connected === 0) { return `refused (no connection after ${ms(performance.now() - started)})` }
        if (!await waitForDht(newcomer, 10_000)) { return 'connected, but the DHT server did not show within 10 s' }
        return `got in, DHT server reachable, after ${ms(performance.now() - started)}`
      } catch (err: any) {
        return `refused (${err.name}: ${err.message})`
      }
    })()
    // the negative control stops the node before the first message under attack, so that message waits
    // for it whatever the machine's speed (stopping it at some moment during the exchange raced a fast one)
    if (options.pauseNodeMs != null) { node.proc.child.kill('SIGSTOP') }
    const paused = (async () => {
      if (options.pauseNodeMs == null) { return }
      await new Promise(resolve => setTimeout(resolve, options.pauseNodeMs))
      node?.proc.child.kill('SIGCONT')
    })()
    await exchange(a, b, scale.attack, 'attack', pending, attack)
    await paused
    await until(() => attack.samples.length === attack.sent, DELIVERY_TIMEOUT)
    attackLoop.disable()
    const duringOutcome = await during
    // the flooder stops at the end of its plan; wait for its final count
    const [final] = await flooder.waitFor(line => line.event === 'stats' && line.final === true, 1, plan.durationMs + 30_000)
    await flooder.stop()
    const flood = final as FloodStats
    clearInterval(sampler)
    rssDuring = Math.max(rssDuring, node.proc.rssMiB() ?? 0)
    // where RSS stands in each third of the flood: still climbing at the end, or level
    const third = Math.max(1, Math.floor(timeline.length / 3))
    const peaks = [0, 1, 2].map(i => Math.max(0, ...timeline.slice(i * third, i === 2 ? undefined : (i + 1) * third)))

    // after: the flooder's sockets are gone; a fresh peer must get the DHT, a mailbox and delivery
    await new Promise(resolve => setTimeout(resolve, 2_000))
    const rssAfter = node.proc.rssMiB()
    let serving = false
    let afterDetail = ''
    try {
      const d = await startPeerOn(bootstrap, 'flood-after')
      peers.push(d)
      await d.messenger.addContact(a.messenger.userId)
      const text = `after ${crypto.randomUUID()}`
      const received = new Promise<boolean>(resolve => {
        const timer = setTimeout(() => { resolve(false) }, DELIVERY_TIMEOUT)
        a.messenger.addEventListener('message', evt => {
          if (evt.detail.text === text) {
            clearTimeout(timer)
            resolve(true)
          }
        })
      })
      const result = await d.messenger.send(a.messenger.userId, text)
      serving = (await received) && result.stored.successes.length > 0
      afterDetail = `fresh peer after: DHT lookup ok, ${result.stored.successes.length} mailbox receipt(s), delivered ${serving ? 'yes' : 'no'}`
    } catch (err: any) {
      afterDetail = `fresh peer after: failed (${isTyped(err) ? err.name : 'untyped'}: ${err.message})`
    }
    const alive = node.proc.running
    const viaNode = !direct()

    const base = stats(baseline.samples)
    const under = stats(attack.samples)

    const sent = baseline.sent + attack.sent
    const got = baseline.samples.length + attack.samples.length
    const latencyMet = under.p99 <= LATENCY_FACTOR * base.p99
    const limit = (before: number | undefined, value: number | undefined): boolean => before != null && value != null && value - before <= CONNECTION_FLOOD_RSS_BUDGET_MIB
    const memoryMet = limit(rssBefore, rssDuring) && limit(rssBefore, rssAfter)
    const connTried = flood.dials.attempted + flood.raw.attempted
    const connRefused = flood.dials.refused + flood.raw.refusedAtAccept + flood.raw.timedOut
    const errors = (counts: Record<string, number>): string => Object.entries(counts).map(([name, n]) => `${name} ${n}`).join(', ') || 'none'

    const rows: Row[] = [
      {
        area: 'flood',
        name: 'connection/stream flood: honest delivery',
        tried: sent,
        accepted: got,
        rejected: 0,
        untyped: 0,
        crashes: alive ? 0 : 1,
        lost: sent - got,
        detail: `A->B send->message: baseline p50 ${ms(base.p50)} p99 ${ms(base.p99)} (${baseline.sent} msgs); ` +
          `under attack p50 ${ms(under.p50)} p99 ${ms(under.p99)} (${attack.sent} msgs), p99 ratio ${(under.p99 / base.p99).toFixed(2)}x (target <= ${LATENCY_FACTOR}x); ` +
          `the honest peers' own event loop delay p99/max: baseline ${loopMs(baselineLoop.percentile(99))}/${loopMs(baselineLoop.max)}, under attack ${loopMs(attackLoop.percentile(99))}/${loopMs(attackLoop.max)}` +
          `${options.pauseNodeMs == null ? '' : `; node paused ${options.pauseNodeMs} ms (negative control)`}; ` +
          `a peer connecting during the attack (same host as the flooder): ${duringOutcome}; A and B connected only through the node: ${viaNode ? 'yes' : 'no'}`,
        target: `all delivered, p99 under attack <= ${LATENCY_FACTOR}x baseline`,
        met: alive && viaNode && got === sent && latencyMet
      },
      {
        area: 'flood',
        name: 'connection/stream flood: node memory and service',
        tried: connTried + flood.streams.attempted,
        accepted: flood.dials.accepted + flood.raw.connected + flood.streams.opened,
        rejected: connRefused + flood.streams.refused + flood.streams.resetByNode,
        untyped: 0,
        crashes: alive && serving ? 0 : 1,
        lost: 0,
        detail: `node RSS before ${mib(rssBefore)}, during (max) ${mib(rssDuring)}, after ${mib(rssAfter)} (budget +${CONNECTION_FLOOD_RSS_BUDGET_MIB} MiB); ` +
          `peak RSS in each third of the ${(plan.durationMs / 1000).toFixed(0)} s flood: ${peaks.map(mib).join(', ')}; ` +
          `libp2p dials ${flood.dials.attempted}: ${flood.dials.accepted} accepted, ${flood.dials.refused} refused (${errors(flood.dials.errors)}), ${flood.dials.closedByNode} later closed by the node (${errors(flood.dials.closeReasons)}), ${flood.connectionsHeld} held at the end; ` +
          `raw sockets ${flood.raw.attempted}: ${flood.raw.connected} connected, ${flood.raw.refusedAtAccept} closed at once (refused), ${flood.raw.timedOut} closed by the upgrade timeout (longest held ${ms(flood.raw.longestHeldMs)}), ${flood.raw.held} still open; ` +
          `streams ${flood.streams.attempted} on ${flood.protocols.length} protocols: ${flood.streams.opened} opened, ${flood.streams.refused} refused at open (${errors(flood.streams.errors)}), ` +
          `${flood.streams.resetByNode} reset by the node, ${flood.streams.held} held at the end; ${afterDetail}`,
        target: `RSS within +${CONNECTION_FLOOD_RSS_BUDGET_MIB} MiB before/during/after, node keeps serving`,
        met: alive && serving && memoryMet
      }
    ]
    return { rows, latency: { baseline: base.p99, underAttack: under.p99 } }
  } finally {
    clearInterval(sampler)
    await flooder?.kill()
    for (const peer of peers.reverse()) { await peer.stop({ close: true }).catch(() => {}) }
    await node?.proc.stop()
    await stopNewcomer()
    await dir.remove()
  }
}

export const connectionFlood: Scenario = async options => (await runConnectionFlood(options)).rows

// ---------------------------------------------------------------------------
// The flooder (this file run as a script by `runConnectionFlood`)

/** An unsigned varint */
function varint (n: number): Uint8Array {
  const out: number[] = []
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80)
    n >>>= 7
  }
  out.push(n)
  return Uint8Array.from(out)
}

/** Announces a frame of this many bytes and never finishes it: every length-prefixed reader waits for the rest */
const ANNOUNCED_FRAME = 60_000

/** How often a held stream gets one more byte (under every idle timeout the node has) */
const TRICKLE_INTERVAL = 1_000

/** What a connection to the node offers when identify has not told yet */
const KNOWN_PROTOCOLS = [
  '/ipfs/id/1.0.0', '/ipfs/ping/1.0.0', '/hypha/kad/1.0.0', '/hypha/mailbox/1.0.0', '/rendezvous/1.0.0',
  '/libp2p/circuit/relay/0.2.0/hop', '/meshsub/1.2.0', '/meshsub/1.1.0', '/libp2p/autonat/1.0.0'
]

async function flood (plan: FloodPlan): Promise<void> {
  // imported here: the scenario itself does not need a flooder's libp2p
  const [, host, port] = /\/ip4\/([^/]+)\/tcp\/(\d+)/.exec(plan.addr) ?? []
  // set once the flooder's nodes are up
  let end = Number.POSITIVE_INFINITY
  const running = (): boolean => Date.now() < end

  const stats: FloodStats = {
    event: 'stats',
    final: false,
    dials: { attempted: 0, accepted: 0, refused: 0, closedByNode: 0, errors: {}, closeReasons: {} },
    raw: { attempted: 0, connected: 0, refusedAtAccept: 0, timedOut: 0, held: 0, failed: 0, longestHeldMs: 0 },
    streams: { attempted: 0, opened: 0, refused: 0, resetByNode: 0, held: 0, errors: {} },
    protocols: [],
    connectionsHeld: 0
  }
  const count = (into: Record<string, number>, err: any): void => {
    const name = err?.name == null || err.name === 'Error' ? `Error: ${String(err?.message).slice(0, 60)}` : String(err.name)
    into[name] = (into[name] ?? 0) + 1
  }
  const print = (): void => { process.stdout.write(JSON.stringify(stats) + '\n') }
  const ticker = setInterval(print, 500)

  const held = new Set<Stream>()
  const connections = new Set<Connection>()
  const trickle = setInterval(() => {
    for (const stream of held) {
      if (stream.status === 'open' && !stream.writableNeedsDrain) { stream.send(Uint8Array.of(0)) }
    }
  }, TRICKLE_INTERVAL)

  // raw TCP: connect, write half a multistream-select header, stall; from the second half of the flood on
  const raw = async (): Promise<void> => {
    await new Promise(resolve => setTimeout(resolve, plan.durationMs / 2))
    while (running()) {
      stats.raw.attempted++
      await new Promise<void>(resolve => {
        const opened = Date.now()
        let connected = false
        const socket = connect({ host, port: Number(port) })
        socket.on('connect', () => {
          connected = true
          stats.raw.connected++
          stats.raw.held++
          socket.write('\x13/multistream/1.0')
        })
        socket.on('error', () => {})
        let letGo = false
        socket.on('close', () => {
          const heldMs = Date.now() - opened
          if (!connected) {
            stats.raw.failed++
          } else {
            stats.raw.held--
            // the node closes a socket it refuses at once; one it accepted, when the upgrade times out
            if (!letGo) {
              if (heldMs < 500) { stats.raw.refusedAtAccept++ } else { stats.raw.timedOut++ }
              stats.raw.longestHeldMs = Math.max(stats.raw.longestHeldMs, heldMs)
            }
          }
          resolve()
        })
        // the flooder lets go when its time is up
        const timer = setInterval(() => {
          if (!running()) {
            clearInterval(timer)
            letGo = true
            socket.destroy()
          }
        }, 250)
        socket.on('close', () => { clearInterval(timer) })
      })
    }
  }

  // streams on one connection: every protocol, up to streamsPerProtocol each, in parallel per protocol
  const streams = async (connection: Connection, protocols: string[]): Promise<void> => {
    const burst = new Uint8Array(plan.burstBytes)
    await Promise.all(protocols.map(async protocol => {
      let failures = 0
      for (let i = 0; i < plan.streamsPerProtocol && running() && failures < 3 && connection.status === 'open'; i++) {
        stats.streams.attempted++
        let stream: Stream
        try {
          stream = await connection.newStream(protocol, { maxOutboundStreams: 1_000_000, runOnLimitedConnection: true, signal: AbortSignal.timeout(5_000) })
        } catch (err: any) {
          failures++
          stats.streams.refused++
          count(stats.streams.errors, err)
          continue
        }
        stats.streams.opened++
        held.add(stream)
        stream.addEventListener('close', evt => {
          held.delete(stream)
          // the node reset it (a per-protocol or per-connection limit, a timeout, a bad frame)
          if (evt.local !== true) { stats.streams.resetByNode++ }
        })
        try {
          stream.send(varint(ANNOUNCED_FRAME))
          if (burst.length > 0) { stream.send(burst) }
        } catch {
          // closed by the node already: counted by its close event
        }
      }
    }))
  }

  // the flooder's libp2p nodes (fresh keys), each first reaching the node once the ordinary way
  const nodes = await Promise.all(Array.from({ length: plan.nodes }, async () => {
    const node = await createPeerNode({ bootstrap: [], allowLoopback: true, listen: [] })
    // its own handlers would cap its outbound streams per protocol: a flooder has none
    await node.unhandle(node.getProtocols())
    node.addEventListener('connection:close', evt => {
      if (connections.delete(evt.detail) && running()) { stats.dials.closedByNode++ }
    })
    return node
  }))
  for (const node of nodes) { await dialBootstrap(node, [plan.addr]) }
  // the node's address as a Multiaddr, from those first connections
  const target = nodes.map(node => node.getConnections()[0]?.remoteAddr).find(addr => addr != null)
  if (target == null) { throw new Error('the flooder could not reach the node') }

  const seen = new Set<string>()
  const dialer = async (node: typeof nodes[number]): Promise<void> => {
    while (running() && stats.dials.accepted < (plan.maxConnections ?? Number.POSITIVE_INFINITY)) {
      stats.dials.attempted++
      try {
        const connection = await node.dial(target, { force: true, signal: AbortSignal.timeout(10_000) })
        // concurrent dials to one address may be joined into one connection
        if (seen.has(connection.id)) { continue }
        seen.add(connection.id)
        stats.dials.accepted++
        connections.add(connection)
        connection.addEventListener('close', evt => {
          if (running()) { count(stats.dials.closeReasons, evt.error ?? { name: evt.local === true ? 'local' : 'remote' }) }
        })
        let protocols: string[] = []
        try {
          protocols = (await node.peerStore.get(connection.remotePeer)).protocols
        } catch {
          // identify has not run yet: the known list below
        }
        if (protocols.length === 0) { protocols = KNOWN_PROTOCOLS }
        if (stats.protocols.length === 0) { stats.protocols = protocols }
        void streams(connection, protocols)
      } catch (err: any) {
        stats.dials.refused++
        count(stats.dials.errors, err)
      }
    }
  }

  end = Date.now() + plan.durationMs
  await Promise.all([
    ...nodes.flatMap(node => Array.from({ length: plan.dialConcurrency }, async () => dialer(node))),
    ...Array.from({ length: plan.rawSockets }, raw),
    // the streams go on until the end, whatever the dialers do
    new Promise(resolve => setTimeout(resolve, plan.durationMs))
  ])
  stats.connectionsHeld = [...connections].filter(c => c.status === 'open').length
  clearInterval(trickle)
  clearInterval(ticker)
  stats.streams.held = [...held].filter(s => s.status === 'open').length
  stats.final = true
  print()
  await Promise.all(nodes.map(async node => { await Promise.resolve(node.stop()).catch(() => {}) }))
  process.exit(0)
}

if (process.argv[1] != null && fileURLToPath(import.meta.url) === process.argv[1]) {
  flood(JSON.parse(process.argv[2])).catch(err => {
    process.stderr.write(`flooder failed: ${err?.stack ?? err}\n`)
    process.exit(1)
  })
}
