import { expect } from 'aegir/chai'
import { constants, inboxTopic, MessengerStore } from '../src/index.ts'
import { hub, messengerPeer, nextEvent } from './fixtures/mesh.ts'
import type { MeshNode, MessengerPeer } from './fixtures/mesh.ts'

describe('messenger over a real mesh on 127.0.0.1', function () {
  this.timeout(60_000)
  let hubNode: MeshNode
  let peers: MessengerPeer[] = []

  beforeEach(async () => {
    hubNode = await hub()
  })

  afterEach(async () => {
    for (const p of peers) {
      await p.messenger.stop()
      await p.node.stop()
      await p.db.close()
    }
    peers = []
    await hubNode.stop()
  })

  it('adds a contact by user id alone, exchanges messages both ways, with receipts; a third peer on the bucket reads nothing', async () => {
    const [a, b, c] = [await messengerPeer(hubNode, 'A'), await messengerPeer(hubNode, 'B'), await messengerPeer(hubNode, 'C')]
    peers = [a, b, c]
    for (const p of peers) {
      expect((await p.messenger.start()).published).to.be.true()
    }
    // C watches B's inbox bucket
    c.messenger.watchTopic(inboxTopic(b.messenger.identity.device.signing.publicKey))

    const contact = await a.messenger.addContact(b.messenger.userId, 'bob')
    expect(contact.devices).to.have.length(1)
    // found at the rendezvous point and connected directly
    expect(a.node.getConnections(b.node.peerId)).to.not.be.empty()
    expect(c.node.getConnections(b.node.peerId)).to.be.empty()

    const seenByC: Array<{ decrypted: boolean }> = []
    c.messenger.addEventListener('envelope', evt => { seenByC.push(evt.detail) })

    const received: string[] = []
    b.messenger.addEventListener('message', evt => { received.push(evt.detail.text) })
    for (let i = 0; i < 10; i++) {
      const receipt = nextEvent<{ id: string }>(a.messenger, 'receipt')
      const sent = await a.messenger.send('bob', `message ${i}`)
      expect(sent.published).to.equal(1)
      expect((await receipt).id).to.equal(sent.id)
    }
    expect(received).to.deep.equal(Array.from({ length: 10 }, (_, i) => `message ${i}`))
    const history = await a.messenger.history('bob')
    expect(history.map(m => m.state)).to.deep.equal(Array(10).fill('delivered'))

    // B answers: A is known to B from the sealed sender, no contact needed to reply
    await b.messenger.addContact(a.messenger.userId)
    const back = nextEvent<{ text: string, peer: string }>(a.messenger, 'message')
    await b.messenger.send(a.messenger.userId, 'hello A')
    const got = await back
    expect(got.text).to.equal('hello A')
    expect(got.peer).to.equal(b.messenger.userId)

    // renamed and verified locally; B started a second time (back online) still receives
    expect((await a.messenger.updateContact(b.messenger.userId, { alias: 'robert', verified: true }))).to.include({ alias: 'robert', verified: true })
    expect((await a.messenger.resolve('robert')).verified).to.be.true()
    await b.messenger.start()
    const again = nextEvent<{ text: string }>(b.messenger, 'message')
    await a.messenger.send('robert', 'after a second start')
    expect((await again).text).to.equal('after a second start')

    expect(seenByC.length).to.be.at.least(10)
    expect(seenByC.every(e => !e.decrypted)).to.be.true()
  })

  it('batches delivery receipts: one receipt acknowledges a burst; stop() sends what is pending', async () => {
    const [a, b] = [await messengerPeer(hubNode, 'A'), await messengerPeer(hubNode, 'B', { receipts: { delay: 600_000, maxDelay: 600_000, maxIds: 5 } })]
    peers = [a, b]
    await a.messenger.start()
    await b.messenger.start()
    await a.messenger.addContact(b.messenger.userId, 'bob')
    const decryptedByA: string[] = []
    a.messenger.addEventListener('envelope', evt => { if (evt.detail.decrypted) { decryptedByA.push(evt.detail.id) } })
    const receipts: string[] = []
    a.messenger.addEventListener('receipt', evt => { receipts.push(evt.detail.id) })

    const firstFive = nextEvent<{ id: string }>(a.messenger, 'receipt')
    const sent: string[] = []
    for (let i = 0; i < 7; i++) {
      sent.push((await a.messenger.send('bob', `burst ${i}`)).id)
    }
    await firstFive
    // the fifth message filled the batch: one receipt envelope for five ids, in order
    await nextEvent(a.messenger, 'receipt', (d: { id: string }) => d.id === sent[4])
    expect(receipts).to.deep.equal(sent.slice(0, 5))
    expect(decryptedByA).to.have.length(1)

    // the last two wait (the delay is ten minutes) until B stops, which flushes them
    const last = nextEvent(a.messenger, 'receipt', (d: { id: string }) => d.id === sent[6])
    await b.messenger.stop()
    await last
    expect(receipts).to.deep.equal(sent)
    expect(decryptedByA).to.have.length(2)
    expect((await a.messenger.history('bob')).map(m => m.state)).to.deep.equal(Array(7).fill('delivered'))
  })

  it('a receipt a crash cut off goes when the receiver starts again (its messages are stored, their mailbox copies no longer decrypt)', async () => {
    const [a, b] = [await messengerPeer(hubNode, 'A'), await messengerPeer(hubNode, 'B', { receipts: { delay: 600_000, maxDelay: 600_000 } })]
    peers = [a, b]
    await a.messenger.start()
    await b.messenger.start()
    await a.messenger.addContact(b.messenger.userId, 'bob')
    const receipts: string[] = []
    a.messenger.addEventListener('receipt', evt => { receipts.push(evt.detail.id) })
    const arrived = nextEvent(b.messenger, 'message', (m: { text: string }) => m.text === 'owed 1')
    const sent = [(await a.messenger.send('bob', 'owed 0')).id, (await a.messenger.send('bob', 'owed 1')).id]
    await arrived
    // B dies now, both messages stored and their receipt still waiting: a crash runs no flush, so the pending receipt goes with it
    const pending = (b.messenger as any).pendingReceipts as Map<string, { timer?: ReturnType<typeof setTimeout> }>
    for (const p of pending.values()) { clearTimeout(p.timer) }
    pending.clear()
    await b.messenger.stop()
    await b.node.stop()
    expect(receipts).to.deep.equal([])

    // restarted on its database, B sends the receipt it owes
    const again = await messengerPeer(hubNode, 'B', { db: b.db })
    peers = [a, again]
    await again.messenger.start()
    for (let i = 0; i < 400 && receipts.length < 2; i++) { await new Promise(resolve => setTimeout(resolve, 25)) }
    expect(receipts).to.have.members(sent)
    expect(receipts).to.have.length(2)
    expect((await a.messenger.history('bob')).map(m => m.state)).to.deep.equal(['delivered', 'delivered'])
    // sent: no longer owed
    expect(await new MessengerStore(b.db).owedReceipts()).to.deep.equal([])
  })

  it('a message a crash left "sending" (stored, never sent) goes when the sender starts again, once; a sent one does not', async () => {
    const [a, b] = [await messengerPeer(hubNode, 'A'), await messengerPeer(hubNode, 'B')]
    peers = [a, b]
    await a.messenger.start()
    await b.messenger.start()
    await a.messenger.addContact(b.messenger.userId, 'bob')
    await b.messenger.addContact(a.messenger.userId, 'alice')
    const texts: string[] = []
    b.messenger.addEventListener('message', evt => { texts.push(evt.detail.text) })
    const first = nextEvent(b.messenger, 'message', (m: { text: string }) => m.text === 'before')
    await a.messenger.send('bob', 'before')
    await first
    // A dies after storing two messages: one never went out ("sending"), one did ("sent": not to go again)
    await a.messenger.stop()
    await a.node.stop()
    const store = new MessengerStore(a.db)
    const now = Date.now()
    const cutOff = { id: 'c0ffee'.padEnd(32, '0'), peer: b.messenger.userId, direction: 'out' as const, text: 'cut off', sentAt: now, storedAt: now, state: 'sending' as const }
    await store.addMessage(cutOff)
    await store.addMessage({ ...cutOff, id: 'beef'.padEnd(32, '0'), text: 'went out', state: 'sent' as const, storedAt: now + 1 })
    expect((await store.outbox()).map(m => m.text)).to.deep.equal(['cut off'])

    const again = await messengerPeer(hubNode, 'A', { db: a.db })
    peers = [again, b]
    const delivered = nextEvent(again.messenger, 'receipt', (r: { id: string }) => r.id === cutOff.id)
    await again.messenger.start()
    await delivered
    expect(texts).to.deep.equal(['before', 'cut off'])
    expect((await b.messenger.history('alice')).map(m => [m.id, m.text])).to.deep.include([cutOff.id, 'cut off'])
    expect((await again.messenger.history('bob')).find(m => m.id === cutOff.id)?.state).to.equal('delivered')
    expect(await new MessengerStore(a.db).outbox()).to.deep.equal([])
  })

  it('rejects malformed and oversized envelopes on an inbox topic and keeps serving', async () => {
    const [a, b] = [await messengerPeer(hubNode, 'A'), await messengerPeer(hubNode, 'B')]
    peers = [a, b]
    const seenByB: Array<{ decrypted: boolean, bytes: number }> = []
    b.messenger.addEventListener('envelope', evt => { seenByB.push(evt.detail) })
    await a.messenger.start()
    await b.messenger.start()
    await a.messenger.addContact(b.messenger.userId, 'bob')
    // A's node, bypassing the messenger, floods B's bucket with junk
    const topic = inboxTopic(b.messenger.identity.device.signing.publicKey)
    const junk = [new Uint8Array([0x7f, 1, 2, 3]), new Uint8Array(300).fill(2), Uint8Array.of(1, 0xff, 0xff), new Uint8Array(constants.MAX_ENVELOPE_BYTES + 1).fill(1)]
    for (const bytes of junk) {
      // a publish may itself refuse the oversized one; either way B must not see it
      await a.node.services.pubsub.publish(topic, bytes).catch(() => {})
    }
    const received = nextEvent<{ text: string }>(b.messenger, 'message')
    const receipt = nextEvent<{ id: string }>(a.messenger, 'receipt')
    const sent = await a.messenger.send('bob', 'still here')
    expect((await received).text).to.equal('still here')
    expect((await receipt).id).to.equal(sent.id)
    // the validators dropped the malformed junk before B's pipeline (the hub refuses the oversized one);
    // 300 bytes of 0x02 parse as a ratchet message, so only B can tell: it does not decrypt and is dropped
    expect(seenByB.map(e => [e.bytes, e.decrypted])).to.deep.include.members([[300, false]])
    expect(seenByB.filter(e => e.decrypted)).to.have.length(1)
    expect(seenByB).to.have.length(2)
  })
})
