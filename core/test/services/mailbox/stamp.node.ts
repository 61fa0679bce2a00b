/**
 * Stamps: minted ones check, and the checks a mailbox node makes refuse
 * exactly what they should. The hash is recomputed here from its definition
 * with WebCrypto, independently of the implementation under test.
 */

import { expect } from 'aegir/chai'
import { checkStamp, constants, mailboxTag, mintStamp, stampBits, utcDay } from '../../../src/index.ts'
import { ackMessage, fetchMessage, receiptMessage } from '../../../src/services/mailbox/auth.ts'
import { leadingZeroBits } from '../../../src/services/mailbox/stamp.ts'
import type { Stamp } from '../../../src/index.ts'

const DAY = 24 * 60 * 60 * 1000
const tag = new Uint8Array(32).fill(0x11)
const hash = new Uint8Array(32).fill(0x22)

/** SHA-256(utf8("hypha-stamp/1") || tag || hash || u32be(day) || nonce) through WebCrypto */
async function independentBits (stamp: Stamp, t = tag, h = hash): Promise<number> {
  const context = new TextEncoder().encode('hypha-stamp/1')
  const day = new Uint8Array(4)
  new DataView(day.buffer).setUint32(0, stamp.day)
  const input = new Uint8Array([...context, ...t, ...h, ...day, ...stamp.nonce])
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', input))
  let bits = 0
  for (const byte of digest) {
    if (byte === 0) { bits += 8; continue }
    return bits + Math.clz32(byte) - 24
  }
  return bits
}

/** A stamp that misses `difficulty`, by search */
function failing (difficulty: number, day = utcDay()): Stamp {
  for (let i = 0; ; i++) {
    const stamp = { day, nonce: Uint8Array.of(i >> 8, i & 0xff) }
    if (stampBits(tag, hash, stamp) < difficulty) { return stamp }
  }
}

describe('mailbox stamps', () => {
  it('counts leading zero bits', () => {
    expect(leadingZeroBits(Uint8Array.of(0x80))).to.equal(0)
    expect(leadingZeroBits(Uint8Array.of(0x01))).to.equal(7)
    expect(leadingZeroBits(Uint8Array.of(0x00, 0x40))).to.equal(9)
    expect(leadingZeroBits(new Uint8Array(32))).to.equal(256)
  })

  for (const difficulty of [0, 1, 8, 12, 16]) {
    it(`mints a stamp of at least ${difficulty} bits that checks, by the independent hash too`, async () => {
      const stamp = await mintStamp(tag, hash, difficulty)
      expect(stamp.day).to.equal(utcDay())
      expect(stamp.nonce.length).to.be.at.most(constants.MAX_STAMP_NONCE_BYTES)
      expect(await independentBits(stamp)).to.equal(stampBits(tag, hash, stamp))
      expect(stampBits(tag, hash, stamp)).to.be.at.least(difficulty)
      checkStamp(tag, hash, stamp, difficulty)
    })
  }

  it('a stamp is bound to its tag, envelope hash and day', async () => {
    const stamp = await mintStamp(tag, hash, 12)
    const otherTag = new Uint8Array(32).fill(0x33)
    const otherHash = new Uint8Array(32).fill(0x44)
    expect(stampBits(otherTag, hash, stamp)).to.equal(await independentBits(stamp, otherTag))
    expect(stampBits(tag, otherHash, stamp)).to.equal(await independentBits(stamp, tag, otherHash))
    expect(stampBits(tag, hash, { ...stamp, day: stamp.day - 1 })).to.equal(await independentBits({ ...stamp, day: stamp.day - 1 }))
  })

  it('refuses a stamp one bit short with InvalidStampError naming the bits', () => {
    const stamp = failing(10)
    const bits = stampBits(tag, hash, stamp)
    expect(() => { checkStamp(tag, hash, stamp, bits + 1) }).to.throw(`stamp has ${bits} leading zero bits, the mailbox requires ${bits + 1}`)
      .with.property('name', 'InvalidStampError')
    checkStamp(tag, hash, stamp, bits)
  })

  it('accepts today and yesterday (UTC) only', async () => {
    const now = Date.UTC(2026, 10, 22, 0, 0, 0, 1)
    const today = Math.floor(now / DAY)
    for (const day of [today, today - 1]) {
      checkStamp(tag, hash, await mintStamp(tag, hash, 4, day), 4, now)
    }
    for (const day of [today - 2, today + 1, 0]) {
      const stamp = await mintStamp(tag, hash, 4, day)
      expect(() => { checkStamp(tag, hash, stamp, 4, now) }).to.throw(`stamp day ${day} is stale: the mailbox accepts day ${today - 1} or ${today}`)
        .with.property('name', 'InvalidStampError')
    }
    // at midnight UTC, yesterday's stamps go stale
    const stamp = await mintStamp(tag, hash, 4, today - 1)
    expect(() => { checkStamp(tag, hash, stamp, 4, (today + 1) * DAY) }).to.throw(/stale/)
    checkStamp(tag, hash, stamp, 4, (today + 1) * DAY - 1)
  })

  it(`refuses a nonce over MAX_STAMP_NONCE_BYTES (${constants.MAX_STAMP_NONCE_BYTES})`, () => {
    const stamp = { day: utcDay(), nonce: new Uint8Array(constants.MAX_STAMP_NONCE_BYTES + 1) }
    expect(() => { checkStamp(tag, hash, stamp, 0) }).to.throw(`stamp nonce is ${constants.MAX_STAMP_NONCE_BYTES + 1} bytes, at most ${constants.MAX_STAMP_NONCE_BYTES} accepted`)
      .with.property('name', 'InvalidStampError')
    checkStamp(tag, hash, { ...stamp, nonce: new Uint8Array(constants.MAX_STAMP_NONCE_BYTES) }, 0)
  })

  it('refuses bad arguments with TypeError/RangeError', async () => {
    await expect(mintStamp(new Uint8Array(31), hash, 1)).to.eventually.be.rejectedWith(TypeError, 'expected Uint8Array of length 32, got length=31')
    await expect(mintStamp(tag, new Uint8Array(33), 1)).to.eventually.be.rejectedWith(TypeError, 'expected Uint8Array of length 32, got length=33')
    await expect(mintStamp(tag, hash, constants.MAX_STAMP_DIFFICULTY + 1)).to.eventually.be.rejectedWith(RangeError, `expected a difficulty from 0 to ${constants.MAX_STAMP_DIFFICULTY} bits`)
    await expect(mintStamp(tag, hash, -1)).to.eventually.be.rejectedWith(RangeError)
    await expect(mintStamp(tag, hash, 1, 2 ** 32)).to.eventually.be.rejectedWith(RangeError, 'expected the stamp day to be an unsigned 32-bit integer')
  })

  it('minting stops when aborted', async () => {
    await expect(mintStamp(tag, hash, 8, utcDay(), { signal: AbortSignal.abort() })).to.eventually.be.rejected.with.property('name', 'AbortError')
    const controller = new AbortController()
    // 24 bits takes seconds: abort after the first slice
    const minting = mintStamp(tag, hash, constants.MAX_STAMP_DIFFICULTY, utcDay(), { signal: controller.signal })
    setTimeout(() => { controller.abort() }, 0)
    const err = await minting.then(() => undefined, (e: Error) => e)
    // a lucky stamp may come out of the first slice (1 in 512); otherwise the abort ends the search
    if (err == null) {
      expect(stampBits(tag, hash, await minting)).to.be.at.least(constants.MAX_STAMP_DIFFICULTY)
    } else {
      expect(err.name).to.equal('AbortError')
    }
  })
})

