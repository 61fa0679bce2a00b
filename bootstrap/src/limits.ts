/**
 * What a bootstrap node lets peers open: connections, connection attempts,
 * handshakes in progress, streams. libp2p has a default for each; these are
 * Hypha's, named so that they are set on purpose, documented (PROTOCOL.md
 * sections 14 and 15) and measured by the adversarial suite's connection
 * flood. Every peer of a volunteer node is a stranger.
 *
 * A host (one IP address) opens at most BOOTSTRAP_CONNECTION_RATE
 * connections a second and holds at most BOOTSTRAP_MAX_CONNECTIONS_PER_HOST
 * at once; the node refuses the rest before any handshake work. On TCP it
 * refuses them at accept, before Node.js makes a socket of them
 * (`HostGate`): a flood of connection attempts then costs the node a
 * closed file descriptor each, not the socket, connection and error objects
 * libp2p would build to refuse it (which, at ~13,000 attempts a second,
 * grew a node's heap by ~380 MiB). libp2p's own checks stay behind it, and
 * are the only ones on WebSockets.
 *
 * At most BOOTSTRAP_MAX_PENDING_CONNECTIONS handshakes run at once, each for
 * at most BOOTSTRAP_UPGRADE_TIMEOUT ms, so a socket that stalls in the middle
 * of its handshake holds a slot for a bounded time, and one host (at
 * BOOTSTRAP_CONNECTION_RATE a second) holds at most rate * timeout of them,
 * fewer than the slots there are.
 *
 * At most BOOTSTRAP_MAX_CONNECTIONS connections are open; beyond it new ones
 * are refused at accept (libp2p prunes the newest idle ones if concurrent
 * handshakes overshoot).
 *
 * A connection carries at most BOOTSTRAP_MAX_STREAMS_PER_CONNECTION inbound
 * streams (yamux resets the rest); a stream nobody reads buffers at most
 * BOOTSTRAP_MAX_STREAM_BUFFER bytes; a stream must name its protocol within
 * BOOTSTRAP_STREAM_NEGOTIATION_TIMEOUT ms, and each protocol caps its own
 * streams per connection (the mailbox 16, rendezvous 8, relay hop 32, the DHT
 * BOOTSTRAP_MAX_DHT_STREAMS, gossipsub BOOTSTRAP_MAX_GOSSIPSUB_STREAMS,
 * identify 1, ping 2, autonat 2).
 *
 * The per-host limits are the only ones an attacker cannot get around with
 * more keys; an attacker with many addresses fills BOOTSTRAP_MAX_CONNECTIONS
 * and the pending slots, and then new peers are refused until those
 * connections go (connections open before the flood stay open).
 *
 * Bytes: yamux grants a stream more window as soon as data arrives, whether
 * or not it was read, and a stream nobody reads buffers up to
 * BOOTSTRAP_MAX_STREAM_BUFFER before it is reset, so a connection that fills
 * every stream it may open holds up to BOOTSTRAP_MAX_STREAMS_PER_CONNECTION
 * times that; the per-host cap keeps one host's share of it finite. How fast
 * a host may send them is the read budget's (`InboundBudget`,
 * inbound-budget.ts): per connection and per host, before noise decrypts
 * them, by pausing the socket.
 */

import { BlockList } from 'node:net'
import { TokenBuckets } from '@hypha/core'
import { flagOrEnv, UsageError } from '@hypha/relay-circuit'
import type { Connection, ConnectionGater } from '@libp2p/interface'
import type { IPVersion, SocketAddress } from 'node:net'

type Multiaddr = Connection['remoteAddr']

/** Connections open at once, inbound and outbound (libp2p's default is 300) */
export const BOOTSTRAP_MAX_CONNECTIONS = 512

/**
 * Inbound connections one host (IP address) may open per second; more are
 * refused at accept (libp2p's default). Every peer of a mesh on one machine
 * shares 127.0.0.1, so local meshes raise it (`--connection-rate`).
 */
export const BOOTSTRAP_CONNECTION_RATE = 5

/**
 * Connections one host (IP address) may hold at once; more are refused
 * before their handshake. A peer opens one; peers behind one NAT share an
 * address, so this is four times go-libp2p's resource manager default (8 per
 * IPv4 address), and `--max-connections-per-host` raises it (a large NAT, a
 * mesh on one machine).
 */
export const BOOTSTRAP_MAX_CONNECTIONS_PER_HOST = 32

/** Inbound connections in their handshake (noise, yamux) at once (libp2p's default is 10) */
export const BOOTSTRAP_MAX_PENDING_CONNECTIONS = 128

