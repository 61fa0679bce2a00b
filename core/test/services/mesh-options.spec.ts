/**
 * The inbox validator's rate per neighbour, the relay allowance, the pacing
 * of a device's own publishes, and the gossipsub score they feed (scored by
 * gossipsub's own PeerScore with Hypha's parameters).
 */

import { createPeerScoreParams, createPeerScoreThresholds, PeerScore, validatePeerScoreParams, validatePeerScoreThresholds } from '@libp2p/gossipsub/score'
import { RejectReason } from '@libp2p/gossipsub/types'
import { expect } from 'aegir/chai'
import { RATCHET_MESSAGE_TYPE } from '../../src/crypto/ratchet.ts'
import { RateLimitedError } from '../../src/errors.ts'
import {
  GRAYLIST_THRESHOLD, INBOX_PUBLISH_BURST, INBOX_PUBLISH_RATE, INBOX_RELAY_BURST, INBOX_RELAY_RECHECK, INBOX_SEND_BURST, INBOX_SEND_RATE, NONCE_LENGTH,
  PUBLIC_KEY_LENGTH, RATCHET_HINT_LENGTH, TAG_LENGTH
} from '../../src/protocol/constants.ts'
import { gossipsubOptions, inboxEnvelopeValidator, inboxTopics, PublishPacer } from '../../src/services/mesh-options.ts'

/** A ratchet message that parses (random header and body): what the validator can check without keys */
function envelope (seed: number): Uint8Array {
  const bytes = new Uint8Array(1 + RATCHET_HINT_LENGTH + PUBLIC_KEY_LENGTH + 2 + NONCE_LENGTH + TAG_LENGTH + 16)
  bytes.fill(seed % 251, 1)
  bytes[0] = RATCHET_MESSAGE_TYPE
  // pn = 0, n = 0 (one-byte varints)
  bytes[1 + RATCHET_HINT_LENGTH + PUBLIC_KEY_LENGTH] = 0
  bytes[2 + RATCHET_HINT_LENGTH + PUBLIC_KEY_LENGTH] = 0
  return bytes
}

const [TOPIC, OTHER] = inboxTopics()
const peer = (id: string): { toString(): string } => ({ toString: () => id })

