/**
 * The settings every Hypha node gives kad-dht and gossipsub (PROTOCOL.md
 * "Mesh"), as plain option objects so that core does not depend on those
 * packages: node/, browser/ and bootstrap/ pass them to `kadDHT()` and
 * `gossipsub()`.
 */

import { sha256 } from '@noble/hashes/sha2.js'
import { parseRatchetMessage, RATCHET_MESSAGE_TYPE } from '../crypto/ratchet.ts'
import { decodePrekeyEnvelope, PREKEY_ENVELOPE_TYPE } from '../crypto/session.ts'
import { MessageTooLargeError, RateLimitedError, UnsupportedVersionError } from '../errors.ts'
import { parseGroupEnvelope } from '../groups/check.ts'
import {
  CHANNEL_POST_TYPE, DHT_PROTOCOL, GOSSIP_THRESHOLD, GRAYLIST_THRESHOLD, GROUP_MESSAGE_TYPE, INBOX_BUCKETS, INBOX_INVALID_DECAY, INBOX_INVALID_WEIGHT,
  INBOX_MAX_RATE_PEERS, INBOX_PUBLISH_BURST, INBOX_PUBLISH_RATE, INBOX_RELAY_BURST, INBOX_RELAY_RATE, INBOX_RELAY_RECHECK, INBOX_SEND_BURST,
  INBOX_SEND_RATE, INBOX_TOPIC_PREFIX, INBOX_TOPIC_WEIGHT, KEY_PACKAGE_TYPE, MAX_ENVELOPE_BYTES, PING_MAX_OUTBOUND_STREAMS, PUBLISH_THRESHOLD
} from '../protocol/constants.ts'
import { TokenBuckets } from './mailbox/rate-limit.ts'
import { hyphaRecords } from './records/index.ts'

/**
 * kad-dht on Hypha's own protocol with Hypha's validators and selectors.
 * Add `clientMode` and, for loopback tests, `peerInfoMapper: passthroughMapper`.
 */
export function dhtOptions (): { protocol: string } & ReturnType<typeof hyphaRecords> {
  return { protocol: DHT_PROTOCOL, ...hyphaRecords() }
}

/** gossipsub's per-topic score parameters (`TopicScoreParams` of `@libp2p/gossipsub`), every field set */
export interface InboxTopicScoreParams {
  topicWeight: number
  timeInMeshWeight: number
  timeInMeshQuantum: number
  timeInMeshCap: number
  firstMessageDeliveriesWeight: number
  firstMessageDeliveriesDecay: number
  firstMessageDeliveriesCap: number
  meshMessageDeliveriesWeight: number
  meshMessageDeliveriesDecay: number
  meshMessageDeliveriesCap: number
  meshMessageDeliveriesThreshold: number
  meshMessageDeliveriesWindow: number
  meshMessageDeliveriesActivation: number
  meshFailurePenaltyWeight: number
  meshFailurePenaltyDecay: number
  invalidMessageDeliveriesWeight: number
  invalidMessageDeliveriesDecay: number
}

/**
 * The score of one inbox topic: rejected envelopes only (P4). Every field is
 * given, since gossipsub fills missing ones with its defaults, whose
 * mesh-delivery penalty (P3) would punish a peer for a quiet bucket.
 */
export function inboxTopicScoreParams (): InboxTopicScoreParams {
  return {
    topicWeight: INBOX_TOPIC_WEIGHT,
    timeInMeshWeight: 0,
    timeInMeshQuantum: 1000,
    timeInMeshCap: 0,
    firstMessageDeliveriesWeight: 0,
    firstMessageDeliveriesDecay: 0.5,
    firstMessageDeliveriesCap: 0,
    meshMessageDeliveriesWeight: 0,
    meshMessageDeliveriesDecay: 0.5,
    meshMessageDeliveriesCap: 0,
    meshMessageDeliveriesThreshold: 0,
    meshMessageDeliveriesWindow: 0,
    meshMessageDeliveriesActivation: 1000,
    meshFailurePenaltyWeight: 0,
    meshFailurePenaltyDecay: 0.5,
    invalidMessageDeliveriesWeight: INBOX_INVALID_WEIGHT,
    invalidMessageDeliveriesDecay: INBOX_INVALID_DECAY
  }
}