/** Longest an inbound handshake may take before the socket is closed, in ms (libp2p's default is 10 s) */
export const BOOTSTRAP_UPGRADE_TIMEOUT = 5_000

/** Longest an inbound stream may take to name its protocol, in ms (libp2p's default is 10 s) */
export const BOOTSTRAP_STREAM_NEGOTIATION_TIMEOUT = 5_000

/**
 * Inbound streams one connection may hold at once, whatever their protocol
 * (yamux's default is 1,000). A Hypha peer uses at most about 40 (16 mailbox
 * streams, a few DHT queries, gossipsub, identify, ping, rendezvous, relay).
 */
export const BOOTSTRAP_MAX_STREAMS_PER_CONNECTION = 64

/**
 * Bytes an inbound stream buffers while no reader takes them (yamux's
 * default is 4 MiB): a mailbox frame and some
 */
export const BOOTSTRAP_MAX_STREAM_BUFFER = 2 * 1024 * 1024

/** Inbound DHT streams per connection (kad-dht's default is 32) */
export const BOOTSTRAP_MAX_DHT_STREAMS = 16

/**
 * Inbound gossipsub streams per connection and protocol version: gossipsub
 * keeps one per peer and closes the one it replaces (libp2p's default is 32)
 */
export const BOOTSTRAP_MAX_GOSSIPSUB_STREAMS = 2

/**
 * Hosts whose connection rate `HostGate` remembers, least recently seen
 * forgotten first (a forgotten host starts again with a full allowance)
 */
export const BOOTSTRAP_MAX_TRACKED_HOSTS = 4_096

/** Upper bound an operator may set for `--max-connections` */
export const MAX_BOOTSTRAP_MAX_CONNECTIONS = 100_000

/** Upper bound for `--connection-rate` (connections per second per host) */
export const MAX_BOOTSTRAP_CONNECTION_RATE = 100_000

/** Upper bound for `--max-connections-per-host` */
export const MAX_BOOTSTRAP_CONNECTIONS_PER_HOST = 100_000

/** Upper bound for `--host-read-rate` (bytes per second per host, inbound-budget.ts) */
export const MAX_BOOTSTRAP_HOST_READ_RATE = 1024 * 1024 * 1024

/** The connection flags (parseArgs options) */
export const CONNECTION_FLAGS = {
  'max-connections': { type: 'string' },
  'max-connections-per-host': { type: 'string' },
  'connection-rate': { type: 'string' },
  'host-read-rate': { type: 'string' }
} as const

export interface ConnectionLimits {
  /**
   * Connections open at once
   *
   * @default BOOTSTRAP_MAX_CONNECTIONS
   */
  maxConnections?: number

  /**
   * Inbound connections one host may open per second
   *
   * @default BOOTSTRAP_CONNECTION_RATE
   */
  connectionRate?: number

  /**
   * Connections one host may hold at once
   *
   * @default BOOTSTRAP_MAX_CONNECTIONS_PER_HOST
   */
  connectionsPerHost?: number

  /**
   * Bytes a second the connections of one host share beyond their own
   * allowances (inbound-budget.ts)
   *
   * @default BOOTSTRAP_HOST_READ_RATE
   */
  hostReadRate?: number
}

/**
 * The libp2p connection manager settings of a bootstrap node: the named
 * limits above, with `limits` overriding the two an operator may set
 */
export function connectionManagerOptions (limits: ConnectionLimits = {}): {
  maxConnections: number
  inboundConnectionThreshold: number
  maxIncomingPendingConnections: number
  inboundUpgradeTimeout: number
  inboundStreamProtocolNegotiationTimeout: number
} {
  return {
    maxConnections: limits.maxConnections ?? BOOTSTRAP_MAX_CONNECTIONS,
    inboundConnectionThreshold: limits.connectionRate ?? BOOTSTRAP_CONNECTION_RATE,
    maxIncomingPendingConnections: BOOTSTRAP_MAX_PENDING_CONNECTIONS,
    inboundUpgradeTimeout: BOOTSTRAP_UPGRADE_TIMEOUT,
    inboundStreamProtocolNegotiationTimeout: BOOTSTRAP_STREAM_NEGOTIATION_TIMEOUT
  }
}

function count (flag: string, value: string, max: number): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new UsageError(`--${flag} must be a whole number from 1 to ${max}, got "${value}"`)
  }
  return n
}

/**
 * `--max-connections`, `--max-connections-per-host`, `--connection-rate`
 * and `--host-read-rate`, or their environment variables (`${prefix}_MAX_CONNECTIONS`, ...);
 * unset ones are left out, so the named defaults apply.
 *
 * @throws {UsageError} naming the flag, for a value that is not a whole number in range
 */
