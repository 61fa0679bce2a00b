import { expect } from 'aegir/chai'
import { refillStepBudget } from '../../src/crypto/chain.ts'
import { constants, parseSenderKeyMessage, SENDER_KEY_MESSAGE_TYPE, SenderKey, SenderKeyReceiver } from '../../src/index.ts'
import { SenderKeyDistribution } from '../../src/protocol/pb/envelope.ts'
import { read, rejection, text } from '../fixtures/peers.ts'
import { prng } from '../fixtures/random.ts'

interface Member {
  name: string
  key: SenderKey
  /** This member's receivers for the others' sender keys, by key id */
  receivers: Map<number, SenderKeyReceiver>
}

/** A group whose members each made a sender key and received everyone else's distribution */
async function group (names: string[]): Promise<Member[]> {
  const members: Member[] = []
  for (const name of names) {
    members.push({ name, key: await SenderKey.create(), receivers: new Map() })
  }
  for (const member of members) {
    for (const other of members) {
      if (other !== member) {
        member.receivers.set(other.key.keyId, SenderKeyReceiver.fromDistribution(other.key.distribution()))
      }
    }
  }
  return members
}

/** What `to` reads from `from`'s message */
async function deliver (to: Member, from: Member, bytes: Uint8Array): Promise<string> {
  const receiver = to.receivers.get(parseSenderKeyMessage(bytes).header.keyId)
  if (receiver == null) {
    throw new Error(`${to.name} has no receiver for ${from.name}`)
  }
  return read(await receiver.decrypt(bytes))
}

function patchKeyId (bytes: Uint8Array, keyId: number): Uint8Array {
  const out = Uint8Array.from(bytes)
  new DataView(out.buffer).setUint32(1, keyId)
  return out
}

