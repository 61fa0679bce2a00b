/* eslint-disable no-console */
import { expect } from 'aegir/chai'
import { mailboxFlood, runMailboxFlood } from '../src/flood-mailbox.ts'
import { formatReport } from '../src/report.ts'

describe('flood: a mailbox at 10x its quota against a hypha-bootstrap process', function () {
  this.timeout(180_000)

  it('stores at most the quota (the flooder at most its share), refuses the rest typed, and delivers every honest envelope', async () => {
    const rows = await mailboxFlood({ full: false })
    console.info(formatReport(rows))
    expect(rows.map(row => row.name)).to.deep.equal(['mailbox flood at 10x quota', 'mailbox flood: honest deposits'])
    const [flood, honest] = rows
    expect(flood.tried).to.equal(1000)
    // the flood reached the share: some stored, the rest refused, every refusal typed
    expect(flood.accepted).to.be.greaterThan(0)
    expect(flood.accepted + flood.rejected).to.equal(flood.tried)
    expect(flood.untyped).to.equal(0)
    expect(flood.detail).to.match(/QuotaExceededError \d+/)
    expect(honest.lost).to.equal(0)
    expect(honest.accepted).to.equal(honest.tried)
    for (const row of rows) { expect(row.met, `${row.name}: ${row.detail ?? ''}`).to.equal(true) }
  })

  it('negative control: with --mailbox-depositor-share 1 the flooder fills the inbox and the honest sender is refused', async () => {
    const rows = await runMailboxFlood({ full: false, depositorShare: 1 })
    console.info(formatReport(rows))
    const [flood, honest] = rows
    // the quota still holds: the flooder stored up to the quota of 100 envelopes (or 1 MiB), far more than its share of 16
    expect(flood.accepted).to.be.within(50, 100)
    expect(flood.met).to.equal(true)
    // but the measurement sees the honest envelopes refused
    expect(honest.lost).to.be.greaterThan(0)
    expect(honest.detail).to.match(/refused: QuotaExceededError \d+/)
    expect(honest.met).to.equal(false)
  })
})
