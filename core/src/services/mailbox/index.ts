/**
 * @packageDocumentation
 *
 * Offline mailboxes (`/hypha/mailbox/1.0.0`, PROTOCOL.md section 18) as two
 * libp2p services: `mailboxServer` stores sealed envelopes for offline
 * devices on a volunteer node, `mailboxClient` deposits, fetches and
 * acknowledges them.
 *
 * An inbox is named by its tag, `mailboxTag(inboxKey)`, a hash of the
 * recipient device's signing key. Anyone may deposit under a tag, paying a
 * small proof of work (a stamp) and within a per-peer rate; the node answers
 * with a receipt signed by its libp2p key once the envelope is on disk. Only
 * the holder of the inbox key can list or delete what the inbox holds: FETCH
 * and ACK are signed over a one-time challenge.
 *
 * @example
 *
 * ```TypeScript
 * import { createLibp2p } from 'libp2p'
 * import { MemoryLevel } from 'memory-level'
 * import { mailboxClient, mailboxServer, mailboxTag } from '@hypha/core'
 *
 * const node = await createLibp2p({ services: { mailbox: mailboxServer({ db: new MemoryLevel() }) } })
 * const alice = await createLibp2p({ services: { mailbox: mailboxClient() } })
 * const bob = await createLibp2p({ services: { mailbox: mailboxClient() } })
 *
 * // Alice deposits for Bob's device, whose signing key pair is bobDevice
 * const receipt = await alice.services.mailbox.deposit(node.peerId, mailboxTag(bobDevice.publicKey), envelope)
 *
 * // Bob, back online, reads and acknowledges
 * const page = await bob.services.mailbox.fetch(node.peerId, bobDevice)
 * await bob.services.mailbox.ack(node.peerId, bobDevice, page.entries.map(entry => entry.hash))
 * ```
 */

