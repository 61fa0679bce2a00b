/* eslint-disable no-console */
import { expect } from 'aegir/chai'
import { runConnectionFlood } from '../src/flood-connections.ts'
import { formatReport } from '../src/report.ts'

/**
 * The latency target (p99 under attack <= 3x the baseline) and the RSS budget
 * are computed strictly in the rows and printed; on a loaded 2-core machine the flooder,
 * the node and the honest peers share the CPU and a p99 of ~100 samples
 * swings with it, so this spec asserts what does not: nothing lost and no
 * stall (a p99 under STALL_MS), which the negative control shows it would see.
 */
const STALL_MS = 1_000

describe('flood: connections and streams against a hypha-bootstrap process', function () {
  this.timeout(180_000)

  it('every honest message is delivered without a stall; the node stays bounded and keeps serving', async () => {
    const { rows, latency } = await runConnectionFlood({ full: false })
    console.info(formatReport(rows))
    expect(rows.map(row => row.name)).to.deep.equal([
      'connection/stream flood: honest delivery',
      'connection/stream flood: node memory and service'
    ])
    const [delivery, memory] = rows
    expect(delivery.lost).to.equal(0)
    expect(delivery.accepted).to.equal(delivery.tried)
    expect(delivery.crashes).to.equal(0)
    expect(delivery.detail).to.include('A and B connected only through the node: yes')
    expect(latency.underAttack).to.be.below(STALL_MS)
    // the flood really happened, and the node refused part of it
    expect(memory.tried).to.be.greaterThan(100)
    expect(memory.rejected).to.be.greaterThan(0)
    expect(memory.crashes).to.equal(0)
    // the node kept serving: a fresh peer used its DHT and mailbox and was reached through it after the flood
    expect(memory.detail).to.match(/fresh peer after: DHT lookup ok, [1-9]\d* mailbox receipt\(s\), delivered yes/)
    // RSS is printed, not asserted here: V8 grows its heap lazily under connection churn, by an amount
    // that depends on the machine's speed (+170 to +275 MiB in 6 s); the full run holds it to its budget
  })

  it('negative control: a node that stops answering for 2 s during the attack is a stall and misses the latency target', async () => {
    const { rows, latency } = await runConnectionFlood({ full: false, pauseNodeMs: 2_000, messages: 40 })
    console.info(formatReport(rows))
    const [delivery] = rows
    expect(delivery.detail).to.match(/paused 2000 ms/)
    expect(latency.underAttack).to.be.at.least(STALL_MS)
    expect(delivery.met).to.equal(false)
  })
})
