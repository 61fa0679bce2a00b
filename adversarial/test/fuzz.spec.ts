/* eslint-disable no-console */
import { MailboxRequest, MailboxResponse, RequestType, createKeyPairAccount, mailboxTag } from '@hypha/core'
import { expect } from 'aegir/chai'
import { ACTED, controlAccepts, fuzzMutations, fuzzRandom, newTally, runCase, tallyRow } from '../src/fuzz-harness.ts'
import { judgeMailbox } from '../src/fuzz-streams.ts'
import { groupOpTarget } from '../src/fuzz-targets.ts'
import { FUZZ_MIN_CASES, FUZZ_SIZES, STREAM_CASES, fuzz } from '../src/fuzz.ts'
import { formatReport } from '../src/report.ts'
import type { Target } from '../src/fuzz-harness.ts'
import type { Row } from '../src/report.ts'

/** A stand-in decoder for the negative controls: `accept` decides */
function fake (accept: Target['accept'], extra: Partial<Target> = {}): Target {
  return {
    name: 'negative control',
    pool: [Uint8Array.of(0x0a, 0x03, 0x61, 0x62, 0x63), Uint8Array.of(0x08, 0x96, 0x01)],
    mutation: { pbOffset: 0 },
    prefixes: [Uint8Array.of(0x0a)],
    maxBytes: 1024,
    accept,
    ...extra
  }
}

