/**
 * The settings every Hypha node gives kad-dht and gossipsub (PROTOCOL.md
 * "Mesh"), as plain option objects so that core does not depend on those
 * packages: node/, browser/ and bootstrap/ pass them to `kadDHT()` and
 * `gossipsub()`.
 */

import { sha256 } from '@noble/hashes/sha2.js'
import { parseRatchetMessage, RATCHET_MESSAGE_TYPE } from '../crypto/ratchet.ts'
import { decodePrekeyEnvelope, PREKEY_ENVELOPE_TYPE } from '../crypto/session.ts'
import { MessageTooLargeError, UnsupportedVersionError } from '../errors.ts'
import { parseGroupEnvelope } from '../groups/check.ts'
import { CHANNEL_POST_TYPE, DHT_PROTOCOL, PING_MAX_OUTBOUND_STREAMS, GROUP_MESSAGE_TYPE, INBOX_BUCKETS, INBOX_TOPIC_PREFIX, KEY_PACKAGE_TYPE, MAX_ENVELOPE_BYTES } from '../protocol/constants.ts'
import { hyphaRecords } from './records/index.ts'

/**
 * kad-dht on Hypha's own protocol with Hypha's validators and selectors.
 * Add `clientMode` and, for loopback tests, `peerInfoMapper: passthroughMapper`.
 */
export function dhtOptions (): { protocol: string } & ReturnType<typeof hyphaRecords> {
  return { protocol: DHT_PROTOCOL, ...hyphaRecords() }
}

/**
 * Gossipsub frames name no author (StrictNoSign) and a message's id is the
 * SHA-256 of its data, the envelope id receivers dedupe on.
 */
export function gossipsubOptions (options: { allowLoopback?: boolean } = {}): {
  globalSignaturePolicy: 'StrictNoSign'
  msgIdFn(message: { data: Uint8Array }): Uint8Array
  maxInboundDataLength: number
  emitSelf: boolean
  scoreParams?: { IPColocationFactorWhitelist: Set<string> }
} {
  return {
    globalSignaturePolicy: 'StrictNoSign',
    msgIdFn: message => sha256(message.data),
    // an RPC frame carries an envelope plus framing
    maxInboundDataLength: MAX_ENVELOPE_BYTES + 64 * 1024,
    emitSelf: false,
    // a local mesh puts every peer on one IP: gossipsub's colocation penalty (more than
    // 10 peers per IP) would prune them all, so loopback is exempt there, and only there
    ...(options.allowLoopback === true ? { scoreParams: { IPColocationFactorWhitelist: new Set(['127.0.0.1', '::1']) } } : {})
  }
}

/** Every inbox bucket topic; a bootstrap node relays them all */
export function inboxTopics (): string[] {
  return Array.from({ length: INBOX_BUCKETS }, (_, i) => INBOX_TOPIC_PREFIX + i.toString(16).padStart(2, '0'))
}

/**
 * Gossipsub topic validator for inbox topics, run by every node that relays or
 * receives them: an envelope over MAX_ENVELOPE_BYTES, of an unknown type, or
 * that does not parse is rejected, which also lowers the sending peer's
 * gossipsub score. Returns gossipsub's TopicValidatorResult values; `onReject`
 * gets the typed error (for the log).
 */
export function inboxEnvelopeValidator (onReject: (err: Error) => void = () => {}): (peer: unknown, message: { data?: Uint8Array }) => 'accept' | 'reject' {
  return (_peer, message) => {
    try {
      checkInboxEnvelope(message.data ?? new Uint8Array(0))
      return 'accept'
    } catch (err: any) {
      onReject(err)
      return 'reject'
    }
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
