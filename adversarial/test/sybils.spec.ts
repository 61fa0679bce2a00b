/* eslint-disable no-console */
/**
 * Sybils, scaled down: 6 honest peers and 12 hostile ones (drop, delay,
 * corrupt) on the same inbox topics; at least 99.9% of honest messages
 * delivered by gossip plus the mailbox fallback, no forged or altered copy
 * shown. Plus the negative control: honest peers whose every gossip path
 * runs through DROP peers lose everything to gossip alone, and the counting
 * says so; a message shown that no one recorded as sent is counted.
 */

import { expect } from 'aegir/chai'
import { formatReport } from '../src/report.ts'
import { forgedOutcomes, runSybilMesh } from '../src/sybil-mesh.ts'
import { sybilConfig, sybilRows } from '../src/sybils.ts'
import type { Corruption } from '../src/sybil-hostile.ts'
import type { Outcome, SybilConfig } from '../src/sybil-mesh.ts'

const progress = (line: string): void => { console.info(`  [sybil] ${line}`) }

describe('adversarial: sybils', function () {
  this.timeout(240_000)

  it('the counting: a forged copy that decrypted is accepted, an untyped refusal is untyped, an honest envelope refused or dropped is listed (negative control)', () => {
    const forged = new Map<string, Corruption>([['f1', 'bitflip'], ['f2', 'tail'], ['f3', 'forged'], ['f4', 'bitflip'], ['f5', 'tail']])
    const outcomes = new Map<string, Outcome>([
      ['f1', { outcome: 'decrypted', name: 'decrypted' }],
      ['f2', { outcome: 'dropped', name: 'DecryptionError' }],
      ['f3', { outcome: 'validator', name: 'MalformedMessageError' }],
      ['f4', { outcome: 'dropped', name: 'TypeError' }],
      ['h1', { outcome: 'decrypted', name: 'decrypted' }],
      ['h2', { outcome: 'dropped', name: 'UnknownSessionError' }],
      ['h3', { outcome: 'validator', name: 'RateLimitedError' }],
      ['h4', { outcome: 'dropped', name: 'RateLimitedError' }]
    ])
    const { corrupt, honestRefused } = forgedOutcomes(forged, outcomes)
    expect(corrupt).to.include({ published: 5, reached: 4, accepted: 1, dropped: 1, validatorRejected: 1, untyped: 1, ignored: 0 })
    expect(corrupt.byKind).to.deep.equal({ bitflip: 2, tail: 2, forged: 1 })
    expect(honestRefused).to.deep.equal({ 'validator:RateLimitedError': 1, 'dropped:RateLimitedError': 1 })
  })

  it('6 honest + 12 hostile peers: every honest message delivered (gossip plus mailboxes), no corrupted copy accepted', async () => {
    const config = sybilConfig({ full: false, progress })
    const result = await runSybilMesh(config)
    const rows = sybilRows(config, result)
    console.info(formatReport(rows))
    const [delivery, corrupted] = rows
    expect(delivery.tried).to.equal(6 * 3 * 5)
    expect(result.sendFailures, JSON.stringify(result.sendErrors)).to.equal(0)
    expect(delivery.lost, delivery.detail).to.equal(0)
    expect(delivery.crashes, delivery.detail).to.equal(0)
    expect(delivery.met, delivery.detail).to.equal(true)
    expect(result.gossip + result.mailbox).to.equal(result.delivered)
    // the attack was real: hostile peers filled the honest meshes and their forged copies reached honest devices
    expect(result.meshShare.drop + result.meshShare.delay + result.meshShare.corrupt).to.be.greaterThan(0.5)
    expect(corrupted.tried).to.be.greaterThan(0)
    expect(corrupted.rejected, corrupted.detail).to.be.greaterThan(0)
    expect(corrupted.accepted, corrupted.detail).to.equal(0)
    expect(corrupted.untyped, corrupted.detail).to.equal(0)
    expect(corrupted.met, corrupted.detail).to.equal(true)
  })

  it('negative control: gossip only through DROP peers loses every message without the mailboxes, and a message nobody recorded is counted as shown', async () => {
    const config: SybilConfig = {
      hubs: 1,
      honest: 2,
      isolated: 2,
      hostile: 3,
      behaviours: ['drop'],
      dialsPerHonest: 3,
      contacts: 1,
      messagesPerContact: 4,
      delay: { min: 0, max: 0 },
      corruptShare: 0,
      mailboxFallback: true,
      unrecorded: 1,
      progress
    }
    const result = await runSybilMesh(config)
    const rows = sybilRows(config, result)
    console.info(formatReport(rows))
    expect(result.sent).to.equal(2 * 4)
    expect(result.sendFailures, JSON.stringify(result.sendErrors)).to.equal(0)
    // gossip alone: all lost, and counted lost
    expect(result.meshShare.drop).to.equal(1)
    expect(result.gossip).to.equal(0)
    expect(result.lostBeforeSync).to.equal(result.sent)
    // the mailboxes bring every one, counted as such
    expect(result.mailbox).to.equal(result.sent)
    expect(result.lost).to.equal(0)
    // the unrecorded message was shown, and nobody sent it as far as the books know: the row must fail
    expect(result.unexpected).to.equal(1)
    expect(rows[1].accepted).to.equal(1)
    expect(rows[1].met).to.equal(false)
  })

  it('negative control: without the mailbox fallback the delivery row reports the losses and misses its target', async () => {
    const config: SybilConfig = {
      hubs: 1,
      honest: 2,
      isolated: 2,
      hostile: 3,
      behaviours: ['drop'],
      dialsPerHonest: 3,
      contacts: 1,
      messagesPerContact: 2,
      delay: { min: 0, max: 0 },
      corruptShare: 0,
      mailboxFallback: false,
      progress
    }
    const result = await runSybilMesh(config)
    const [delivery] = sybilRows(config, result)
    expect(delivery.tried).to.equal(4)
    expect(delivery.lost).to.equal(4)
    expect(delivery.accepted).to.equal(0)
    expect(delivery.met).to.equal(false)
  })
})