describe('mailbox tag and signed bytes', () => {
  const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

  it('tag = SHA-256(utf8("hypha-mailbox-tag/1") || inbox key), by WebCrypto', async () => {
    const inboxKey = new Uint8Array(32).map((_, i) => i)
    const expected = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array([...utf8('hypha-mailbox-tag/1'), ...inboxKey])))
    expect(mailboxTag(inboxKey)).to.deep.equal(expected)
    expect(() => mailboxTag(new Uint8Array(31))).to.throw(TypeError, 'expected Uint8Array of length 32, got length=31')
  })

  it('lays out the FETCH, ACK and receipt bytes as PROTOCOL.md section 18 says', () => {
    const peer = Uint8Array.of(0x00, 0x24, 1, 2, 3)
    const challenge = new Uint8Array(32).fill(0xcc)
    const cursor = Uint8Array.of(0, 0, 0, 0, 0, 0, 1, 2)
    expect(fetchMessage(peer, challenge, cursor, 0x01020304)).to.deep.equal(new Uint8Array([0, 5, ...peer, ...challenge, 0, 8, ...cursor, 1, 2, 3, 4]))
    expect(fetchMessage(peer, challenge, new Uint8Array(0), 0)).to.deep.equal(new Uint8Array([0, 5, ...peer, ...challenge, 0, 0, 0, 0, 0, 0]))
    const hashes = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)]
    expect(ackMessage(peer, challenge, hashes)).to.deep.equal(new Uint8Array([0, 5, ...peer, ...challenge, 0, 2, ...hashes[0], ...hashes[1]]))
    const tag = new Uint8Array(32).fill(0x11)
    const envelopeHash = new Uint8Array(32).fill(0x22)
    const storedAt = 0x0102030405
    expect(receiptMessage({ mailboxPeerId: peer, tag, envelopeHash, storedAt, expiresAt: storedAt + 1 })).to.deep.equal(new Uint8Array([
      0, 5, ...peer, ...tag, ...envelopeHash, 0, 0, 0, 1, 2, 3, 4, 5, 0, 0, 0, 1, 2, 3, 4, 6
    ]))
  })
})
