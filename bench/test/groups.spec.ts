import { expect } from 'aegir/chai'
import { formatGroupsReport, GROUP_MAILBOXES, groupsBench, sendRatios } from '../src/index.ts'
import type { GroupBenchReport } from '../src/index.ts'

describe('groupsBench', function () {
  this.timeout(60_000)
  let report: GroupBenchReport

  before(async () => {
    report = await groupsBench({ sizes: [6, 3], sends: 5, warmup: 1 })
  })

  it('sends to every group size, smallest first, with the same bytes whatever the size', () => {
    expect(report.sends.map(r => r.members)).to.deep.equal([3, 6])
    for (const row of report.sends) {
      expect(row.sends).to.equal(5)
      expect(row.p50Ms).to.be.above(0)
      expect(row.p99Ms).to.be.at.least(row.p50Ms)
      // a 256-byte text, the sender-key overhead, no member-dependent part
      expect(row.bytes).to.be.within(256, 600)
      expect(row.bytesWithMailboxes).to.equal(row.bytes * (1 + GROUP_MAILBOXES))
    }
    expect(report.sends[0].bytes).to.equal(report.sends[1].bytes)
    expect(sendRatios(report).bytes).to.equal(1)
  })

  it('removes one member of every group: the operation, then one key package for the members that remain', () => {
    expect(report.removals.map(r => r.members)).to.deep.equal([3, 6])
    for (const row of report.removals) {
      expect(row.cpuMs).to.be.above(0)
      expect(row.wire.envelopes).to.equal(2)
      expect(row.wire.messages).to.equal(1)
      expect(row.wire.keyPackages).to.equal(1)
      expect(row.wire.deposited).to.equal(row.wire.published * GROUP_MAILBOXES)
    }
    // one entry per remaining member but the remover: 1 for 3 members, 4 for 6
    const [small, large] = report.removals.map(r => r.wire.keyPackageBytes)
    expect(large).to.be.above(small * 3)
    expect(large).to.be.below(small * 5)
  })

  it('formats the report with its targets', () => {
    const text = formatGroupsReport(report)
    expect(text).to.include('CPU and bytes at the sender; the network adds one publish and 3 deposits')
    expect(text).to.match(/6 vs 3 members: p50 time .*x, bytes 1\.00x {2}target: independent of group size/)
    expect(text).to.match(/\n {6}6 .*CPU <= 2 s: MET$/)
  })

  it('says MISSED when a removal takes more than 2 s of CPU or bytes differ', () => {
    const slow: GroupBenchReport = {
      ...report,
      sends: [report.sends[0], { ...report.sends[1], bytes: report.sends[1].bytes + 1 }],
      removals: [report.removals[0], { ...report.removals[1], cpuMs: 2500 }]
    }
    const text = formatGroupsReport(slow)
    expect(text).to.match(/independent of group size .*: MISSED/)
    expect(text).to.match(/CPU <= 2 s: MISSED$/)
  })

  it('refuses group sizes below 2', async () => {
    await expect(groupsBench({ sizes: [1] })).to.eventually.be.rejectedWith(RangeError)
  })
})