/**
 * Gossipsub frames name no author (StrictNoSign) and a message's id is the
 * SHA-256 of its data, the envelope id receivers dedupe on. Every inbox
 * topic is scored (`inboxTopicScoreParams`): envelopes the inbox validator
 * rejects lower the neighbour's score, and below GRAYLIST_THRESHOLD all it
 * sends is ignored.
 */
export function gossipsubOptions (options: { allowLoopback?: boolean } = {}): {
  globalSignaturePolicy: 'StrictNoSign'
  msgIdFn(message: { data: Uint8Array }): Uint8Array
  maxInboundDataLength: number
  emitSelf: boolean
  scoreParams: { topics: Record<string, InboxTopicScoreParams>, IPColocationFactorWhitelist?: Set<string> }
  scoreThresholds: { gossipThreshold: number, publishThreshold: number, graylistThreshold: number }
} {
  const topics: Record<string, InboxTopicScoreParams> = {}
  for (const topic of inboxTopics()) { topics[topic] = inboxTopicScoreParams() }
  return {
    globalSignaturePolicy: 'StrictNoSign',
    msgIdFn: message => sha256(message.data),
    // an RPC frame carries an envelope plus framing
    maxInboundDataLength: MAX_ENVELOPE_BYTES + 64 * 1024,
    emitSelf: false,
    scoreParams: {
      topics,
      // a local mesh puts every peer on one IP: gossipsub's colocation penalty (more than
      // 10 peers per IP) would prune them all, so loopback is exempt there, and only there
      ...(options.allowLoopback === true ? { IPColocationFactorWhitelist: new Set(['127.0.0.1', '::1']) } : {})
    },
    scoreThresholds: { gossipThreshold: GOSSIP_THRESHOLD, publishThreshold: PUBLISH_THRESHOLD, graylistThreshold: GRAYLIST_THRESHOLD }
  }
}

/** Every inbox bucket topic; a bootstrap node relays them all */
export function inboxTopics (): string[] {
  return Array.from({ length: INBOX_BUCKETS }, (_, i) => INBOX_TOPIC_PREFIX + i.toString(16).padStart(2, '0'))
}

export interface InboxValidatorInit {
  /** Gets the typed error of each rejected envelope and its topic (for the log) */
  onReject?(err: Error, topic: string): void
  /**
   * gossipsub's `getSubscribers`: a neighbour subscribed to every inbox
   * bucket is a relay and gets INBOX_RELAY_RATE on top. Without it every
   * neighbour is held to INBOX_PUBLISH_RATE.
   */
  subscribers?(topic: string): Iterable<{ toString(): string }>
  /** Overrides of the constants (tests) */
  rate?: number
  burst?: number
  relayRate?: number
  relayBurst?: number
  maxPeers?: number
  /** Clock in ms (tests) */
  now?(): number
}

/** A gossipsub topic validator: its result is one of gossipsub's TopicValidatorResult values */
export type InboxValidator = (peer: { toString(): string }, message: { data?: Uint8Array, topic?: string }) => 'accept' | 'reject'

/**
 * Gossipsub topic validator for inbox topics, run by every node that relays or
 * receives them; give one to every inbox topic of a node (the rate counts all
 * of them together). An envelope over MAX_ENVELOPE_BYTES, of an unknown type,
 * or that does not parse is rejected; so is one past the neighbour's rate
 * (INBOX_PUBLISH_RATE, a relay INBOX_RELAY_RATE more: `RateLimitedError`).
 * A rejection also lowers the neighbour's gossipsub score (see
 * `gossipsubOptions`). `onReject` gets the typed error.
 */
