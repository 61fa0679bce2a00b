/**
 * A byte budget for what a bootstrap node reads, per connection and per host
 * (IP address). Every byte a peer sends costs the node CPU before any limit
 * of a protocol can look at it: noise decrypts it, yamux frames it and grants
 * the stream more window. A connection flood that fills every stream it may
 * open made a node read ~15 MB/s from one host, in event loop turns of
 * 30 to 50 ms, and the honest messages relayed in between waited behind them.
 *
 * Each connection reads up to BOOTSTRAP_CONNECTION_READ_RATE bytes a second
 * (bursts of BOOTSTRAP_CONNECTION_READ_BURST) on its own allowance; what it
 * reads beyond draws on a pool its host shares, BOOTSTRAP_HOST_READ_RATE
 * bytes a second (bursts of BOOTSTRAP_HOST_READ_BURST). A connection that
 * finds its host's pool spent is paused: the node stops reading its socket,
 * TCP pushes back on the sender, and it reads again once the pool has paid
 * back what it owes. Nothing is dropped; a heavy sender is only slowed. A
 * chatty peer behind the same address as a flooder keeps its own allowance,
 * so it is never paused for the flooder's bytes.
 *
 * It is a libp2p `ConnectionProtector`: the upgrader hands it the raw
 * connection before noise, so it counts the bytes on the wire and pauses
 * before any decryption. Relayed connections are not counted (the relay
 * they come through has its own limits).
 */

import { TokenBuckets } from '@hypha/core'
import { hostOf } from './limits.ts'
import type { ConnectionLimits } from './limits.ts'
import type { Connection, ConnectionProtector, MessageStream, StreamMessageEvent } from '@libp2p/interface'

type Multiaddr = Connection['remoteAddr']

/**
 * Bytes a second one connection reads on its own allowance. A Hypha peer's
 * traffic with a bootstrap node (gossip of its inbox topics, mailbox
 * deposits and syncs, DHT queries) is a few KiB a second.
 */
export const BOOTSTRAP_CONNECTION_READ_RATE = 32 * 1024

/** The most a connection's own allowance holds: a handshake, identify, a mailbox page or two */
export const BOOTSTRAP_CONNECTION_READ_BURST = 64 * 1024

/**
 * Bytes a second the connections of one host share beyond their own
 * allowances. Peers behind one NAT share it; a mesh on one machine raises it
 * (`--host-read-rate`).
 */
export const BOOTSTRAP_HOST_READ_RATE = 512 * 1024

/** The most a host's shared pool holds */
export const BOOTSTRAP_HOST_READ_BURST = 1024 * 1024

/** Hosts whose pool the budget remembers (least recently seen forgotten first: it starts again full) */
export const BOOTSTRAP_MAX_BUDGETED_HOSTS = 4_096

/** The budget of an operator's `--host-read-rate` (its pool holds at least a second of it) */
export function readBudgetOf (limits?: ConnectionLimits): InboundBudgetInit | undefined {
  const hostRate = limits?.hostReadRate
  return hostRate == null ? undefined : { hostRate, hostBurst: Math.max(BOOTSTRAP_HOST_READ_BURST, hostRate) }
}

export interface InboundBudgetInit {
  /** Bytes a second per connection (default BOOTSTRAP_CONNECTION_READ_RATE) */
  connectionRate?: number
  /** default BOOTSTRAP_CONNECTION_READ_BURST */
  connectionBurst?: number
  /** Bytes a second per host beyond the connections' own (default BOOTSTRAP_HOST_READ_RATE) */
  hostRate?: number
  /** default BOOTSTRAP_HOST_READ_BURST */
  hostBurst?: number
  /** Clock, in ms */
  now?(): number
}

/** A connection's own allowance: bytes that refill at `rate` a second up to `burst` */
interface Allowance {
  tokens: number
  updatedAt: number
}

function positiveInteger (name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) { throw new RangeError(`${name} must be a positive integer, got ${value}`) }
  return value
}

export class InboundBudget implements ConnectionProtector {
  private readonly connectionRate: number
  private readonly connectionBurst: number
  /** Hosts' shared pools (a byte a token), in debt while a connection of theirs is paused */
  private readonly pools: TokenBuckets
  private readonly now: () => number
  /** Connections paused now */
  paused = 0
  /** Times a connection was paused, since the start */
  pauses = 0
  /** Bytes counted, since the start */
  bytes = 0

  constructor (init: InboundBudgetInit = {}) {
    this.connectionRate = positiveInteger('connectionRate', init.connectionRate ?? BOOTSTRAP_CONNECTION_READ_RATE)
    this.connectionBurst = positiveInteger('connectionBurst', init.connectionBurst ?? BOOTSTRAP_CONNECTION_READ_BURST)
    const hostRate = positiveInteger('hostRate', init.hostRate ?? BOOTSTRAP_HOST_READ_RATE)
    const hostBurst = positiveInteger('hostBurst', init.hostBurst ?? BOOTSTRAP_HOST_READ_BURST)
    this.pools = new TokenBuckets({ burst: hostBurst, interval: 1000 / hostRate, maxBuckets: BOOTSTRAP_MAX_BUDGETED_HOSTS })
    this.now = init.now ?? Date.now
  }

  /** Counts what `connection` reads and pauses it over budget; returns it unchanged */
  async protect (connection: MessageStream): Promise<MessageStream> {
    const remoteAddr = (connection as MessageStream & { remoteAddr?: Multiaddr }).remoteAddr
    const host = remoteAddr == null || remoteAddr.toString().includes('/p2p-circuit') ? undefined : hostOf(remoteAddr)
    if (host == null) { return connection }
    this.watch(connection, host)
    return connection
  }

  private watch (connection: MessageStream, host: string): void {
    const own: Allowance = { tokens: this.connectionBurst, updatedAt: this.now() }
    let timer: ReturnType<typeof setTimeout> | undefined
    const resume = (): void => {
      timer = undefined
      this.paused--
      try {
        connection.resume()
      } catch {
        // closing already
      }
    }
    const onMessage = (evt: StreamMessageEvent): void => {
      const n = evt.data.byteLength
      this.bytes += n
      const now = this.now()
      own.tokens = Math.min(this.connectionBurst, own.tokens + Math.max(0, now - own.updatedAt) * this.connectionRate / 1000)
      own.updatedAt = Math.max(now, own.updatedAt)
      const fromOwn = Math.min(n, own.tokens)
      own.tokens -= fromOwn
      if (fromOwn === n) { return }
      const left = this.pools.spend(host, now, n - fromOwn)
      if (left >= 0 || timer != null || connection.status !== 'open') { return }
      // the pool is spent: read this connection again once the host has paid back what it owes
      try {
        connection.pause()
      } catch {
        return
      }
      this.paused++
      this.pauses++
      timer = setTimeout(resume, Math.ceil(-left * this.pools.interval))
    }
    connection.addEventListener('message', onMessage)
    connection.addEventListener('close', () => {
      connection.removeEventListener('message', onMessage)
      if (timer != null) {
        clearTimeout(timer)
        timer = undefined
        this.paused--
      }
    }, { once: true })
  }
}