describe('sender keys', function () {
  // some tests skip MAX_FORWARD_JUMP keys on purpose: each starts with a full budget of skipped steps
  beforeEach(() => { refillStepBudget() })

  this.timeout(120_000)

  it('lets 3 members read each other\'s messages', async () => {
    const members = await group(['A', 'B', 'C'])
    for (let round = 0; round < 3; round++) {
      for (const from of members) {
        const body = `${from.name} says ${round}`
        const bytes = await from.key.encrypt(text(body))
        expect(bytes[0]).to.equal(SENDER_KEY_MESSAGE_TYPE)
        expect(parseSenderKeyMessage(bytes).header).to.deep.equal({ keyId: from.key.keyId, iteration: round })
        for (const to of members) {
          if (to !== from) {
            expect(await deliver(to, from, bytes)).to.equal(body)
          }
        }
      }
    }
  })

  it('carries key id, iteration, chain key and signing key in the distribution', async () => {
    const key = await SenderKey.create()
    const before = SenderKeyDistribution.decode(key.distribution())
    expect(before.keyId).to.equal(key.keyId)
    expect(before.iteration).to.equal(0)
    expect(before.chainKey).to.have.length(32)
    expect(before.signingKey).to.have.length(32)
    await key.encrypt(text('one'))
    const after = SenderKeyDistribution.decode(key.distribution())
    expect(after.iteration).to.equal(1)
    expect(after.signingKey).to.deep.equal(before.signingKey)
    expect(after.chainKey).to.not.deep.equal(before.chainKey)
    const receiver = SenderKeyReceiver.fromDistribution(key.distribution())
    expect(receiver.keyId).to.equal(key.keyId)
    expect(receiver.signingKey).to.deep.equal(before.signingKey)
  })

  it('decrypts out of order and rejects replays', async () => {
    const key = await SenderKey.create()
    const receiver = SenderKeyReceiver.fromDistribution(key.distribution())
    const messages: Uint8Array[] = []
    for (let i = 0; i < 50; i++) {
      messages.push(await key.encrypt(text(`m${i}`)))
    }
    const random = prng(7)
    const order = messages.map((_, i) => i).sort(() => random() - 0.5)
    for (const i of order) {
      expect(read(await receiver.decrypt(messages[i]))).to.equal(`m${i}`)
    }
    // every one of them, once more: the in-order ones and the skipped ones alike
    for (const i of order) {
      expect((await rejection(receiver.decrypt(messages[i]))).name).to.equal('DuplicateMessageError', `m${i}`)
    }
    // a skipped key is used once: deliver 52 first, then 50 twice
    const late = [await key.encrypt(text('m50')), await key.encrypt(text('m51')), await key.encrypt(text('m52'))]
    expect(read(await receiver.decrypt(late[2]))).to.equal('m52')
    expect(read(await receiver.decrypt(late[0]))).to.equal('m50')
    expect((await rejection(receiver.decrypt(late[0]))).name).to.equal('DuplicateMessageError')
    expect((await rejection(receiver.decrypt(late[2]))).name).to.equal('DuplicateMessageError')
    expect(read(await receiver.decrypt(late[1]))).to.equal('m51')
  })

  it('keeps at most MAX_SKIPPED_MESSAGE_KEYS skipped keys', async () => {
    const key = await SenderKey.create()
    const receiver = SenderKeyReceiver.fromDistribution(key.distribution())
    const messages: Uint8Array[] = []
    for (let i = 0; i <= constants.MAX_SKIPPED_MESSAGE_KEYS + 1; i++) {
      messages.push(await key.encrypt(text(`m${i}`)))
    }
    const last = messages.length - 1
    expect(read(await receiver.decrypt(messages[last]))).to.equal(`m${last}`)
    // the oldest skipped message was not kept; the MAX_SKIPPED_MESSAGE_KEYS after it were
    expect((await rejection(receiver.decrypt(messages[0]))).name).to.equal('DuplicateMessageError')
    expect(read(await receiver.decrypt(messages[1]))).to.equal('m1')
    expect(read(await receiver.decrypt(messages[last - 1]))).to.equal(`m${last - 1}`)
  })

  it('rejects a member\'s message passed off as another member\'s', async () => {
    const [a, b, c] = await group(['A', 'B', 'C'])
    // C writes a message and patches B's key id into its header, so that A picks B's receiver
    const fromC = await c.key.encrypt(text('I am B, honest'))
    const forged = patchKeyId(fromC, b.key.keyId)
    const err = await rejection(deliver(a, b, forged))
    expect(err.name).to.equal('InvalidSignatureError')
    // C's message as it is, handed to the receiver of B's key: refused on the key id
    const receiverOfB = a.receivers.get(b.key.keyId)
    expect((await rejection(receiverOfB?.decrypt(fromC) ?? Promise.resolve())).name).to.equal('MalformedMessageError')
    // B's own messages still read, from the first
    const fromB = await b.key.encrypt(text('really B'))
    expect(await deliver(a, b, fromB)).to.equal('really B')
    expect(await deliver(a, c, fromC)).to.equal('I am B, honest')
  })

  it('gives a typed error for every flipped bit, and the receiver still works after', async () => {
    const key = await SenderKey.create()
    const receiver = SenderKeyReceiver.fromDistribution(key.distribution())
    const message = await key.encrypt(text('flip me'))
    const headerLength = parseSenderKeyMessage(message).headerLength
    expect(headerLength).to.equal(6)
    const seen = new Map<string, number>()
    for (let bit = 0; bit < message.length * 8; bit++) {
      const bad = Uint8Array.from(message)
      bad[bit >> 3] ^= 1 << (bit & 7)
      const byte = bit >> 3
      const err = await rejection(receiver.decrypt(bad))
      seen.set(err.name, (seen.get(err.name) ?? 0) + 1)
      if (byte === 0) {
        expect(err.name).to.equal('UnsupportedVersionError', `bit ${bit}`)
      } else if (byte < 5) {
        // another key id: not this receiver's key
        expect(err.name).to.equal('MalformedMessageError', `bit ${bit}`)
      } else if (byte === 5) {
        // the iteration varint: another value (signature fails) or a longer varint running into the nonce
        expect(['InvalidSignatureError', 'MalformedMessageError']).to.include(err.name, `bit ${bit}`)
      } else {
        expect(err.name).to.equal('InvalidSignatureError', `bit ${bit}`)
      }
    }
    expect(seen.get('InvalidSignatureError')).to.be.greaterThan(message.length * 8 - 50)
    expect(read(await receiver.decrypt(message))).to.equal('flip me')
    expect(read(await receiver.decrypt(await key.encrypt(text('and on'))))).to.equal('and on')
  })

  it('rejects truncated, oversized and non-sender-key messages', async () => {
    const key = await SenderKey.create()
    const receiver = SenderKeyReceiver.fromDistribution(key.distribution())
    const message = await key.encrypt(text(''))
    expect(message).to.have.length(6 + constants.NONCE_LENGTH + constants.TAG_LENGTH + constants.SIGNATURE_LENGTH)
    for (const length of [1, 5, 6, message.length - 1]) {
      expect((await rejection(receiver.decrypt(message.subarray(0, length)))).name).to.equal('MalformedMessageError', `length ${length}`)
    }
    expect((await rejection(receiver.decrypt(new Uint8Array(0)))).name).to.equal('UnsupportedVersionError')
    expect((await rejection(receiver.decrypt(Uint8Array.of(0x02, ...message.subarray(1))))).name).to.equal('UnsupportedVersionError')
    const big = new Uint8Array(constants.MAX_ENVELOPE_BYTES + 1)
    big.set(message)
    expect((await rejection(receiver.decrypt(big))).name).to.equal('MessageTooLargeError')
    expect(read(await receiver.decrypt(message))).to.equal('')
  })

  it('refuses a distribution with wrong key lengths or that does not decode', () => {
    const good: SenderKeyDistribution = { keyId: 1, iteration: 0, chainKey: new Uint8Array(32), signingKey: new Uint8Array(32) }
    expect(SenderKeyReceiver.fromDistribution(SenderKeyDistribution.encode(good)).keyId).to.equal(1)
    const bad = [
      SenderKeyDistribution.encode({ ...good, chainKey: new Uint8Array(31) }),
      SenderKeyDistribution.encode({ ...good, chainKey: new Uint8Array(33) }),
      SenderKeyDistribution.encode({ ...good, signingKey: new Uint8Array(31) }),
      SenderKeyDistribution.encode({ ...good, signingKey: new Uint8Array(64) }),
      new Uint8Array(0),
      Uint8Array.of(0x0f),
      Uint8Array.of(0x1a, 0x20, 1, 2, 3)
    ]
    for (const bytes of bad) {
      expect(() => SenderKeyReceiver.fromDistribution(bytes), `${bytes.length} bytes`).to.throw().with.property('name', 'MalformedMessageError')
    }
  })

  it('does not give new members the history', async () => {
    const key = await SenderKey.create()
    const early = SenderKeyReceiver.fromDistribution(key.distribution())
    const history: Uint8Array[] = []
    for (let i = 0; i < 5; i++) {
      history.push(await key.encrypt(text(`old ${i}`)))
    }
    const newcomer = SenderKeyReceiver.fromDistribution(key.distribution())
    for (const bytes of history) {
      expect((await rejection(newcomer.decrypt(bytes))).name).to.equal('DuplicateMessageError')
    }
    const now = await key.encrypt(text('welcome'))
    expect(read(await newcomer.decrypt(now))).to.equal('welcome')
    expect(read(await early.decrypt(now))).to.equal('welcome')
    expect(read(await early.decrypt(history[4]))).to.equal('old 4')
  })

  it('rejects a jump of MAX_FORWARD_JUMP + 1 and accepts MAX_FORWARD_JUMP', async function () {
    const key = await SenderKey.create()
    const fresh = (): SenderKeyReceiver => SenderKeyReceiver.fromDistribution(key.distribution())
    const atStart = [fresh(), fresh()]
    let message: Uint8Array = new Uint8Array()
    for (let i = 0; i <= constants.MAX_FORWARD_JUMP; i++) {
      message = await key.encrypt(text(`m${i}`))
    }
    // message MAX_FORWARD_JUMP, to a receiver expecting message 0: skips exactly MAX_FORWARD_JUMP keys
    expect(parseSenderKeyMessage(message).header.iteration).to.equal(constants.MAX_FORWARD_JUMP)
    expect(read(await atStart[0].decrypt(message))).to.equal(`m${constants.MAX_FORWARD_JUMP}`)
    const beyond = await key.encrypt(text('too far'))
    expect((await rejection(atStart[1].decrypt(beyond))).name).to.equal('TooManySkippedMessagesError')
    // the refused receiver did not move: the one before the limit still decrypts
    expect(read(await atStart[1].decrypt(message))).to.equal(`m${constants.MAX_FORWARD_JUMP}`)
    expect(read(await atStart[1].decrypt(beyond))).to.equal('too far')
  })

  it('keeps working when the caller wipes the distribution bytes it was built from', async () => {
    const key = await SenderKey.create()
    const distribution = key.distribution()
    const receiver = SenderKeyReceiver.fromDistribution(distribution)
    distribution.fill(0)
    const message = await key.encrypt(new TextEncoder().encode('still readable'))
    expect(new TextDecoder().decode(await receiver.decrypt(message))).to.equal('still readable')
  })
})
