/* eslint-disable no-console */
/**
 * Crashes, scaled down: the bootstrap/mailbox node SIGKILLed during traffic
 * and restarted; the sender SIGKILLed mid-send and the receiver mid-receive,
 * each restarted on its home; a receiver that died between storing a message
 * and writing its session state. Plus the negative controls of the counting.
 */

import { expect } from 'aegir/chai'
import { countLoss, crashes, receiptedIds, shownTwice } from '../src/crashes.ts'
import { formatReport } from '../src/report.ts'
import type { StoredMessage } from '@hypha/core'

function message (id: string, fields: Partial<StoredMessage> = {}): StoredMessage {
  return { id, peer: 'did:key:z6Mk', direction: 'out', text: `t ${id}`, sentAt: 1, storedAt: 1, ...fields }
}

describe('adversarial: crashes', function () {
  this.timeout(240_000)

  it('the counting notices a receipted message the receiver lacks, one stored or shown twice (negative controls)', () => {
    // 'never-sent' was never sent, yet listed as receipted: the count must call it lost
    const history = [message('a'), message('b'), message('b')]
    expect(countLoss(['a', 'never-sent'], history)).to.deep.equal({ lost: ['never-sent'], duplicates: ['b'] })
    // and a clean history counts nothing
    expect(countLoss(['a', 'b'], [message('a'), message('b')])).to.deep.equal({ lost: [], duplicates: [] })
    expect(countLoss([], [])).to.deep.equal({ lost: [], duplicates: [] })

    // one id shown by two runs of a receiver is shown twice
    expect(shownTwice([{ lines: [{ event: 'message', id: 'x' }] }, { lines: [{ event: 'message', id: 'x' }, { event: 'message', id: 'y' }] }])).to.deep.equal(['x'])
    expect(shownTwice([{ lines: [{ event: 'message', id: 'x' }, { event: 'receipt', id: 'x' }] }])).to.deep.equal([])

    // receipted: delivered, a receipt line, or a mailbox storage receipt; "sent" alone is not
    const sent = [message('d', { state: 'delivered' }), message('r', { state: 'sent' }), message('m', { state: 'sent', mailboxes: 1 }), message('n', { state: 'sent', mailboxes: 0 }), message('s', { state: 'sending' })]
    const receipted = receiptedIds(sent, [{ lines: [{ event: 'receipt', id: 'r' }] }])
    expect([...receipted.delivery].sort()).to.deep.equal(['d', 'r'])
    expect([...receipted.storage]).to.deep.equal(['m'])
    expect([...receipted.any].sort()).to.deep.equal(['d', 'm', 'r'])
  })

  it('SIGKILLed bootstrap, sender and receiver lose no receipted message, show none twice; the next messages decrypt', async () => {
    const rows = await crashes({ full: false, progress: line => { console.info(`  [crash] ${line}`) } })
    console.info(formatReport(rows))
    expect(rows.map(row => row.name)).to.deep.equal([
      'bootstrap SIGKILL during traffic',
      'sender SIGKILL mid-send',
      'receiver SIGKILL mid-receive',
      'receiver dies between message and session write'
    ])
    for (const row of rows) {
      expect(row.crashes, `${row.name}: ${row.detail}`).to.equal(0)
      expect(row.lost, `${row.name}: ${row.detail}`).to.equal(0)
      expect(row.untyped, row.name).to.equal(0)
      expect(row.tried, row.name).to.be.greaterThan(0)
      expect(row.met, `${row.name}: ${row.detail}`).to.equal(true)
    }
    const [bootstrap, sender, receiver, rewound] = rows
    // every message of the scaled-down run was sent, and the mailbox kept what it had when it died
    expect(bootstrap.tried).to.equal(30)
    const [, kept, deposited] = /(\d+)\/(\d+) deposited before a kill survived it/.exec(bootstrap.detail ?? '') ?? []
    expect(Number(deposited)).to.be.greaterThan(0)
    expect(kept).to.equal(deposited)
    // two kills each, and the next messages both ways after each restart
    expect(sender.detail).to.match(/^2 kill\(s\)/)
    expect(sender.detail).to.include('next messages after each restart decrypt: 4/4')
    expect(receiver.detail).to.match(/^2 kill\(s\)/)
    expect(receiver.detail).to.include('next messages after each restart decrypt: 4/4')
    // a receiver cut off before its receipts went: they go when it restarts, so every message it has is receipted
    expect(receiver.detail).to.include('delivered without a delivery receipt 0;')
    expect(sender.detail).to.include('delivered without a delivery receipt 0;')
    // the rewound receiver: the message and the next three, all delivered once
    expect(rewound.tried).to.equal(4)
    expect(rewound.accepted).to.equal(4)
    expect(rewound.detail).to.include('rewound to before the message: yes')
    expect(rewound.detail).to.include('shown again after the restart 0 time(s)')
  })
})
