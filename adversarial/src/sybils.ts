/**
 * Sybils: honest peers and twice as many hostile ones on the same inbox
 * topics; the hostile ones drop, delay or corrupt what they forward
 * (sybil-hostile.ts, sybil-mesh.ts). Target: at least 99.9% of honest
 * messages delivered, gossip plus the mailbox fallback, and no forged or
 * altered copy ever shown.
 */

import { BEHAVIOURS } from './sybil-hostile.ts'
import { runSybilMesh } from './sybil-mesh.ts'
import type { Row, Scenario, SuiteOptions } from './report.ts'
import type { SybilConfig, SybilResult } from './sybil-mesh.ts'

/** The issue's delivery target */
export const SYBIL_DELIVERY_TARGET = 0.999

/**
 * The share of originals a CORRUPT peer forges a copy of: about one forged
 * copy per honest message with 13 CORRUPT peers (full) or 4 (scaled down).
 * Every copy costs the mesh as much as a message, and all of it runs on this
 * machine's two cores.
 */
export const SYBIL_CORRUPT_SHARE = { full: 0.1, ci: 0.3 }

/** The two sizes: full (`npm run test:adversarial`) and scaled down (`npm test`) */
export function sybilConfig (options: SuiteOptions): SybilConfig {
  const base = { hubs: 3, behaviours: BEHAVIOURS, mailboxFallback: true, progress: options.progress }
  return options.full
    // 20 x 5 contacts x 10 = 1,000 messages: at most 1 may be lost
    ? { ...base, honest: 20, isolated: 10, hostile: 40, dialsPerHonest: 12, contacts: 5, messagesPerContact: 10, delay: { min: 2_000, max: 5_000 }, corruptShare: SYBIL_CORRUPT_SHARE.full }
    : { ...base, honest: 6, isolated: 3, hostile: 12, dialsPerHonest: 6, contacts: 3, messagesPerContact: 5, delay: { min: 1_000, max: 3_000 }, corruptShare: SYBIL_CORRUPT_SHARE.ci }
}

const pct = (part: number, whole: number): string => whole === 0 ? '-' : `${(100 * part / whole).toFixed(1)}%`
const ms = (value: number): string => Number.isNaN(value) ? '-' : `${(value / 1000).toFixed(2)} s`
const score = (value: number): string => Number.isNaN(value) ? '-' : value.toFixed(1)

/** The two rows of one run */
export function sybilRows (config: SybilConfig, result: SybilResult): Row[] {
  const { corrupt } = result
  const delivered = result.sent === 0 ? 0 : result.delivered / result.sent
  const mesh = result.meshShare
  return [{
    area: 'sybil',
    name: `${config.honest} honest + ${config.hostile} hostile (${config.behaviours.join('/')})`,
    tried: result.sent,
    accepted: result.delivered,
    // honest envelopes (messages and receipts) an honest device refused or dropped: none expected
    rejected: Object.values(result.honestRefused).reduce((a, b) => a + b, 0),
    untyped: 0,
    crashes: result.crashes,
    lost: result.lost,
    detail: `delivered ${pct(result.delivered, result.sent)}: gossip ${result.gossip}, mailbox ${result.mailbox} (${pct(result.mailbox, result.delivered)} of delivered); ` +
      `gossip alone lost ${result.lostBeforeSync}; send failures ${result.sendFailures}${result.sendFailures === 0 ? '' : ` ${JSON.stringify(result.sendErrors)}`}; ` +
      `${result.lostAfterSend.length === 0 ? '' : `lost after a successful send: ${result.lostAfterSend.join('; ')}; `}` +
      `gossip latency p50 ${ms(result.latency.p50)}, p99 ${ms(result.latency.p99)}, max ${ms(result.latency.max)}; ` +
      `${config.isolated} of ${config.honest} honest peers isolated (gossip to them only through hostile peers): gossip ${result.toIsolated.gossip}, mailbox ${result.toIsolated.mailbox} of ${result.toIsolated.sent} sent to them; ` +
      `honest meshes: hostile ${pct(mesh.drop + mesh.delay + mesh.corrupt, 1)} (drop ${pct(mesh.drop, 1)}, delay ${pct(mesh.delay, 1)}, corrupt ${pct(mesh.corrupt, 1)}), hubs ${pct(mesh.hub, 1)}, honest ${pct(mesh.honest, 1)}, ` +
      `${result.hostileOnlyMeshes}/${config.honest} all hostile; honest envelopes received by hostile nodes (summed over nodes): drop ${result.hostileSeen.drop}, delay ${result.hostileSeen.delay}, corrupt ${result.hostileSeen.corrupt}; honest-hostile links ${result.hostileLinks.dialed} dialed, ${result.hostileLinks.failed} failed, ${result.hostileLinks.open} open at the end; ` +
      `direct contact connections ${result.direct.connected}/${result.direct.wanted}; contacts not found ${result.contactFailures}; ` +
      `honest envelopes refused or dropped by honest devices ${JSON.stringify(result.honestRefused)}; ` +
      `mean gossipsub score at honest peers: drop ${score(result.scores.drop)}, delay ${score(result.scores.delay)}, corrupt ${score(result.scores.corrupt)}, hubs ${score(result.scores.hub)}; ` +
      `send() ${result.sendMs.toFixed(0)} ms mean; ${result.seconds.toFixed(0)} s wall, CPU ${result.cpuSeconds.toFixed(0)} s honest side + ${result.attackerCpuSeconds.toFixed(0)} s attacker, ` +
      `worst event loop lag ${(result.worstLagMs / 1000).toFixed(1)} s, peak RSS ${result.peakRssMiB.toFixed(0)} MiB`,
    target: '>= 99.9% delivered',
    met: delivered >= SYBIL_DELIVERY_TARGET && result.crashes === 0
  }, {
    area: 'sybil',
    name: 'corrupted copies (bit flips, re-randomized tails, forged)',
    tried: corrupt.published,
    accepted: corrupt.accepted + result.unexpected,
    rejected: corrupt.validatorRejected + corrupt.dropped,
    untyped: corrupt.untyped,
    crashes: 0,
    lost: 0,
    detail: `published ${corrupt.published} (bitflip ${corrupt.byKind.bitflip}, tail ${corrupt.byKind.tail}, forged ${corrupt.byKind.forged}); ` +
      `${corrupt.reached} reached an honest device: ${corrupt.validatorRejected} refused by its gossip validator, ${corrupt.dropped} dropped undecryptable, ` +
      `${corrupt.ignored} ignored, ${corrupt.accepted} decrypted; the rest died at relays; errors ${JSON.stringify(corrupt.errors)}; ` +
      `messages shown that no honest peer sent ${result.unexpected}`,
    target: '0 accepted',
    met: corrupt.accepted === 0 && result.unexpected === 0 && corrupt.untyped === 0
  }]
}

export const sybils: Scenario = async options => {
  const config = sybilConfig(options)
  return sybilRows(config, await runSybilMesh(config))
}
