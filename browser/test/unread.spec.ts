import { expect } from 'aegir/chai'
import { deliveryLabel, shownState } from '../src/delivery.ts'
import { countUnread, readMarker } from '../src/unread.ts'

const m = (direction: 'in' | 'out', storedAt: number): { direction: 'in' | 'out', storedAt: number } => ({ direction, storedAt })

describe('unread counts', () => {
  it('counts incoming messages stored after the marker', () => {
    const history = [m('in', 10), m('out', 20), m('in', 30), m('in', 40)]
    expect(countUnread(history, undefined)).to.equal(3)
    expect(countUnread(history, 0)).to.equal(3)
    expect(countUnread(history, 10)).to.equal(2)
    expect(countUnread(history, 30)).to.equal(1)
    expect(countUnread(history, 40)).to.equal(0)
    expect(countUnread([], 5)).to.equal(0)
  })

  it('never counts own messages', () => {
    expect(countUnread([m('out', 10), m('out', 20)], undefined)).to.equal(0)
  })

  it('moves the marker to the newest message, never back', () => {
    expect(readMarker([m('in', 10), m('out', 50), m('in', 30)], undefined)).to.equal(50)
    expect(readMarker([m('in', 10)], 99)).to.equal(99)
    expect(readMarker([], undefined)).to.equal(0)
  })

  it('reads everything up to the marker it returns', () => {
    const history = [m('in', 10), m('in', 20)]
    expect(countUnread(history, readMarker(history, undefined))).to.equal(0)
    expect(countUnread([...history, m('in', 21)], readMarker(history, undefined))).to.equal(1)
  })
})

describe('delivery states', () => {
  it('shows "stored" once a mailbox holds the message', () => {
    expect(shownState({ state: 'sending' })).to.equal('sending')
    expect(shownState({})).to.equal('sending')
    expect(shownState({ state: 'sent', mailboxes: 0 })).to.equal('sent')
    expect(shownState({ state: 'sent' })).to.equal('sent')
    expect(shownState({ state: 'sent', mailboxes: 1 })).to.equal('stored')
    expect(shownState({ state: 'stored', mailboxes: 3 })).to.equal('stored')
    expect(shownState({ state: 'delivered', mailboxes: 0 })).to.equal('delivered')
  })

  it('says how many mailboxes', () => {
    expect(deliveryLabel('stored', 1)).to.equal('stored at 1 mailbox')
    expect(deliveryLabel('stored', 3)).to.equal('stored at 3 mailboxes')
    expect(deliveryLabel('sent')).to.equal('sent')
    expect(deliveryLabel('delivered', 2)).to.equal('delivered')
    expect(deliveryLabel('sending')).to.equal('sending…')
  })
})
