import { expect } from 'aegir/chai'
import { MemoryLevel } from 'memory-level'
import { MAX_HISTORY_PER_CONTACT } from '../../src/protocol/constants.ts'
import { MessengerStore } from '../../src/store/messenger-store.ts'
import type { SessionRecord } from '../../src/protocol/pb/store.ts'

function session (tag: number): SessionRecord {
  const b = (n: number): Uint8Array<ArrayBuffer> => new Uint8Array(32).fill(n)
  return {
    remoteUserId: `did:key:test${tag}`,
    remoteSigningKey: b(tag),
    remoteIdentityKey: b(tag),
    baseKey: b(tag + 100),
    ad: new Uint8Array(64),
    rootKey: b(1),
    dhsSecret: b(2),
    dhsPublic: b(3),
    ns: tag,
    nr: 0,
    pn: 0,
    skipped: [],
    previous: []
  }
}

describe('MessengerStore sessions: one record per remote device', () => {
  it('writes only what changed, loads everything, deletes a device left without sessions', async () => {
    const db = new MemoryLevel<string, any>()
    const store = new MessengerStore(db)
    expect(await store.loadSessions()).to.be.undefined()
    const a = new Uint8Array(32).fill(0xa)
    const b = new Uint8Array(32).fill(0xb)
    await store.commit({ sessions: { devices: [{ remoteSigningKey: a, sessions: [session(1)] }, { remoteSigningKey: b, sessions: [session(2)] }], seenBaseKeys: [new Uint8Array(32).fill(9)] } })
    // a later write of device a alone leaves b as it was
    await store.commit({ sessions: { devices: [{ remoteSigningKey: a, sessions: [session(5), session(1)] }] } })
    let loaded = await store.loadSessions()
    expect(loaded?.devices.map(d => d.sessions.map(s => s.ns))).to.have.deep.members([[5, 1], [2]])
    expect(loaded?.seenBaseKeys).to.deep.equal([new Uint8Array(32).fill(9)])
    // b lost its last session
    await store.commit({ sessions: { devices: [{ remoteSigningKey: b, sessions: [] }] } })
    loaded = await store.loadSessions()
    expect(loaded?.devices.map(d => d.sessions.map(s => s.ns))).to.deep.equal([[5, 1]])
    await db.close()
  })

  it('stores a message and the sessions in one write; a duplicate message id writes only the sessions', async () => {
    const db = new MemoryLevel<string, any>()
    const store = new MessengerStore(db)
    const message = { id: 'ab'.repeat(16), peer: 'did:key:peer', direction: 'in' as const, text: 'hi', sentAt: 1, storedAt: 2 }
    const a = new Uint8Array(32).fill(0xa)
    expect(await store.commit({ message, sessions: { devices: [{ remoteSigningKey: a, sessions: [session(1)] }] } })).to.be.true()
    expect(await store.commit({ message: { ...message, text: 'changed' }, sessions: { devices: [{ remoteSigningKey: a, sessions: [session(7)] }] } })).to.be.false()
    expect((await store.history('did:key:peer')).map(m => m.text)).to.deep.equal(['hi'])
    expect((await store.loadSessions())?.devices[0].sessions[0].ns).to.equal(7)
    await db.close()
  })

  it('writes the delivery receipt a message is owed with it (a duplicate too), lists it until it is settled', async () => {
    const db = new MemoryLevel<string, any>()
    const store = new MessengerStore(db)
    const message = { id: 'cd'.repeat(16), peer: 'did:key:peer', direction: 'in' as const, text: 'hi', sentAt: 1, storedAt: 2 }
    const owed = { device: '0a'.repeat(32), id: message.id, userId: 'did:key:peer' }
    expect(await store.owedReceipts()).to.deep.equal([])
    expect(await store.addMessage(message, owed)).to.be.true()
    // a store that reopens the same database (a restart after a crash) finds it
    expect(await new MessengerStore(db).owedReceipts()).to.deep.equal([owed])
    await store.settleReceipts(owed.device, [owed.id])
    expect(await store.owedReceipts()).to.deep.equal([])
    // a duplicate is stored once but owed a receipt again (the first may have been lost)
    expect(await store.addMessage(message, owed)).to.be.false()
    expect(await store.owedReceipts()).to.deep.equal([owed])
    expect(await store.history('did:key:peer')).to.have.length(1)
    await db.close()
  })

  it(`keeps the newest MAX_HISTORY_PER_CONTACT (${MAX_HISTORY_PER_CONTACT}) messages of a conversation, and forgets the ids of the ones it drops`, async function () {
    this.timeout(60_000)
    const db = new MemoryLevel<string, any>()
    const store = new MessengerStore(db)
    const id = (i: number): string => i.toString(16).padStart(32, '0')
    for (let i = 0; i < MAX_HISTORY_PER_CONTACT + 100; i++) {
      await store.addMessage({ id: id(i), peer: 'did:key:peer', direction: 'in', text: String(i), sentAt: i, storedAt: i })
    }
    const history = await store.history('did:key:peer')
    expect(history).to.have.length(MAX_HISTORY_PER_CONTACT)
    expect(history[0].text).to.equal('100')
    // the dropped ones are gone from the id index too
    expect(await store.setState(id(0), 'delivered')).to.be.undefined()
    // so the same id is new again, not a duplicate
    expect(await store.addMessage({ id: id(0), peer: 'did:key:peer', direction: 'in', text: 'again', sentAt: 0, storedAt: 10_000_000 })).to.be.true()
    expect((await store.setState(id(100), 'delivered'))?.state).to.equal('delivered')
    await db.close()
  })

  it('never loses a delivery state to a race: "delivered" and "sent" at once end "delivered"', async () => {
    const db = new MemoryLevel<string, any>()
    const store = new MessengerStore(db)
    for (let i = 0; i < 20; i++) {
      const id = i.toString(16).padStart(32, '0')
      await store.addMessage({ id, peer: 'did:key:peer', direction: 'out', text: 'x', sentAt: i, storedAt: i, state: 'sending' })
      await Promise.all([store.setState(id, 'delivered'), store.setState(id, 'sent', 3)])
      const [message] = (await store.history('did:key:peer')).filter(m => m.id === id)
      expect(message.state).to.equal('delivered')
      expect(message.mailboxes).to.equal(3)
    }
    await db.close()
  })
})
