import { expect } from 'aegir/chai'
import { refillStepBudget } from '../../src/crypto/chain.ts'
import { constants } from '../../src/index.ts'
import { fetchBundle, peer, read, rejection, text } from '../fixtures/peers.ts'
import { prng } from '../fixtures/random.ts'
import type { Peer } from '../fixtures/peers.ts'

/** Two peers with an established session: A initiated, B replied, A received */
async function pair (): Promise<{ a: Peer, b: Peer, aKey: Uint8Array, bKey: Uint8Array }> {
  const [a, b] = [await peer(), await peer()]
  const bundle = await fetchBundle(b)
  await a.sessions.initiate(bundle)
  const got = await b.sessions.decrypt(await a.sessions.encrypt(bundle.signingKey, text('hello')))
  await a.sessions.decrypt(await b.sessions.encrypt(got.sender.signingKey, text('hello back')))
  return { a, b, aKey: got.sender.signingKey, bKey: bundle.signingKey }
}

interface InFlight { id: number, to: 'a' | 'b', bytes: Uint8Array, duplicate: boolean }

describe('double ratchet', function () {
  // some tests skip MAX_FORWARD_JUMP keys on purpose: each starts with a full budget of skipped steps
  beforeEach(() => { refillStepBudget() })

  this.timeout(120_000)

  it('decrypts 10,000 messages exactly once, in random order, with drops and duplicates', async () => {
    const seed = 20261122
    const random = prng(seed)
    const { a, b, aKey, bKey } = await pair()
    const TOTAL = 10_000
    const MAX_IN_FLIGHT = 300
    const sent = new Map<number, string>()
    const received = new Map<number, number>()
    const dropped = new Set<number>()
    let pool: InFlight[] = []
    let duplicatesRejected = 0
    let duplicatesSent = 0
    let id = 0

    const deliver = async (m: InFlight): Promise<void> => {
      const receiver = m.to === 'a' ? a : b
      if (m.duplicate) {
        const err = await rejection(receiver.sessions.decrypt(m.bytes))
        expect(err.name, `duplicate of ${m.id}`).to.equal('DuplicateMessageError')
        duplicatesRejected++
        return
      }
      const { plaintext } = await receiver.sessions.decrypt(m.bytes)
      const body = read(plaintext)
      const n = Number(body.split(':')[0])
      expect(body).to.equal(sent.get(n))
      received.set(n, (received.get(n) ?? 0) + 1)
    }

    // bursts: one side sends a few messages, then the other, so the DH ratchet turns often
    let sender: 'a' | 'b' = 'a'
    while (id < TOTAL || pool.length > 0) {
      const canSend = id < TOTAL && pool.length < MAX_IN_FLIGHT
      if (canSend && (random() < 0.55 || pool.length === 0)) {
        if (random() < 0.1) { sender = sender === 'a' ? 'b' : 'a' }
        const body = `${id}:${random().toString(36)}`
        sent.set(id, body)
        const bytes = sender === 'a'
          ? await a.sessions.encrypt(bKey, text(body))
          : await b.sessions.encrypt(aKey, text(body))
        pool.push({ id, to: sender === 'a' ? 'b' : 'a', bytes, duplicate: false })
        id++
        continue
      }
      const pick = Math.floor(random() * pool.length)
      const m = pool[pick]
      pool = pool.filter((_, i) => i !== pick)
      if (!m.duplicate && random() < 0.02) {
        dropped.add(m.id)
        continue
      }
      await deliver(m)
      if (!m.duplicate && random() < 0.03) {
        pool.push({ ...m, duplicate: true })
        duplicatesSent++
      }
    }

    expect(sent.size).to.equal(TOTAL)
    for (const [n] of sent) {
      expect(received.get(n) ?? 0, `message ${n}`).to.equal(dropped.has(n) ? 0 : 1)
    }
    expect(received.size).to.equal(TOTAL - dropped.size)
    expect(duplicatesRejected).to.equal(duplicatesSent)
    expect(dropped.size).to.be.greaterThan(50)
    expect(duplicatesSent).to.be.greaterThan(100)
  })

  it(`accepts a forward jump of exactly ${constants.MAX_FORWARD_JUMP} and keeps only the newest ${constants.MAX_SKIPPED_MESSAGE_KEYS} skipped keys`, async () => {
    const { a, b, bKey } = await pair()
    const messages: Uint8Array[] = []
    for (let i = 0; i <= constants.MAX_FORWARD_JUMP; i++) {
      messages.push(await a.sessions.encrypt(bKey, text(String(i))))
    }
    // message n skips n keys
    const last = constants.MAX_FORWARD_JUMP
    expect(read((await b.sessions.decrypt(messages[last])).plaintext)).to.equal(String(last))
    const oldestKept = last - constants.MAX_SKIPPED_MESSAGE_KEYS
    expect(read((await b.sessions.decrypt(messages[oldestKept])).plaintext)).to.equal(String(oldestKept))
    expect(read((await b.sessions.decrypt(messages[last - 1])).plaintext)).to.equal(String(last - 1))
    expect((await rejection(b.sessions.decrypt(messages[oldestKept - 1]))).name).to.equal('DuplicateMessageError')
    expect((await rejection(b.sessions.decrypt(messages[0]))).name).to.equal('DuplicateMessageError')
  })

  it(`rejects a forward jump of ${constants.MAX_FORWARD_JUMP + 1}, and the session is unharmed`, async () => {
    const { a, b, bKey } = await pair()
    const messages: Uint8Array[] = []
    for (let i = 0; i <= constants.MAX_FORWARD_JUMP + 1; i++) {
      messages.push(await a.sessions.encrypt(bKey, text(String(i))))
    }
    const err = await rejection(b.sessions.decrypt(messages[constants.MAX_FORWARD_JUMP + 1]))
    expect(err.name).to.equal('TooManySkippedMessagesError')
    expect(read((await b.sessions.decrypt(messages[0])).plaintext)).to.equal('0')
    expect(read((await b.sessions.decrypt(messages[constants.MAX_FORWARD_JUMP + 1])).plaintext)).to.equal(String(constants.MAX_FORWARD_JUMP + 1))
  })

  it('bounds the keys skipped at the end of a previous chain too', async () => {
    const { a, b, aKey, bKey } = await pair()
    // A sends a long chain; B sees only its first message, then answers, which turns the ratchet
    const chain: Uint8Array[] = []
    for (let i = 0; i < constants.MAX_FORWARD_JUMP + 2; i++) { chain.push(await a.sessions.encrypt(bKey, text(String(i)))) }
    await b.sessions.decrypt(chain[0])
    await a.sessions.decrypt(await b.sessions.encrypt(aKey, text('turn')))
    // A's next chain announces pn = MAX_FORWARD_JUMP + 2: B would have to skip MAX_FORWARD_JUMP + 1 keys
    const next = await a.sessions.encrypt(bKey, text('next chain'))
    expect((await rejection(b.sessions.decrypt(next))).name).to.equal('TooManySkippedMessagesError')
    // the old chain still decrypts within bounds
    expect(read((await b.sessions.decrypt(chain[1])).plaintext)).to.equal('1')
    expect(read((await b.sessions.decrypt(next)).plaintext)).to.equal('next chain')
  })
})