export function inboxEnvelopeValidator (init: InboxValidatorInit | ((err: Error) => void) = {}): InboxValidator {
  const options: InboxValidatorInit = typeof init === 'function' ? { onReject: init } : init
  const now = options.now ?? Date.now
  const maxBuckets = options.maxPeers ?? INBOX_MAX_RATE_PEERS
  const peers = new TokenBuckets({ burst: options.burst ?? INBOX_PUBLISH_BURST, interval: 1000 / (options.rate ?? INBOX_PUBLISH_RATE), maxBuckets })
  const relays = new TokenBuckets({ burst: options.relayBurst ?? INBOX_RELAY_BURST, interval: 1000 / (options.relayRate ?? INBOX_RELAY_RATE), maxBuckets })
  // relay status per neighbour, looked up again after INBOX_RELAY_RECHECK (least recently used dropped first)
  const relayStatus = new Map<string, { relay: boolean, at: number }>()
  const topics = inboxTopics()
  const isRelay = (peer: string, at: number): boolean => {
    const subscribers = options.subscribers
    if (subscribers == null) { return false }
    const known = relayStatus.get(peer)
    relayStatus.delete(peer)
    let status = known
    if (status == null || at - status.at >= INBOX_RELAY_RECHECK) {
      status = { relay: topics.every(topic => [...subscribers(topic)].some(id => id.toString() === peer)), at }
    }
    relayStatus.set(peer, status)
    while (relayStatus.size > maxBuckets) { relayStatus.delete(relayStatus.keys().next().value as string) }
    return status.relay
  }
  return (peer, message) => {
    const envelope = message.data ?? new Uint8Array(0)
    try {
      checkInboxEnvelope(envelope)
      const id = peer.toString()
      const at = now()
      // the relay allowance is only looked at once the neighbour's own is spent
      if (!peers.take(id, at) && !(isRelay(id, at) && relays.take(id, at))) {
        throw new RateLimitedError(`over ${options.rate ?? INBOX_PUBLISH_RATE} inbox envelopes a second from one neighbour`)
      }
      return 'accept'
    } catch (err: any) {
      options.onReject?.(err, message.topic ?? '')
      return 'reject'
    }
  }
}

/**
 * Paces a device's own inbox publishes: `wait()` resolves at once within
 * INBOX_SEND_BURST, then at INBOX_SEND_RATE a second, in call order. Half of
 * what a neighbour accepts, so that honest sending is never rejected.
 */
export class PublishPacer {
  private tokens: number
  private updatedAt: number
  private readonly rate: number
  private readonly burst: number
  private readonly now: () => number

  constructor (options: { rate?: number, burst?: number, now?(): number } = {}) {
    this.rate = options.rate ?? INBOX_SEND_RATE
    this.burst = options.burst ?? INBOX_SEND_BURST
    this.now = options.now ?? Date.now
    this.tokens = this.burst
    this.updatedAt = this.now()
  }

  /** How long the next publish must wait (ms); it is counted, so each call reserves one slot */
  reserve (): number {
    const at = this.now()
    this.tokens = Math.min(this.burst, this.tokens + Math.max(0, at - this.updatedAt) * this.rate / 1000)
    this.updatedAt = Math.max(at, this.updatedAt)
    this.tokens -= 1
    // a negative balance is the queue of publishes already waiting
    return this.tokens >= 0 ? 0 : Math.ceil(-this.tokens * 1000 / this.rate)
  }

  async wait (): Promise<void> {
    const delay = this.reserve()
    if (delay > 0) { await new Promise(resolve => setTimeout(resolve, delay)) }
  }
}

/** Throws the typed error that makes an inbox envelope unacceptable on the wire */
export function checkInboxEnvelope (envelope: Uint8Array): void {
  if (envelope.length > MAX_ENVELOPE_BYTES) {
    throw new MessageTooLargeError(`envelope of ${envelope.length} bytes is over the ${MAX_ENVELOPE_BYTES}-byte limit`)
  }
  if (envelope[0] === PREKEY_ENVELOPE_TYPE) {
    decodePrekeyEnvelope(envelope)
    return
  }
  if (envelope[0] === RATCHET_MESSAGE_TYPE) {
    parseRatchetMessage(envelope)
    return
  }
  if (envelope[0] === GROUP_MESSAGE_TYPE || envelope[0] === KEY_PACKAGE_TYPE || envelope[0] === CHANNEL_POST_TYPE) {
    parseGroupEnvelope(envelope)
    return
  }
  throw new UnsupportedVersionError(`unknown envelope type ${envelope[0]}`)
}

/** Options for `@libp2p/ping` on every Hypha node (see PING_MAX_OUTBOUND_STREAMS) */
export function pingOptions (): { maxOutboundStreams: number } {
  return { maxOutboundStreams: PING_MAX_OUTBOUND_STREAMS }
}