import { MailboxClient as MailboxClientClass } from './client.ts'
import { MailboxServer as MailboxServerClass } from './server.ts'
import type { MailboxReceipt, MailboxSigner } from './auth.ts'
import type { Stamp } from './stamp.ts'
import type { MailboxUsage } from './store.ts'
import type {
  AbortOptions, ComponentLogger, Connection, PeerId, PrivateKey, StreamHandler, StreamHandlerOptions
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { AbstractLevel } from 'abstract-level'

export * from './constants.ts'
export { mailboxTag, verifyReceipt, receiptMessage, fetchMessage, ackMessage } from './auth.ts'
export type { MailboxReceipt, MailboxReceiptFields, MailboxSigner } from './auth.ts'
export { mintStamp, checkStamp, stampBits, utcDay } from './stamp.ts'
export type { Stamp } from './stamp.ts'
export type { MailboxUsage } from './store.ts'

/* ---- server ---- */

export interface MailboxServer {
  /** Envelopes and envelope bytes an inbox holds now (expired ones count until swept) */
  usage(tag: Uint8Array): Promise<MailboxUsage>

  /** Envelopes and envelope bytes held for every inbox together */
  readonly total: MailboxUsage

  /** Delete expired envelopes now (the server also does it every sweepInterval ms; a call during a sweep joins it); resolves with how many */
  sweep(): Promise<number>
}

export interface MailboxServerInit {
  /**
   * Where envelopes live: an abstract-level database (classic-level on disk
   * for a bootstrap node). The server uses its sublevel `mailbox` and never
   * closes it.
   */
  db: AbstractLevel<any, any, any>

  /**
   * Leading zero bits a deposit stamp needs, 0 to MAX_STAMP_DIFFICULTY
   *
   * @default MAILBOX_STAMP_DIFFICULTY (17)
   */
  difficulty?: number

  /**
   * How long an envelope is kept, in seconds
   *
   * @default MAILBOX_RETENTION (2592000, 30 days)
   */
  retention?: number

  /**
   * Largest envelope stored, in bytes
   *
   * @default MAILBOX_MAX_ENVELOPE_BYTES (262144)
   */
  maxEnvelopeBytes?: number

  /**
   * Envelopes one inbox may hold
   *
   * @default MAILBOX_QUOTA_COUNT (10000)
   */
  quotaCount?: number

  /**
   * Envelope bytes one inbox may hold
   *
   * @default MAILBOX_QUOTA_BYTES (67108864, 64 MiB)
   */
  quotaBytes?: number

  /**
   * One depositor (remote peer) may hold at most 1/depositorShare of an
   * inbox's quota, count and bytes (but always MAILBOX_DEPOSITOR_MIN_ENVELOPES
   * envelopes and one envelope of maxEnvelopeBytes, within the quota); 1
   * lets one depositor fill an inbox
   *
   * @default MAILBOX_DEPOSITOR_SHARE (8)
   */
  depositorShare?: number

  /**
   * Envelopes the node holds in all; beyond it deposits get E_STORAGE_FULL
   *
   * @default MAILBOX_MAX_TOTAL_COUNT (1000000)
   */
  maxTotalCount?: number

  /**
   * Envelope bytes the node holds in all; beyond it deposits get E_STORAGE_FULL
   *
   * @default MAILBOX_MAX_TOTAL_BYTES (4294967296, 4 GiB)
   */
  maxTotalBytes?: number

  /**
   * Entries in one FETCH page
   *
   * @default MAILBOX_MAX_PAGE_SIZE (64)
   */
  maxPageSize?: number

  /**
   * Bytes of encoded entries in one FETCH page; at least maxEnvelopeBytes + MAILBOX_FRAME_OVERHEAD
   *
   * @default MAILBOX_MAX_PAGE_BYTES (1048576)
   */
  maxPageBytes?: number

  /**
   * Hashes one ACK may name; a longer ACK ends its stream
   *
   * @default MAILBOX_MAX_ACK_HASHES (256)
   */
  maxAckHashes?: number

  /**
   * Largest request frame read, in bytes
   *
   * @default MAILBOX_MAX_FRAME_BYTES (1049600)
   */
  maxFrameBytes?: number

  /**
   * Deposits one remote peer may make at once before the rate applies
   *
   * @default MAILBOX_DEPOSIT_BURST (240)
   */
  depositBurst?: number

  /**
   * After the burst, one deposit per remote peer every this many ms
   *
   * @default MAILBOX_DEPOSIT_INTERVAL (250)
   */
  depositInterval?: number

  /**
   * Remote peers whose deposit rate is tracked at once (least recently seen forgotten first)
   *
   * @default MAILBOX_MAX_RATE_BUCKETS (10000)
   */
  maxRateBuckets?: number

  /**
   * How long a FETCH/ACK challenge stays valid, in ms
   *
   * @default MAILBOX_CHALLENGE_TTL (30000)
   */
  challengeTtl?: number

  /**
   * Requests answered on one stream before it is closed
   *
   * @default MAILBOX_MAX_REQUESTS_PER_STREAM (32)
   */
  maxRequestsPerStream?: number

  /**
   * How long the server waits for each request on a stream, and for each response to be sent, in ms
   *
   * @default MAILBOX_STREAM_TIMEOUT (20000)
   */
  streamTimeout?: number

  /**
   * Concurrent inbound mailbox streams per connection
   *
   * @default MAILBOX_MAX_INBOUND_STREAMS (16)
   */
  maxInboundStreams?: number

  /**
   * How often expired envelopes are deleted, in ms
   *
   * @default MAILBOX_SWEEP_INTERVAL (300000)
   */
  sweepInterval?: number

  /**
   * Accept requests over limited (relayed) connections
   *
   * @default false
   */
  runOnLimitedConnection?: boolean

  /**
   * The clock, ms since the epoch: receipt times, expiry, stamp days, challenges and rates follow it
   *
   * @default Date.now
   */
  now?(): number
}

/** The part of libp2p's registrar the server uses */
export interface MailboxRegistrar {
  handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>
  unhandle(protocol: string, options?: AbortOptions): Promise<void>
}

export interface MailboxServerComponents {
  peerId: PeerId
  /** Signs receipts: must be Ed25519 */
  privateKey: PrivateKey
  registrar: MailboxRegistrar
  logger: ComponentLogger
}

/** A mailbox node: answers INFO, DEPOSIT, CHALLENGE, FETCH and ACK from other peers */
export function mailboxServer (init: MailboxServerInit): (components: MailboxServerComponents) => MailboxServer {
  return (components) => new MailboxServerClass(components, init)
}

/* ---- client ---- */

/** A mailbox node's policy, from INFO */
export interface MailboxInfo {
  /** Leading zero bits a stamp needs */
  difficulty: number
  /** Seconds an envelope is kept */
  retention: number
  maxEnvelopeBytes: number
  /** Envelopes and envelope bytes per inbox */
  quotaCount: number
  quotaBytes: number
  /** Entries and bytes per FETCH page */
  maxPageSize: number
  maxPageBytes: number
  /** Hashes per ACK */
  maxAckHashes: number
}

export interface DepositOptions extends AbortOptions {
  /** Use this stamp instead of minting one (minted elsewhere, say in a worker) */
  stamp?: Stamp
  /** The UTC day to mint the stamp for (days since the epoch); today by default */
  day?: number
}

export interface DepositAllResult {
  /** Verified receipts, one per mailbox that stored the envelope */
  successes: MailboxReceipt[]
  /** The mailboxes that did not, each with its typed error */
  failures: Array<{ peer: PeerId | Multiaddr, error: Error }>
}

export interface FetchOptions extends AbortOptions {
  /** The cursor of the previous page; from the start when omitted */
  cursor?: Uint8Array
  /** Most entries wanted; the mailbox's page size when omitted */
  limit?: number
}

export interface MailboxPageEntry {
  /** SHA-256 of the envelope (checked): what ACK takes */
  hash: Uint8Array
  envelope: Uint8Array
  /** ms since the epoch, the mailbox node's clock */
  storedAt: number
  expiresAt: number
}

export interface MailboxPage {
  /** In deposit order */
  entries: MailboxPageEntry[]
  /** Pass to the next fetch to go on from here (opaque, 8 bytes) */
  cursor: Uint8Array
  /** More entries may follow the cursor */
  more: boolean
}

export interface MailboxClient {
  /** A mailbox node's policy */
  info(peer: PeerId | Multiaddr, options?: AbortOptions): Promise<MailboxInfo>

  /**
   * Store `envelope` for the inbox `tag` at `peer`: asks the node's policy
   * (INFO, cached), mints a stamp, deposits, and checks the receipt against
   * the node dialled. Throws the typed error of a refusal
   * (QuotaExceededError, EnvelopeTooLargeError, InvalidStampError,
   * RateLimitedError), InvalidReceiptError for a receipt that does not verify.
   */
  deposit(peer: PeerId | Multiaddr, tag: Uint8Array, envelope: Uint8Array, options?: DepositOptions): Promise<MailboxReceipt>

  /** Deposit at every peer at once, one stamp minted for all where their difficulties allow */
  depositAll(peers: Array<PeerId | Multiaddr>, tag: Uint8Array, envelope: Uint8Array, options?: DepositOptions): Promise<DepositAllResult>

  /** One page of the inbox of `signer`'s key; UnauthorizedError when the node does not accept the signature */
  fetch(peer: PeerId | Multiaddr, signer: MailboxSigner, options?: FetchOptions): Promise<MailboxPage>

  /** Delete envelopes by hash from the inbox of `signer`'s key; resolves with how many were there */
  ack(peer: PeerId | Multiaddr, signer: MailboxSigner, hashes: Uint8Array[], options?: AbortOptions): Promise<number>
}

export interface MailboxClientInit {
  /**
   * How long one call may take (dial, stamp, requests), in ms
   *
   * @default MAILBOX_CLIENT_TIMEOUT (30000)
   */
  timeout?: number

  /**
   * Concurrent outbound mailbox streams per connection
   *
   * @default MAILBOX_MAX_OUTBOUND_STREAMS (16)
   */
  maxOutboundStreams?: number

  /**
   * Largest response frame read, in bytes
   *
   * @default MAILBOX_MAX_FRAME_BYTES (1049600)
   */
  maxFrameBytes?: number

  /**
   * Highest stamp difficulty this client mints; a mailbox asking more is refused with InvalidStampError
   *
   * @default MAX_STAMP_DIFFICULTY (24)
   */
  maxDifficulty?: number

  /**
   * Send requests over limited (relayed) connections
   *
   * @default false
   */
  runOnLimitedConnection?: boolean
}

/** The part of libp2p's connection manager the client uses */
export interface MailboxConnectionManager {
  openConnection(peer: PeerId | Multiaddr, options?: AbortOptions): Promise<Connection>
}

export interface MailboxClientComponents {
  connectionManager: MailboxConnectionManager
  logger: ComponentLogger
}

/** A mailbox client: deposits envelopes for other devices, fetches and acknowledges this device's own */
export function mailboxClient (init: MailboxClientInit = {}): (components: MailboxClientComponents) => MailboxClient {
  return (components) => new MailboxClientClass(components, init)
}
