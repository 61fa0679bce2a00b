/* eslint-disable no-console */
/**
 * Replays and tampering, scaled down: about 1,000 replayed envelopes (gossip,
 * mailbox, restarts, direct) and 5,000 tampered ones against the shipped
 * peers on 127.0.0.1, none accepted; the counting's negative controls (fresh
 * genuine envelopes through the same counting are counted as accepted); and
 * the tamper generator itself.
 */

import { expect } from 'aegir/chai'
import { regionsOf, Rng, tamper } from '../src/replay-mutations.ts'
import { replays, tampering } from '../src/replay.ts'
import { formatReport } from '../src/report.ts'

/** A ratchet message's shape (PROTOCOL.md section 9), with made-up bytes */
function ratchetShaped (pn: number, n: number, body: number): Uint8Array {
  return Uint8Array.from([0x02, ...new Array(36).fill(7), pn, n, ...new Array(24 + body + 16).fill(9)])
}

describe('adversarial: replay and tamper', function () {
  this.timeout(240_000)

  it('the generator: regions tile the envelope; variants are distinct, never the genuine bytes, and flip bits in every region', () => {
    const bytes = ratchetShaped(3, 5, 40)
    const regions = regionsOf(bytes)
    expect(regions.map(r => r.name)).to.deep.equal(['type byte', 'hint', 'ratchet key', 'counters', 'nonce', 'ciphertext', 'tag'])
    regions.forEach((r, i) => { expect(r.start).to.equal(i === 0 ? 0 : regions[i - 1].end) })
    expect(regions[regions.length - 1].end).to.equal(bytes.length)

    const exclude = new Set<string>()
    const variants = tamper(bytes, [ratchetShaped(0, 1, 20)], exclude, 300, new Rng(1))
    expect(variants).to.have.lengthOf(300)
    expect(new Set(variants.map(v => v.id)).size).to.equal(300)
    expect(variants.every(v => v.bytes.length !== bytes.length || v.bytes.some((b, i) => b !== bytes[i]))).to.equal(true)
    for (const region of regions) { expect(variants.map(v => v.kind), region.name).to.include(`bit flip: ${region.name}`) }
    for (const family of ['splice', 'counters', 'truncation', 'extension', 'substitution']) {
      expect(variants.some(v => v.kind.startsWith(family)), family).to.equal(true)
    }
    // a second call never repeats an input of the first
    const more = tamper(bytes, [], exclude, 100, new Rng(2))
    expect(more.some(v => variants.some(w => w.id === v.id))).to.equal(false)
  })

  it('replays over gossip, the mailbox, restarts and direct: none accepted, history unchanged, fresh envelopes counted (control)', async () => {
    const rows = await replays({ full: false, progress: line => { console.info(`  [replay] ${line}`) } })
    console.info(formatReport(rows))
    const byName = new Map(rows.map(row => [row.name, row]))
    const paths = ['gossip, B running', 'mailbox, B running', 'direct receive, B running and restarted', 'gossip, after B restarted', 'mailbox, after B restarted', 'direct, after flushing the seen set']
    expect(rows.map(row => row.name)).to.deep.equal([...paths, 'B\'s stored history after all replays', 'control: fresh envelopes, same counting', 'new messages after the replays'])
    let replayed = 0
    for (const name of paths) {
      const row = byName.get(name)
      expect(row?.accepted, name).to.equal(0)
      expect(row?.untyped, name).to.equal(0)
      expect(row?.tried, name).to.be.greaterThan(0)
      replayed += row?.tried ?? 0
    }
    expect(replayed).to.be.at.least(1_000)
    // after a restart the replays met the sessions and group keys (not only the seen caches), and were refused there
    expect(byName.get('gossip, after B restarted')?.detail).to.match(/refused by the sessions\/group keys [1-9]\d* \(DuplicateMessageError/)
    expect(byName.get('direct, after flushing the seen set')?.detail).to.match(/refused by the sessions\/group keys [1-9]/)
    const history = byName.get('B\'s stored history after all replays')
    expect(history?.accepted).to.equal(0)
    expect(history?.lost).to.equal(0)
    expect(history?.crashes).to.equal(0)
    // the control: the same counting sees fresh envelopes as accepted
    expect(byName.get('control: fresh envelopes, same counting')).to.include({ tried: 3, accepted: 3 })
    expect(byName.get('new messages after the replays')).to.include({ tried: 3, accepted: 3, lost: 0 })
    for (const row of rows) { expect(row.met, `${row.name}: ${row.detail ?? ''}`).to.equal(true) }
  })

  it('tampered prekey envelopes, ratchet messages, group messages and key packages: none accepted, all typed; the genuine ones decrypt (control)', async () => {
    const rows = await tampering({ full: false, progress: line => { console.info(`  [tamper] ${line}`) } })
    console.info(formatReport(rows))
    const names = ['prekey envelope', 'ratchet message', 'group message (A\'s; B\'s own echo)', 'key package', 'ratchet message, counters at the forward-jump limit',
      'over gossip (attacker node -> B)', 'genuine envelopes after their variants']
    expect(rows.map(row => row.name)).to.deep.equal(names)
    const tampered = [...rows.slice(0, 4), rows[5]]
    for (const row of tampered) {
      expect(row.accepted, row.name).to.equal(0)
      expect(row.untyped, row.name).to.equal(0)
      expect(row.crashes, row.name).to.equal(0)
      expect(row.tried, row.name).to.be.greaterThan(200)
    }
    expect(tampered.reduce((sum, row) => sum + row.tried, 0)).to.be.at.least(4_000)
    // over gossip, variants did reach B's pipeline (and were refused there), not only the validator
    expect(rows[5].detail).to.match(/gossipsub delivered [1-9]\d*, B's pipeline refused [1-9]/)
    // forged counters far ahead: refused (typed), however long B worked on them
    expect(rows[4]).to.include({ accepted: 0, untyped: 0 })
    expect(rows[4].tried).to.be.greaterThan(0)
    // the control: every genuine envelope, after its variants, counted as accepted by the same classification
    const genuine = rows[6]
    expect(genuine.tried).to.be.greaterThan(15)
    expect(genuine.accepted).to.equal(genuine.tried)
    expect(genuine.lost).to.equal(0)
    for (const row of rows) { expect(row.met, `${row.name}: ${row.detail ?? ''}`).to.equal(true) }
  })
})