export function connectionLimitsFromFlags (values: Record<string, unknown>, env: Record<string, string | undefined>, prefix: string): ConnectionLimits {
  const limits: ConnectionLimits = {}
  const max = flagOrEnv(values, env, prefix, 'max-connections')
  if (max != null) { limits.maxConnections = count('max-connections', max, MAX_BOOTSTRAP_MAX_CONNECTIONS) }
  const rate = flagOrEnv(values, env, prefix, 'connection-rate')
  if (rate != null) { limits.connectionRate = count('connection-rate', rate, MAX_BOOTSTRAP_CONNECTION_RATE) }
  const perHost = flagOrEnv(values, env, prefix, 'max-connections-per-host')
  if (perHost != null) { limits.connectionsPerHost = count('max-connections-per-host', perHost, MAX_BOOTSTRAP_CONNECTIONS_PER_HOST) }
  const readRate = flagOrEnv(values, env, prefix, 'host-read-rate')
  if (readRate != null) { limits.hostReadRate = count('host-read-rate', readRate, MAX_BOOTSTRAP_HOST_READ_RATE) }
  return limits
}

/** The IP address (or host name) a connection comes from, from its multiaddr's first component */
export function hostOf (addr: Multiaddr): string | undefined {
  const host = addr.getComponents()[0]?.value
  return host == null ? undefined : normalizeHost(host)
}

/** How many of `connections` come from (or go to) `host` */
export function connectionsFrom (host: string, connections: Connection[]): number {
  let held = 0
  for (const connection of connections) {
    if (hostOf(connection.remoteAddr) === host) { held++ }
  }
  return held
}

/**
 * A connection gater that refuses an inbound connection from a host that
 * already holds `perHost` connections to `node` (counted when the
 * connection is accepted, before its handshake)
 */
export function perHostGater (perHost: number, connections: () => Connection[]): ConnectionGater {
  return {
    denyInboundConnection: (maConn) => {
      const host = hostOf(maConn.remoteAddr)
      return host != null && connectionsFrom(host, connections()) >= perHost
    }
  }
}

/** An IPv4 address in IPv6 form (`::ffff:1.2.3.4`, from a dual-stack socket) as the IPv4 address */
export function normalizeHost (host: string): string {
  return host.toLowerCase().startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host
}

export interface HostGateInit {
  /** Connections one host may open per second (and at once after a pause) */
  rate: number
  /** Connections one host may hold at once */
  perHost: number
  /** Connections `host` holds now */
  held(host: string): number
  /** Clock, in ms */
  now?(): number
}

/**
 * The per-host limits at the TCP accept: Node.js asks a server's
 * `blockList` about every connection it accepts, before it makes a socket
 * of it, and closes the ones it blocks. This one blocks a host over its rate
 * (a token bucket per host, `rate` a second) or already holding `perHost`
 * connections. Pass it as `tcp({ listenOpts: { blockList } })`.
 */
export class HostGate extends BlockList {
  private readonly buckets: TokenBuckets
  private readonly perHost: number
  private readonly held: (host: string) => number
  private readonly now: () => number
  /** Connections this gate closed at accept */
  refused = 0

  constructor (init: HostGateInit) {
    super()
    if (!Number.isSafeInteger(init.rate) || init.rate < 1) { throw new RangeError(`rate must be a positive integer, got ${init.rate}`) }
    if (!Number.isSafeInteger(init.perHost) || init.perHost < 1) { throw new RangeError(`perHost must be a positive integer, got ${init.perHost}`) }
    this.buckets = new TokenBuckets({ burst: init.rate, interval: 1000 / init.rate, maxBuckets: BOOTSTRAP_MAX_TRACKED_HOSTS })
    this.perHost = init.perHost
    this.held = init.held
    this.now = init.now ?? Date.now
  }

  /** True (blocked) for a host over its rate or at its connection cap, or for an address added with `addAddress` and the like */
  override check (address: SocketAddress): boolean
  override check (address: string, type?: IPVersion): boolean
  override check (address: string | SocketAddress, type?: IPVersion): boolean {
    if (typeof address !== 'string') { return super.check(address) }
    if (super.check(address, type)) { return true }
    const host = normalizeHost(address)
    // the rate first: it is cheap, and a flood spends it at once
    if (!this.buckets.take(host, this.now()) || this.held(host) >= this.perHost) {
      this.refused++
      return true
    }
    return false
  }
}
