import { expect } from 'aegir/chai'
import { MemoryLevel } from 'memory-level'
import { constants } from '../src/index.ts'
import { hub, mailboxesIdentified, messengerPeer, nextEvent } from './fixtures/mesh.ts'
import type { MeshNode, MessengerPeer } from './fixtures/mesh.ts'

describe('messenger with offline mailboxes on 127.0.0.1', function () {
  this.timeout(120_000)
  let hubs: MeshNode[] = []
  let hubDbs: Array<MemoryLevel<string, any>> = []
  let peers: MessengerPeer[] = []

  beforeEach(async () => {
    hubDbs = [new MemoryLevel(), new MemoryLevel(), new MemoryLevel()]
    hubs = []
    for (const db of hubDbs) {
      hubs.push(await hub(db))
    }
    // the hubs know each other: one DHT, one gossip mesh
    for (let i = 1; i < hubs.length; i++) {
      await hubs[i].dial(hubs[0].getMultiaddrs()[0])
    }
  })

  /** A and B, each connected to the three mailbox hubs (identified), started */
  async function startedPair (): Promise<[MessengerPeer, MessengerPeer]> {
    const a = await messengerPeer(hubs, 'A')
    const b = await messengerPeer(hubs, 'B')
    peers = [a, b]
    for (const p of peers) {
      await mailboxesIdentified(p, 3)
      await p.messenger.start()
    }
    return [a, b]
  }

  afterEach(async () => {
    for (const p of peers) {
      await p.messenger.stop()
      await p.node.stop()
    }
    peers = []
    for (const h of hubs) {
      await h.stop()
    }
    for (const db of hubDbs) {
      await db.close()
    }
  })

  it('B is offline while A sends; a mailbox node dies; B syncs and gets every message once, in order; acknowledged ones are gone', async () => {
    const [a, first] = await startedPair()
    let b = first
    const bId = b.messenger.userId
    const bDb = b.db
    // B goes offline (its database stays)
    await b.messenger.stop()
    await b.node.stop()
    peers = [a]

    await a.messenger.addContact(bId, 'bob')
    const sent: string[] = []
    for (let i = 0; i < 20; i++) {
      const result = await a.messenger.send('bob', `offline ${i}`)
      expect(result.stored.successes).to.have.length(3)
      expect(result.durable).to.be.true()
      sent.push(result.id)
    }
    const history = await a.messenger.history('bob')
    expect(history.map(m => [m.state, m.mailboxes])).to.deep.equal(Array(20).fill(['stored', 3]))

    // one mailbox node dies
    await hubs[2].stop()

    b = await messengerPeer(hubs.slice(0, 2), 'B', { db: bDb })
    peers.push(b)
    await mailboxesIdentified(b, 2)
    const live: string[] = []
    b.messenger.addEventListener('message', evt => { live.push(evt.detail.text) })
    await b.messenger.start()
    const receipts = nextEvent(a.messenger, 'receipt', (d: { id: string }) => d.id === sent[19])
    const result = await b.messenger.sync()
    const texts = Array.from({ length: 20 }, (_, i) => `offline ${i}`)
    expect(result.messages.map(m => m.text)).to.deep.equal(texts)
    expect(live).to.deep.equal(texts)
    expect(result.envelopes).to.equal(20)
    expect(result.missing).to.equal(0)
    expect(result.reached).to.have.length(2)
    expect(result.failed).to.have.length(1)
    await receipts

    // acknowledged: the mailboxes are empty for B, a second sync brings nothing
    const again = await b.messenger.sync()
    expect(again.envelopes).to.equal(0)
    expect(again.messages).to.be.empty()
    expect((await b.messenger.history(a.messenger.userId)).map(m => m.text)).to.deep.equal(texts)
  })

  it('fills a gap from the other mailboxes: an envelope one mailbox lost is fetched from another, in order', async () => {
    const [a, b] = await startedPair()
    // B hears nothing live: it only watches its mailboxes
    await b.messenger.stop()
    await a.messenger.addContact(b.messenger.userId, 'bob')
    for (let i = 0; i < 5; i++) {
      expect((await a.messenger.send('bob', `gap ${i}`)).durable).to.be.true()
    }
    // mailbox 0 loses message 2, mailbox 1 message 3, mailbox 2 is gone: only the union has all five
    const tag = (await import('../src/index.ts')).mailboxTag(b.messenger.identity.device.signing.publicKey)
    const firstPage = await b.node.services.mailbox.fetch(hubs[0].peerId, b.messenger.identity.device.signing)
    expect(firstPage.entries).to.have.length(5)
    await b.node.services.mailbox.ack(hubs[0].peerId, b.messenger.identity.device.signing, [firstPage.entries[2].hash])
    await b.node.services.mailbox.ack(hubs[1].peerId, b.messenger.identity.device.signing, [firstPage.entries[3].hash])
    expect((await hubs[0].services.mailbox.usage(tag)).count).to.equal(4)
    await hubs[2].stop()

    const shown: string[] = []
    b.messenger.addEventListener('message', evt => { shown.push(evt.detail.text) })
    const result = await b.messenger.sync()
    expect(shown).to.deep.equal(['gap 0', 'gap 1', 'gap 2', 'gap 3', 'gap 4'])
    expect(result.missing).to.equal(0)
    expect(constants.MIN_STORED_RECEIPTS).to.equal(2)
  })
})