describe('inbox topics: rate per neighbour and score', () => {
  it('accepts a burst of INBOX_PUBLISH_BURST, then INBOX_PUBLISH_RATE a second, all topics together', () => {
    let now = 0
    const rejected: Error[] = []
    const validate = inboxEnvelopeValidator({ now: () => now, onReject: err => rejected.push(err) })
    const results = Array.from({ length: INBOX_PUBLISH_BURST + 1 }, (_, i) => validate(peer('a'), { data: envelope(i), topic: i % 2 === 0 ? TOPIC : OTHER }))
    expect(results.slice(0, INBOX_PUBLISH_BURST)).to.deep.equal(new Array(INBOX_PUBLISH_BURST).fill('accept'))
    expect(results[INBOX_PUBLISH_BURST]).to.equal('reject')
    expect(rejected).to.have.lengthOf(1)
    expect(rejected[0]).to.be.an.instanceOf(RateLimitedError)
    // another neighbour has its own allowance
    expect(validate(peer('b'), { data: envelope(1), topic: TOPIC })).to.equal('accept')
    // one second later: INBOX_PUBLISH_RATE more, not one more
    now += 1000
    const later = Array.from({ length: INBOX_PUBLISH_RATE + 1 }, (_, i) => validate(peer('a'), { data: envelope(i), topic: TOPIC }))
    expect(later.filter(r => r === 'accept')).to.have.lengthOf(INBOX_PUBLISH_RATE)
  })

  it('still rejects what does not parse, whatever the rate', () => {
    const validate = inboxEnvelopeValidator()
    expect(validate(peer('a'), { data: new Uint8Array([RATCHET_MESSAGE_TYPE, 1, 2]), topic: TOPIC })).to.equal('reject')
    expect(validate(peer('a'), { data: new Uint8Array([0x7f]), topic: TOPIC })).to.equal('reject')
  })

  it('gives a neighbour subscribed to every inbox bucket the relay allowance, and looks again later', () => {
    let now = 0
    const subscribed = new Map(inboxTopics().map(topic => [topic, [peer('relay'), peer('a')]]))
    // 'a' misses one bucket: not a relay
    subscribed.set(OTHER, [peer('relay')])
    const validate = inboxEnvelopeValidator({ now: () => now, subscribers: topic => subscribed.get(topic) ?? [] })
    const send = (id: string, count: number): number => Array.from({ length: count }, (_, i) => validate(peer(id), { data: envelope(i), topic: TOPIC })).filter(r => r === 'accept').length
    expect(send('relay', INBOX_PUBLISH_BURST + INBOX_RELAY_BURST + 10)).to.equal(INBOX_PUBLISH_BURST + INBOX_RELAY_BURST)
    expect(send('a', INBOX_PUBLISH_BURST + 10)).to.equal(INBOX_PUBLISH_BURST)
    // the relay leaves a bucket: once its status is looked up again, it has the allowance of any neighbour
    for (const topic of inboxTopics()) { subscribed.set(topic, []) }
    now += INBOX_RELAY_RECHECK
    const refill = INBOX_PUBLISH_RATE * INBOX_RELAY_RECHECK / 1000
    expect(send('relay', INBOX_PUBLISH_BURST + INBOX_RELAY_BURST)).to.equal(Math.min(INBOX_PUBLISH_BURST, refill))
  })

  it('tracks at most maxPeers neighbours, the least recently seen forgotten (it starts full again)', () => {
    const validate = inboxEnvelopeValidator({ now: () => 0, burst: 1, maxPeers: 2 })
    expect(validate(peer('a'), { data: envelope(1), topic: TOPIC })).to.equal('accept')
    expect(validate(peer('a'), { data: envelope(2), topic: TOPIC })).to.equal('reject')
    expect(validate(peer('b'), { data: envelope(3), topic: TOPIC })).to.equal('accept')
    expect(validate(peer('c'), { data: envelope(4), topic: TOPIC })).to.equal('accept')
    // 'a' was forgotten when 'c' came
    expect(validate(peer('a'), { data: envelope(5), topic: TOPIC })).to.equal('accept')
  })

  it('paces own publishes so that a neighbour never rejects one', async () => {
    let now = 0
    const pacer = new PublishPacer({ now: () => now })
    const validate = inboxEnvelopeValidator({ now: () => now })
    const waits = Array.from({ length: INBOX_SEND_BURST + 2 }, () => pacer.reserve())
    expect(waits.slice(0, INBOX_SEND_BURST)).to.deep.equal(new Array(INBOX_SEND_BURST).fill(0))
    expect(waits[INBOX_SEND_BURST]).to.equal(Math.ceil(1000 / INBOX_SEND_RATE))
    expect(waits[INBOX_SEND_BURST + 1]).to.equal(Math.ceil(2000 / INBOX_SEND_RATE))
    // a sender as fast as the pacer lets it, for a minute: every envelope accepted
    const paced = new PublishPacer({ now: () => now })
    let rejected = 0
    for (let i = 0; i < 60 * INBOX_SEND_RATE; i++) {
      now += paced.reserve()
      if (validate(peer('sender'), { data: envelope(i), topic: TOPIC }) !== 'accept') { rejected++ }
    }
    expect(rejected).to.equal(0)
    const real = new PublishPacer({ burst: 1, rate: 100 })
    const started = Date.now()
    await real.wait()
    await real.wait()
    expect(Date.now() - started).to.be.at.least(9)
  })

  it('scores rejected inbox envelopes with gossipsub: nine on one topic graylist a peer, then it decays back', () => {
    const options = gossipsubOptions()
    const params = createPeerScoreParams(options.scoreParams)
    const thresholds = createPeerScoreThresholds(options.scoreThresholds)
    validatePeerScoreParams(params)
    validatePeerScoreThresholds(thresholds)
    expect(Object.keys(params.topics)).to.have.lengthOf(inboxTopics().length)
    expect(thresholds.graylistThreshold).to.equal(GRAYLIST_THRESHOLD)
    const logger = { forComponent: () => Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false }) }
    const score = new PeerScore(params, null, logger as any, { scoreCacheValidityMs: 0 })
    score.addPeer('flooder')
    score.addPeer('honest')
    for (let i = 0; i < 8; i++) { score.rejectMessage('flooder', `bad-${i}`, TOPIC, RejectReason.Reject) }
    expect(score.score('flooder')).to.be.above(GRAYLIST_THRESHOLD)
    score.rejectMessage('flooder', 'bad-8', TOPIC, RejectReason.Reject)
    expect(score.score('flooder')).to.be.below(GRAYLIST_THRESHOLD)
    // honest traffic (accepted deliveries, a graft, time in the mesh) never lowers a score
    score.graft('honest', TOPIC)
    for (let i = 0; i < 1000; i++) {
      score.validateMessage(`good-${i}`)
      score.deliverMessage('honest', `good-${i}`, TOPIC)
    }
    for (let i = 0; i < 10; i++) { score.refreshScores() }
    expect(score.score('honest')).to.equal(0)
    // the count decays by INBOX_INVALID_DECAY a second: 20 rejections still graylist after a minute, not after 90 s
    for (let i = 9; i < 20; i++) { score.rejectMessage('flooder', `bad-${i}`, TOPIC, RejectReason.Reject) }
    for (let i = 0; i < 60; i++) { score.refreshScores() }
    expect(score.score('flooder')).to.be.below(GRAYLIST_THRESHOLD)
    for (let i = 0; i < 30; i++) { score.refreshScores() }
    expect(score.score('flooder')).to.be.above(GRAYLIST_THRESHOLD)
  })
})