describe('adversarial: fuzzing', function () {
  this.timeout(300_000)

  it('feeds every decoder and handler random bytes and mutated valid messages: 0 crashes, 0 accepted, all typed', async () => {
    const started = performance.now()
    const rows: Row[] = await fuzz({ full: false, progress: line => { console.error(`  [fuzz] ${line}`) } })
    console.log(formatReport(rows, (performance.now() - started) / 1000))

    for (const row of rows) {
      expect(row.met, `${row.name}: ${row.detail ?? ''}`).to.equal(true)
    }
    const fuzzRows = rows.filter(row => row.target === '0 crashes, 0 accepted, all typed')
    for (const row of fuzzRows) {
      expect(row.accepted, row.name).to.equal(0)
      expect(row.untyped, row.name).to.equal(0)
      expect(row.crashes, row.name).to.equal(0)
      expect(row.tried, row.name).to.be.greaterThan(0)
    }
    // every in-process target ran its cases, and the streams theirs
    const inProcess = Object.values(FUZZ_SIZES).reduce((n, size) => n + size.ci[0] + size.ci[1], 0) +
      (FUZZ_SIZES.record.ci[0] + FUZZ_SIZES.record.ci[1]) * 3 // four record kinds share one size
    const streams = rows.filter(row => row.name.includes('(hub, streams)')).reduce((n, row) => n + row.tried, 0)
    expect(streams).to.equal(2 * STREAM_CASES.ci)
    const total = fuzzRows.reduce((n, row) => n + row.tried, 0)
    expect(total).to.equal(inProcess + streams)
    expect(total).to.be.at.least(FUZZ_MIN_CASES.ci)
    // the hubs kept serving
    const honest = rows.filter(row => row.name.includes('after the barrage'))
    expect(honest).to.have.length(2)
    for (const row of honest) {
      expect(row.lost, row.name).to.equal(0)
      expect(row.accepted, row.name).to.equal(row.tried)
    }
  })

  it('negative control: a decoder that throws TypeError is counted untyped, one that accepts everything is counted accepted, a hang is a crash', async () => {
    const untyped = await fuzzRandom(fake(async () => { throw new TypeError('not typed') }), 200, 1)
    expect(untyped.untyped).to.equal(200)
    expect(untyped.rejected).to.equal(0)
    expect(tallyRow('untyped', untyped).met).to.equal(false)

    const lenient = await fuzzMutations(fake(async () => ACTED), 200, 2)
    expect(lenient.accepted).to.equal(200)
    expect(tallyRow('lenient', lenient).met).to.equal(false)

    const hung = await fuzzRandom(fake(async () => new Promise(() => {}), { timeout: 20 }), 5, 3)
    expect(hung.crashes).to.equal(5)
    expect(tallyRow('hung', hung).met).to.equal(false)

    // a typed refusal is a rejection, and a mutation meaning what its original meant is an equivalent, not an acceptance
    const strict = await fuzzRandom(fake(async () => { throw Object.assign(new Error('no'), { name: 'MalformedMessageError' }) }), 50, 4)
    expect(strict.rejected).to.equal(50)
    expect(tallyRow('strict', strict).met).to.equal(true)
    const same = await fuzzMutations(fake(async () => ACTED, { meaning: () => 'the same' }), 50, 5)
    expect(same.equivalent).to.equal(50)
    expect(same.accepted).to.equal(0)
  })

  it('negative control: the real group log acts on its valid operations, and would be counted if it acted on a changed one', async () => {
    const target = await groupOpTarget()
    const control = await controlAccepts(target)
    expect(control.accepted).to.equal(control.of)
    // an operation signed by its author but carrying one more (unknown) field: a second copy in the log if accepted
    const tally = newTally()
    await runCase(target, tally, Uint8Array.from([...target.pool[0], 0x78, 0x01]), target.pool[0])
    expect(tally.rejected).to.equal(1)
    expect([...tally.errors.keys()]).to.deep.equal(['MalformedMessageError'])
    // the same bytes through a log that takes them: counted as accepted
    const permissive = { ...target, accept: async () => ACTED }
    const counted = newTally()
    await runCase(permissive, counted, Uint8Array.from([...target.pool[0], 0x78, 0x01]), target.pool[0])
    expect(counted.accepted).to.equal(1)
  })

  it('negative control: the mailbox oracle counts an OK to an unstamped deposit or an unsigned FETCH as accepted', async () => {
    const inbox = (await createKeyPairAccount()).keyPair
    const ok: MailboxResponse = { type: RequestType.DEPOSIT, status: MailboxResponse.Status.OK }
    const unstamped = MailboxRequest.decode(MailboxRequest.encode({
      type: RequestType.DEPOSIT,
      deposit: { tag: Uint8Array.from(mailboxTag(inbox.publicKey)), envelope: Uint8Array.of(2, 1, 2, 3), stamp: { day: Math.floor(Date.now() / 86_400_000), nonce: new Uint8Array(8) } }
    }))
    // 8 zero nonce bytes meet 8 bits of difficulty about once in 256: pick a nonce that does not
    let verdict = judgeMailbox(unstamped, ok, {}, new Uint8Array(38))
    for (let n = 1; verdict.outcome !== 'accepted' && n < 16; n++) {
      unstamped.deposit?.stamp?.nonce?.fill(n)
      verdict = judgeMailbox(unstamped, ok, {}, new Uint8Array(38))
    }
    expect(verdict.outcome).to.equal('accepted')
    const unsigned: MailboxRequest = { type: RequestType.FETCH, fetch: { inboxKey: Uint8Array.from(inbox.publicKey), signature: new Uint8Array(64), cursor: new Uint8Array(0), limit: 0 } }
    expect(judgeMailbox(unsigned, { type: RequestType.FETCH, status: MailboxResponse.Status.OK }, { challenge: new Uint8Array(32) }, new Uint8Array(38)).outcome).to.equal('accepted')
    expect(judgeMailbox(unsigned, { type: RequestType.FETCH, status: MailboxResponse.Status.E_UNAUTHORIZED }, { challenge: new Uint8Array(32) }, new Uint8Array(38)).outcome).to.equal('rejected')
    expect(judgeMailbox(unsigned, { type: RequestType.FETCH, status: MailboxResponse.Status.E_INTERNAL_ERROR }, {}, new Uint8Array(38)).outcome).to.equal('untyped')
  })
})
