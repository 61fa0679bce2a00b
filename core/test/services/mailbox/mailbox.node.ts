/**
 * Mailboxes between real libp2p nodes on 127.0.0.1 (TCP, noise, yamux,
 * identify), state in memory-level: clients that behave, raw streams for
 * what a well-behaved client never sends, and a mailbox node that lies.
 * Server clocks are injected, so nothing here waits for time to pass.
 */

import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { tcp } from '@libp2p/tcp'
import { pbStream } from '@libp2p/utils'
import { sha256 } from '@noble/hashes/sha2.js'
import { expect } from 'aegir/chai'
import { createLibp2p } from 'libp2p'
import { MemoryLevel } from 'memory-level'
import { varint } from 'multiformats'
import { generateEd25519, signWithContext } from '../../../src/identity/keys.ts'
import { constants, mailboxClient, mailboxServer, mailboxTag, stampBits, utcDay, verifyReceipt } from '../../../src/index.ts'
import { MailboxRequest, MailboxResponse, RequestType } from '../../../src/protocol/pb/mailbox.ts'
import { ACK_PREFIX, FETCH_PREFIX, RECEIPT_PREFIX, ackMessage, fetchMessage, receiptMessage } from '../../../src/services/mailbox/auth.ts'
import { MAILBOX_PROTOCOL } from '../../../src/services/mailbox/constants.ts'
import { concat } from '../../../src/utils/bytes.ts'
import { rejection } from '../../fixtures/peers.ts'
import { deterministicRandom } from '../../fixtures/random.ts'
import type { KeyPair, MailboxClient, MailboxReceipt, MailboxServer, MailboxServerInit, MailboxSigner, Stamp } from '../../../src/index.ts'
import type { Libp2p, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

const { Status } = MailboxResponse

type ServerNode = Libp2p<{ mailbox: MailboxServer }>
type ClientNode = Libp2p<{ mailbox: MailboxClient }>

const LISTEN = ['/ip4/127.0.0.1/tcp/0']
/** Stamps cost 2^8 hashes in most tests; one test runs the default difficulty */
const TEST_DIFFICULTY = 8

/** A server clock the test moves by hand */
class Clock {
  offset = 0
  readonly now = (): number => Date.now() + this.offset
  advance (ms: number): void { this.offset += ms }
}

interface TestServer {
  node: ServerNode
  address: Multiaddr
  db: MemoryLevel<string, any>
  clock: Clock
  /** What the server logged (to find the typed error a bad frame ended its stream with) */
  logged: string[]
}

function recordingLogger (logged: string[]): any {
  const log: any = (...args: any[]): void => { logged.push(args.map(String).join(' ')) }
  log.error = log
  log.trace = () => {}
  log.enabled = true
  log.newScope = () => log
  return { forComponent: () => log }
}

async function serverNode (init: Partial<MailboxServerInit> = {}, db = new MemoryLevel<string, any>()): Promise<TestServer> {
  const clock = new Clock()
  const logged: string[] = []
  const factory = mailboxServer({ difficulty: TEST_DIFFICULTY, now: clock.now, ...init, db })
  const node = await createLibp2p({
    addresses: { listen: LISTEN },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      mailbox: (components: any) => factory({
        peerId: components.peerId,
        privateKey: components.privateKey,
        registrar: components.registrar,
        logger: recordingLogger(logged)
      })
    }
  })
  return { node, address: node.getMultiaddrs()[0], db, clock, logged }
}

async function clientNode (): Promise<ClientNode> {
  return createLibp2p({
    addresses: { listen: LISTEN },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), mailbox: mailboxClient() }
  })
}

const bytes = (n: number, fill = 0): Uint8Array => new Uint8Array(n).fill(fill)
const envelopeOf = (text: string): Uint8Array => new TextEncoder().encode(text)
const hex = (b: Uint8Array): string => Array.from(b, x => x.toString(16).padStart(2, '0')).join('')

/** A signer that claims `claimed`'s public key but signs with `actual`'s secret */
const impostor = (claimed: KeyPair, actual: KeyPair): MailboxSigner => ({
  publicKey: claimed.publicKey,
  sign: async (message) => signWithContext(actual.secretKey, new Uint8Array(0), message)
})

/** A stamp that misses `difficulty` (found by search, so the test cannot pass by luck) */
function failingStamp (tag: Uint8Array, envelope: Uint8Array, difficulty: number): Stamp {
  const hash = sha256(envelope)
  for (let i = 0; ; i++) {
    const stamp = { day: utcDay(), nonce: Uint8Array.of(i >> 8, i & 0xff) }
    if (stampBits(tag, hash, stamp) < difficulty) { return stamp }
  }
}

/** A length-prefixed frame around `body`, optionally claiming another length */
function frame (body: Uint8Array, claimedLength = body.byteLength): Uint8Array {
  const prefix = new Uint8Array(varint.encodingLength(claimedLength))
  varint.encodeTo(claimedLength, prefix)
  const out = new Uint8Array(prefix.byteLength + body.byteLength)
  out.set(prefix)
  out.set(body, prefix.byteLength)
  return out
}

interface Wire {
  send(request: MailboxRequest): Promise<void>
  receive(): Promise<MailboxResponse>
  /** The other side, for a mailbox node played by the test */
  answer(response: MailboxResponse): Promise<void>
  request(): Promise<MailboxRequest>
}

/** Request/response by hand on one stream */
function wire (stream: Stream): Wire {
  const messages = pbStream(stream, { maxDataLength: constants.MAILBOX_MAX_FRAME_BYTES })
  const signal = (): AbortSignal => AbortSignal.timeout(10_000)
  return {
    send: async (request) => { await messages.write(request, MailboxRequest) },
    receive: async () => messages.read(MailboxResponse, { signal: signal() }),
    answer: async (response) => { await messages.write(response, MailboxResponse) },
    request: async () => messages.read(MailboxRequest, { signal: signal() })
  }
}

/** Send `frames` as they are on a fresh stream, close the writing side, then read one answer (or the error the stream ends with) */
async function raw (from: Libp2p, to: Multiaddr, frames: Uint8Array[]): Promise<{ response?: MailboxResponse, error?: Error }> {
  const stream = await from.dialProtocol(to, MAILBOX_PROTOCOL)
  const signal = AbortSignal.timeout(10_000)
  const messages = pbStream(stream, { maxDataLength: constants.MAILBOX_MAX_FRAME_BYTES })
  try {
    for (const f of frames) { stream.send(f) }
    await stream.close({ signal })
    return { response: await messages.read(MailboxResponse, { signal }) }
  } catch (error: any) {
    stream.abort(error)
    return { error }
  }
}

describe('mailbox over libp2p (TCP on 127.0.0.1)', function () {
  this.timeout(60_000)

  let server: TestServer
  let alice: ClientNode
  let bob: ClientNode
  let carol: ClientNode
  let bobDevice: KeyPair
  let carolDevice: KeyPair
  let bobTag: Uint8Array
  let carolTag: Uint8Array
  const extra: Array<Libp2p<any>> = []

  before(async () => {
    [server, alice, bob, carol] = await Promise.all([serverNode(), clientNode(), clientNode(), clientNode()])
    bobDevice = await generateEd25519()
    carolDevice = await generateEd25519()
    bobTag = mailboxTag(bobDevice.publicKey)
    carolTag = mailboxTag(carolDevice.publicKey)
  })

  after(async () => {
    await Promise.all([server?.node, alice, bob, carol, ...extra].map(async node => node?.stop()))
  })

  /** Start a server for one test; stopped after all */
  async function freshServer (init: Partial<MailboxServerInit> = {}, db?: MemoryLevel<string, any>): Promise<TestServer> {
    const s = await serverNode(init, db)
    extra.push(s.node)
    return s
  }

  /** Drain an inbox page by page with `limit`; returns every entry in order */
  async function drain (client: ClientNode, address: Multiaddr, device: KeyPair, limit?: number): Promise<Array<{ hash: Uint8Array, envelope: Uint8Array }>> {
    const entries: Array<{ hash: Uint8Array, envelope: Uint8Array }> = []
    let cursor: Uint8Array | undefined
    while (true) {
      const page = await client.services.mailbox.fetch(address, device, { cursor, limit })
      entries.push(...page.entries)
      cursor = page.cursor
      if (!page.more) { return entries }
    }
  }

  /** The node still takes a deposit for another inbox and returns it to its owner */
  async function stillServing (s: TestServer = server): Promise<void> {
    const device = await generateEd25519()
    const envelope = envelopeOf(`alive ${Math.random()}`)
    await carol.services.mailbox.deposit(s.address, mailboxTag(device.publicKey), envelope)
    const page = await carol.services.mailbox.fetch(s.address, device)
    expect(page.entries.map(e => hex(e.envelope))).to.deep.equal([hex(envelope)])
  }

  describe('deposit, fetch, ack', () => {
    it('round trip: deposits come back in order over pages, acks delete them', async () => {
      const envelopes = [0, 1, 2, 3, 4].map(i => envelopeOf(`message ${i}`))
      for (const envelope of envelopes) {
        await alice.services.mailbox.deposit(server.address, bobTag, envelope)
      }

      const first = await bob.services.mailbox.fetch(server.address, bobDevice, { limit: 2 })
      expect(first.entries.map(e => hex(e.envelope))).to.deep.equal(envelopes.slice(0, 2).map(hex))
      expect(first.more).to.equal(true)
      expect(first.cursor).to.have.length(8)
      const second = await bob.services.mailbox.fetch(server.address, bobDevice, { limit: 2, cursor: first.cursor })
      expect(second.entries.map(e => hex(e.envelope))).to.deep.equal(envelopes.slice(2, 4).map(hex))
      expect(second.more).to.equal(true)
      const third = await bob.services.mailbox.fetch(server.address, bobDevice, { limit: 2, cursor: second.cursor })
      expect(third.entries.map(e => hex(e.envelope))).to.deep.equal([hex(envelopes[4])])
      expect(third.more).to.equal(false)

      const all = [...first.entries, ...second.entries, ...third.entries]
      expect(all.map(e => hex(e.hash))).to.deep.equal(envelopes.map(e => hex(sha256(e))))
      for (const entry of all) {
        expect(entry.expiresAt - entry.storedAt).to.equal(constants.MAILBOX_RETENTION * 1000)
      }
      expect(await server.node.services.mailbox.usage(bobTag)).to.deep.equal({
        count: 5, bytes: envelopes.reduce((sum, e) => sum + e.length, 0)
      })

      // nothing new after the last cursor; a new deposit shows up after it
      expect((await bob.services.mailbox.fetch(server.address, bobDevice, { cursor: third.cursor })).entries).to.deep.equal([])
      const later = envelopeOf('message 5')
      await alice.services.mailbox.deposit(server.address, bobTag, later)
      const next = await bob.services.mailbox.fetch(server.address, bobDevice, { cursor: third.cursor })
      expect(next.entries.map(e => hex(e.envelope))).to.deep.equal([hex(later)])

      expect(await bob.services.mailbox.ack(server.address, bobDevice, all.slice(0, 2).map(e => e.hash))).to.equal(2)
      expect((await drain(bob, server.address, bobDevice)).map(e => hex(e.envelope))).to.deep.equal([...envelopes.slice(2), later].map(hex))
      // acking again, or a hash never stored, deletes nothing
      expect(await bob.services.mailbox.ack(server.address, bobDevice, [all[0].hash, bytes(32, 7)])).to.equal(0)
      expect(await bob.services.mailbox.ack(server.address, bobDevice, [...all.slice(2), ...next.entries].map(e => e.hash))).to.equal(4)
      expect(await drain(bob, server.address, bobDevice)).to.deep.equal([])
      expect(await server.node.services.mailbox.usage(bobTag)).to.deep.equal({ count: 0, bytes: 0 })
    })

    it('returns a verified receipt: signed by the node dialled, for this tag and envelope, durable until expiry', async () => {
      const envelope = envelopeOf('receipt')
      const receipt = await alice.services.mailbox.deposit(server.address, carolTag, envelope)
      expect(receipt.mailbox.toString()).to.equal(server.node.peerId.toString())
      expect(hex(receipt.mailboxPeerId)).to.equal(hex(server.node.peerId.toMultihash().bytes))
      expect(hex(receipt.tag)).to.equal(hex(carolTag))
      expect(hex(receipt.envelopeHash)).to.equal(hex(sha256(envelope)))
      expect(receipt.expiresAt - receipt.storedAt).to.equal(constants.MAILBOX_RETENTION * 1000)
      // and it verifies again later, by anyone who knows the node
      await verifyReceipt(receipt, server.node.peerId, { tag: carolTag, envelopeHash: sha256(envelope) })
      await bob.services.mailbox.ack(server.address, carolDevice, [receipt.envelopeHash])
    })

    it('a tampered receipt does not verify', async () => {
      const envelope = envelopeOf('tampered')
      const receipt = await alice.services.mailbox.deposit(server.address, carolTag, envelope)
      const tampered: MailboxReceipt[] = [
        { ...receipt, expiresAt: receipt.expiresAt + 1 },
        { ...receipt, storedAt: receipt.storedAt - 1 },
        { ...receipt, tag: bobTag },
        { ...receipt, envelopeHash: sha256(envelopeOf('other')) },
        { ...receipt, signature: Uint8Array.from(receipt.signature, (b, i) => i === 0 ? b ^ 1 : b) }
      ]
      for (const fields of tampered) {
        const err = await rejection(verifyReceipt(fields, server.node.peerId))
        expect(err.name).to.equal('InvalidReceiptError')
      }
      // the right receipt checked against another node
      expect((await rejection(verifyReceipt(receipt, alice.peerId))).name).to.equal('InvalidReceiptError')
      // the right receipt for another deposit
      expect((await rejection(verifyReceipt(receipt, server.node.peerId, { tag: bobTag }))).name).to.equal('InvalidReceiptError')
      await bob.services.mailbox.ack(server.address, carolDevice, [receipt.envelopeHash])
    })

    it('the client rejects a receipt a lying node tampered with, or signed for another node', async () => {
      const liarKey = await generateKeyPair('Ed25519')
      const otherKey = await generateKeyPair('Ed25519')
      const liar = await createLibp2p({ privateKey: liarKey, addresses: { listen: LISTEN }, transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
      extra.push(liar)
      let lie: 'tampered' | 'other node' = 'tampered'
      await liar.handle(MAILBOX_PROTOCOL, async (stream) => {
        const { answer, request } = wire(stream)
        let next = await request()
        if (next.type === RequestType.INFO) {
          await answer({
            type: RequestType.INFO,
            status: Status.OK,
            info: { difficulty: 0, retention: 60, maxEnvelopeBytes: 1024, quotaCount: 10, quotaBytes: 10_000n, maxPageSize: 10, maxPageBytes: 10_000, maxAckHashes: 10 }
          })
          next = await request()
        }
        const deposit = next.deposit
        const signer = lie === 'tampered' ? liarKey : otherKey
        const fields = {
          mailboxPeerId: peerIdFromPrivateKey(signer).toMultihash().bytes,
          tag: deposit?.tag ?? new Uint8Array(0),
          envelopeHash: sha256(deposit?.envelope ?? new Uint8Array(0)),
          storedAt: Date.now(),
          expiresAt: Date.now() + 60_000
        }
        // a valid signature by `signer`; the tampered lie then stretches the expiry it covers
        const signature = await signer.sign(concat([RECEIPT_PREFIX, receiptMessage(fields)]))
        await answer({
          type: RequestType.DEPOSIT,
          status: Status.OK,
          receipt: {
            ...fields,
            storedAt: BigInt(fields.storedAt),
            expiresAt: BigInt(fields.expiresAt + (lie === 'tampered' ? 86_400_000 : 0)),
            signature: Uint8Array.from(signature)
          }
        })
        await stream.close()
      })

      const tampered = await rejection(alice.services.mailbox.deposit(liar.getMultiaddrs()[0], bobTag, envelopeOf('lie')))
      expect(tampered.name).to.equal('InvalidReceiptError')
      expect(tampered.message).to.include('signature does not verify')
      lie = 'other node'
      const otherNode = await rejection(alice.services.mailbox.deposit(liar.getMultiaddrs()[0], bobTag, envelopeOf('lie 2')))
      expect(otherNode.name).to.equal('InvalidReceiptError')
      expect(otherNode.message).to.include('names another mailbox')
    })

    it('re-depositing the same envelope is idempotent: same receipt, counted once', async () => {
      const inbox = await generateEd25519()
      const tag = mailboxTag(inbox.publicKey)
      const envelope = envelopeOf('twice')
      const first = await alice.services.mailbox.deposit(server.address, tag, envelope)
      const second = await bob.services.mailbox.deposit(server.address, tag, envelope)
      expect(second.storedAt).to.equal(first.storedAt)
      expect(second.expiresAt).to.equal(first.expiresAt)
      expect(hex(second.signature)).to.equal(hex(first.signature))
      expect(await server.node.services.mailbox.usage(tag)).to.deep.equal({ count: 1, bytes: envelope.length })
      expect((await drain(bob, server.address, inbox)).map(e => hex(e.envelope))).to.deep.equal([hex(envelope)])
      // the same envelope for another inbox is another deposit
      await alice.services.mailbox.deposit(server.address, carolTag, envelope)
      expect((await server.node.services.mailbox.usage(carolTag)).count).to.equal(1)
      await bob.services.mailbox.ack(server.address, carolDevice, [sha256(envelope)])
    })

    it('concurrent deposits to one inbox keep the usage counters exact', async () => {
      const inbox = await generateEd25519()
      const tag = mailboxTag(inbox.publicKey)
      const envelopes = Array.from({ length: 20 }, (_, i) => envelopeOf(`concurrent ${i} ${'x'.repeat(i)}`))
      // each envelope twice, from two peers, all at once
      await Promise.all([...envelopes.map(async e => alice.services.mailbox.deposit(server.address, tag, e)), ...envelopes.map(async e => bob.services.mailbox.deposit(server.address, tag, e))])
      expect(await server.node.services.mailbox.usage(tag)).to.deep.equal({ count: 20, bytes: envelopes.reduce((sum, e) => sum + e.length, 0) })
      const stored = await drain(bob, server.address, inbox, 7)
      expect(stored.map(e => hex(e.envelope)).sort()).to.deep.equal(envelopes.map(hex).sort())
      await Promise.all([
        bob.services.mailbox.ack(server.address, inbox, stored.slice(0, 10).map(e => e.hash)),
        carol.services.mailbox.ack(server.address, inbox, stored.slice(5).map(e => e.hash))
      ])
      expect(await server.node.services.mailbox.usage(tag)).to.deep.equal({ count: 0, bytes: 0 })
    })

    it('answers INFO with its policy, and several requests on one stream', async () => {
      const info = await alice.services.mailbox.info(server.address)
      expect(info).to.deep.equal({
        difficulty: TEST_DIFFICULTY,
        retention: constants.MAILBOX_RETENTION,
        maxEnvelopeBytes: constants.MAILBOX_MAX_ENVELOPE_BYTES,
        quotaCount: constants.MAILBOX_QUOTA_COUNT,
        quotaBytes: constants.MAILBOX_QUOTA_BYTES,
        maxPageSize: constants.MAILBOX_MAX_PAGE_SIZE,
        maxPageBytes: constants.MAILBOX_MAX_PAGE_BYTES,
        maxAckHashes: constants.MAILBOX_MAX_ACK_HASHES
      })
      const stream = await alice.dialProtocol(server.address, MAILBOX_PROTOCOL)
      const { send, receive } = wire(stream)
      for (const type of [RequestType.INFO, RequestType.CHALLENGE, RequestType.INFO]) {
        await send({ type })
        const response = await receive()
        expect(response.type).to.equal(type)
        expect(response.status).to.equal(Status.OK)
      }
      await stream.close()
    })

    it('deposits at the default difficulty', async () => {
      const strict = await freshServer({ difficulty: undefined })
      expect((await alice.services.mailbox.info(strict.address)).difficulty).to.equal(constants.MAILBOX_STAMP_DIFFICULTY)
      const receipt = await alice.services.mailbox.deposit(strict.address, bobTag, envelopeOf('default difficulty'))
      expect(receipt.mailbox.toString()).to.equal(strict.node.peerId.toString())
      // a stamp for a lower difficulty is refused
      const weak = failingStamp(bobTag, envelopeOf('weak'), constants.MAILBOX_STAMP_DIFFICULTY)
      expect((await rejection(alice.services.mailbox.deposit(strict.address, bobTag, envelopeOf('weak'), { stamp: weak }))).name).to.equal('InvalidStampError')
    })

    it('depositAll: one stamp for every mailbox, successes and failures apart', async () => {
      const [one, two] = await Promise.all([freshServer(), freshServer({ difficulty: 4 })])
      const notAMailbox = carol.getMultiaddrs()[0]
      const envelope = envelopeOf('everywhere')
      const { successes, failures } = await alice.services.mailbox.depositAll([one.address, notAMailbox, two.address], bobTag, envelope)
      expect(successes.map(r => r.mailbox.toString()).sort()).to.deep.equal([one.node.peerId.toString(), two.node.peerId.toString()].sort())
      expect(failures).to.have.length(1)
      expect(failures[0].peer).to.equal(notAMailbox)
      expect(failures[0].error).to.be.an('error')
      for (const s of [one, two]) {
        expect((await bob.services.mailbox.fetch(s.address, bobDevice)).entries.map(e => hex(e.envelope))).to.deep.equal([hex(envelope)])
      }
    })
  })

  describe('refusals: a typed error, the node keeps serving, other inboxes unaffected', () => {
    it('count quota: the last envelope that fits, then QuotaExceededError; an ack frees room', async () => {
      const s = await freshServer({ quotaCount: 3 })
      const stored: MailboxReceipt[] = []
      for (let i = 0; i < 3; i++) {
        stored.push(await alice.services.mailbox.deposit(s.address, bobTag, envelopeOf(`quota ${i}`)))
      }
      const err = await rejection(alice.services.mailbox.deposit(s.address, bobTag, envelopeOf('quota 3')))
      expect(err.name).to.equal('QuotaExceededError')
      expect(err.message).to.include('holds 3 envelopes, the quota is 3')
      // another inbox on the same node is not affected
      await alice.services.mailbox.deposit(s.address, carolTag, envelopeOf('quota elsewhere'))
      // the full inbox is intact
      expect((await drain(bob, s.address, bobDevice)).length).to.equal(3)
      await bob.services.mailbox.ack(s.address, bobDevice, [stored[0].envelopeHash])
      await alice.services.mailbox.deposit(s.address, bobTag, envelopeOf('quota 3'))
      await stillServing(s)
    })

    it('byte quota: exactly the quota fits, one byte more is QuotaExceededError', async () => {
      const s = await freshServer({ quotaBytes: 100 })
      await alice.services.mailbox.deposit(s.address, bobTag, bytes(60, 1))
      const err = await rejection(alice.services.mailbox.deposit(s.address, bobTag, bytes(41, 2)))
      expect(err.name).to.equal('QuotaExceededError')
      expect(err.message).to.include('quota of 100')
      await alice.services.mailbox.deposit(s.address, bobTag, bytes(40, 3))
      expect(await s.node.services.mailbox.usage(bobTag)).to.deep.equal({ count: 2, bytes: 100 })
      await alice.services.mailbox.deposit(s.address, carolTag, bytes(100, 4))
      await stillServing(s)
    })

    it('depositor share: one peer fills at most 1/MAILBOX_DEPOSITOR_SHARE of an inbox, other senders still deposit; acks and sweeps give room back', async () => {
      // 160 envelopes: 20 per depositor (above the floor of MAILBOX_DEPOSITOR_MIN_ENVELOPES)
      const quotaCount = 20 * constants.MAILBOX_DEPOSITOR_SHARE
      expect(20).to.be.greaterThan(constants.MAILBOX_DEPOSITOR_MIN_ENVELOPES)
      const s = await freshServer({ quotaCount, retention: 60 })
      const stored: MailboxReceipt[] = []
      for (let i = 0; i < 20; i++) {
        stored.push(await alice.services.mailbox.deposit(s.address, bobTag, envelopeOf(`share ${i}`)))
      }
      const err = await rejection(alice.services.mailbox.deposit(s.address, bobTag, envelopeOf('share 20')))
      expect(err.name).to.equal('QuotaExceededError')
      expect(err.message).to.include('20 envelopes, at most 20 per depositor')
      // the inbox is far from full: another sender deposits, and alice's share of another inbox is untouched
      await carol.services.mailbox.deposit(s.address, bobTag, envelopeOf('honest'))
      await alice.services.mailbox.deposit(s.address, carolTag, envelopeOf('share elsewhere'))
      expect(await s.node.services.mailbox.usage(bobTag)).to.include({ count: 21 })
      // the same envelope again is the stored copy, not a refusal
      expect((await alice.services.mailbox.deposit(s.address, bobTag, envelopeOf('share 0'))).storedAt).to.equal(stored[0].storedAt)

      // an ACK frees room in the depositor's share
      await bob.services.mailbox.ack(s.address, bobDevice, [stored[0].envelopeHash])
      await alice.services.mailbox.deposit(s.address, bobTag, envelopeOf('share 20'))
      expect((await rejection(alice.services.mailbox.deposit(s.address, bobTag, envelopeOf('share 21')))).name).to.equal('QuotaExceededError')

      // expired envelopes count until swept; a re-deposit of an expired copy replaces it (counted once); the sweep frees the share
      s.clock.advance(61_000)
      await alice.services.mailbox.deposit(s.address, bobTag, envelopeOf('share 1'))
      expect((await rejection(alice.services.mailbox.deposit(s.address, bobTag, envelopeOf('share 22')))).name).to.equal('QuotaExceededError')
      // 19 of alice's and carol's in this inbox, alice's in the other
      expect(await s.node.services.mailbox.sweep()).to.equal(21)
      await alice.services.mailbox.deposit(s.address, bobTag, envelopeOf('share 22'))
      expect(await s.node.services.mailbox.usage(bobTag)).to.include({ count: 2 })
    })

    it('depositor share of bytes: exactly the share fits, one byte more is QuotaExceededError; a restart keeps the count', async () => {
      const db = new MemoryLevel<string, any>()
      // 8000 bytes per inbox, 1000 per depositor (above one largest envelope, 50 bytes)
      const init = { quotaBytes: 1000 * constants.MAILBOX_DEPOSITOR_SHARE, maxEnvelopeBytes: 50 }
      const first = await freshServer(init, db)
      for (let i = 0; i < 20; i++) {
        await alice.services.mailbox.deposit(first.address, bobTag, bytes(50, i))
      }
      await first.node.stop()
      const second = await freshServer(init, db)
      const err = await rejection(alice.services.mailbox.deposit(second.address, bobTag, bytes(1, 99)))
      expect(err.name).to.equal('QuotaExceededError')
      expect(err.message).to.include('1000 per depositor')
      await carol.services.mailbox.deposit(second.address, bobTag, bytes(50, 100))
      expect(await second.node.services.mailbox.usage(bobTag)).to.deep.equal({ count: 21, bytes: 1050 })
    })

    it('depositorShare 1: one peer may fill the whole inbox, and then nobody else can deposit (what the share prevents)', async () => {
      const s = await freshServer({ quotaCount: 40, depositorShare: 1 })
      for (let i = 0; i < 40; i++) {
        await alice.services.mailbox.deposit(s.address, bobTag, envelopeOf(`all ${i}`))
      }
      const err = await rejection(carol.services.mailbox.deposit(s.address, bobTag, envelopeOf('honest')))
      expect(err.name).to.equal('QuotaExceededError')
      expect(err.message).to.include('holds 40 envelopes, the quota is 40')
    })

    it('a node full in all refuses with QuotaExceededError', async () => {
      const s = await freshServer({ maxTotalCount: 2 })
      await alice.services.mailbox.deposit(s.address, bobTag, envelopeOf('full 1'))
      await alice.services.mailbox.deposit(s.address, carolTag, envelopeOf('full 2'))
      const err = await rejection(alice.services.mailbox.deposit(s.address, mailboxTag((await generateEd25519()).publicKey), envelopeOf('full 3')))
      expect(err.name).to.equal('QuotaExceededError')
      expect(err.message).to.include('its limit is 2')
      expect(s.node.services.mailbox.total).to.deep.equal({ count: 2, bytes: 12 })
    })

    it('envelope size: MAILBOX_MAX_ENVELOPE_BYTES fits, one byte more is EnvelopeTooLargeError (client and server)', async () => {
      const max = constants.MAILBOX_MAX_ENVELOPE_BYTES
      const inbox = await generateEd25519()
      const tag = mailboxTag(inbox.publicKey)
      await alice.services.mailbox.deposit(server.address, tag, bytes(max, 5))
      const client = await rejection(alice.services.mailbox.deposit(server.address, tag, bytes(max + 1, 6)))
      expect(client.name).to.equal('EnvelopeTooLargeError')
      expect(client.message).to.include(`${max + 1} bytes`)
      // the server refuses it as well when a client sends it anyway
      const { response } = await raw(alice, server.address, [frame(MailboxRequest.encode({
        type: RequestType.DEPOSIT, deposit: { tag: Uint8Array.from(tag), envelope: new Uint8Array(max + 1), stamp: { day: utcDay(), nonce: new Uint8Array(0) } }
      }))])
      expect(response?.status).to.equal(Status.E_ENVELOPE_TOO_LARGE)
      expect(response?.statusText).to.equal(`envelope is ${max + 1} bytes, at most ${max} accepted`)
      expect(await server.node.services.mailbox.usage(tag)).to.deep.equal({ count: 1, bytes: max })
      await stillServing()
    })

    it('a stamp that misses the difficulty, and a stale one (day - 2), are InvalidStampError; yesterday is accepted', async () => {
      const envelope = envelopeOf('stamped')
      const wrong = await rejection(alice.services.mailbox.deposit(server.address, bobTag, envelope, { stamp: failingStamp(bobTag, envelope, TEST_DIFFICULTY) }))
      expect(wrong.name).to.equal('InvalidStampError')
      expect(wrong.message).to.include(`the mailbox requires ${TEST_DIFFICULTY}`)
      const stale = await rejection(alice.services.mailbox.deposit(server.address, bobTag, envelope, { day: utcDay() - 2 }))
      expect(stale.name).to.equal('InvalidStampError')
      expect(stale.message).to.include('stale')
      const tomorrow = await rejection(alice.services.mailbox.deposit(server.address, bobTag, envelope, { day: utcDay() + 1 }))
      expect(tomorrow.name).to.equal('InvalidStampError')
      // a valid stamp for another tag does not pay for this one
      const other = await rejection(alice.services.mailbox.deposit(server.address, bobTag, envelope, { stamp: failingStampFor(carolTag, bobTag, envelope) }))
      expect(other.name).to.equal('InvalidStampError')
      expect(await server.node.services.mailbox.usage(bobTag)).to.deep.equal({ count: 0, bytes: 0 })
      await alice.services.mailbox.deposit(server.address, bobTag, envelope, { day: utcDay() - 1 })
      await bob.services.mailbox.ack(server.address, bobDevice, [sha256(envelope)])
      await stillServing()
    })

    it('a fetch and an ack signed by the wrong key are UnauthorizedError and change nothing', async () => {
      const envelope = envelopeOf('for bob only')
      await alice.services.mailbox.deposit(server.address, bobTag, envelope)
      const mallory = await generateEd25519()
      const fetchErr = await rejection(carol.services.mailbox.fetch(server.address, impostor(bobDevice, mallory)))
      expect(fetchErr.name).to.equal('UnauthorizedError')
      expect(fetchErr.message).to.include('signature does not verify')
      const ackErr = await rejection(carol.services.mailbox.ack(server.address, impostor(bobDevice, mallory), [sha256(envelope)]))
      expect(ackErr.name).to.equal('UnauthorizedError')
      // mallory's own key reads mallory's (empty) inbox, not bob's
      expect((await carol.services.mailbox.fetch(server.address, mallory)).entries).to.deep.equal([])
      expect(await carol.services.mailbox.ack(server.address, mallory, [sha256(envelope)])).to.equal(0)
      expect((await bob.services.mailbox.fetch(server.address, bobDevice)).entries.map(e => hex(e.envelope))).to.deep.equal([hex(envelope)])
      await bob.services.mailbox.ack(server.address, bobDevice, [sha256(envelope)])
      await stillServing()
    })

    it('a challenge serves one request on its own stream, within MAILBOX_CHALLENGE_TTL', async () => {
      const envelope = envelopeOf('challenged')
      await alice.services.mailbox.deposit(server.address, bobTag, envelope)
      const peerIdBytes = server.node.peerId.toMultihash().bytes
      const signedFetch = async (challenge: Uint8Array): Promise<MailboxRequest> => ({
        type: RequestType.FETCH,
        fetch: {
          inboxKey: Uint8Array.from(bobDevice.publicKey),
          signature: Uint8Array.from(await signWithContext(bobDevice.secretKey, FETCH_PREFIX, fetchMessage(peerIdBytes, challenge, new Uint8Array(0), 0))),
          cursor: new Uint8Array(0),
          limit: 0
        }
      })

      const stream = await bob.dialProtocol(server.address, MAILBOX_PROTOCOL)
      const { send, receive } = wire(stream)
      await send({ type: RequestType.CHALLENGE })
      const challenge = (await receive()).challenge ?? new Uint8Array(0)
      expect(challenge).to.have.length(constants.MAILBOX_CHALLENGE_BYTES)
      const request = await signedFetch(challenge)
      await send(request)
      const ok = await receive()
      expect(ok.status).to.equal(Status.OK)
      expect(ok.page?.entries).to.have.length(1)
      // the same signed request again: replayed
      await send(request)
      const replayed = await receive()
      expect(replayed.status).to.equal(Status.E_UNAUTHORIZED)
      expect(replayed.statusText).to.include('no challenge')

      // a challenge from another stream is worth nothing here
      const other = await bob.dialProtocol(server.address, MAILBOX_PROTOCOL)
      const otherWire = wire(other)
      await otherWire.send({ type: RequestType.CHALLENGE })
      const foreign = (await otherWire.receive()).challenge ?? new Uint8Array(0)
      await send(await signedFetch(foreign))
      expect((await receive()).status).to.equal(Status.E_UNAUTHORIZED)

      // an expired challenge
      await send({ type: RequestType.CHALLENGE })
      const old = (await receive()).challenge ?? new Uint8Array(0)
      server.clock.advance(constants.MAILBOX_CHALLENGE_TTL)
      await send(await signedFetch(old))
      const expired = await receive()
      server.clock.advance(-constants.MAILBOX_CHALLENGE_TTL)
      expect(expired.status).to.equal(Status.E_UNAUTHORIZED)
      expect(expired.statusText).to.include('expired')

      // an ACK cannot reuse a FETCH signature either
      await send({ type: RequestType.CHALLENGE })
      const fresh = (await receive()).challenge ?? new Uint8Array(0)
      const fetchSignature = (await signedFetch(fresh)).fetch?.signature
      await send({ type: RequestType.ACK, ack: { inboxKey: Uint8Array.from(bobDevice.publicKey), signature: fetchSignature, hashes: [Uint8Array.from(sha256(envelope))] } })
      expect((await receive()).status).to.equal(Status.E_UNAUTHORIZED)
      await send({ type: RequestType.CHALLENGE })
      const last = (await receive()).challenge ?? new Uint8Array(0)
      const hashes = [Uint8Array.from(sha256(envelope))]
      await send({ type: RequestType.ACK, ack: { inboxKey: Uint8Array.from(bobDevice.publicKey), signature: Uint8Array.from(await signWithContext(bobDevice.secretKey, ACK_PREFIX, ackMessage(peerIdBytes, last, hashes))), hashes } })
      const acked = await receive()
      expect(acked.status).to.equal(Status.OK)
      expect(acked.deleted).to.equal(1)
      await stream.close()
      await other.close()
      await stillServing()
    })

    it('a deposit flood from one peer hits RateLimitedError while another peer still deposits', async () => {
      const s = await freshServer({ depositBurst: 5, depositInterval: 60_000 })
      for (let i = 0; i < 5; i++) {
        await alice.services.mailbox.deposit(s.address, bobTag, envelopeOf(`flood ${i}`))
      }
      const err = await rejection(alice.services.mailbox.deposit(s.address, bobTag, envelopeOf('flood 5')))
      expect(err.name).to.equal('RateLimitedError')
      expect(err.message).to.include('5 at once, then one every 60000 ms')
      // refused deposits spend tokens too
      expect((await rejection(alice.services.mailbox.deposit(s.address, carolTag, envelopeOf('flood 6')))).name).to.equal('RateLimitedError')
      await carol.services.mailbox.deposit(s.address, bobTag, envelopeOf('not flooding'))
      expect((await s.node.services.mailbox.usage(bobTag)).count).to.equal(6)
      // one token comes back per interval
      s.clock.advance(60_000)
      await alice.services.mailbox.deposit(s.address, bobTag, envelopeOf('flood 7'))
      expect((await rejection(alice.services.mailbox.deposit(s.address, bobTag, envelopeOf('flood 8')))).name).to.equal('RateLimitedError')
    })
  })

  describe('expiry and restarts', () => {
    it('an expired envelope is never fetched, and the sweep deletes it and frees the quota', async () => {
      const s = await freshServer({ retention: 60, quotaCount: 2 })
      const [one, two] = [envelopeOf('expires 1'), envelopeOf('expires 2')]
      const first = await alice.services.mailbox.deposit(s.address, bobTag, one)
      s.clock.advance(30_000)
      await alice.services.mailbox.deposit(s.address, bobTag, two)
      s.clock.advance(30_000)
      // the first reached its expiry time: gone from FETCH, still counted until swept
      expect((await drain(bob, s.address, bobDevice)).map(e => hex(e.envelope))).to.deep.equal([hex(two)])
      expect((await s.node.services.mailbox.usage(bobTag)).count).to.equal(2)
      expect(await s.node.services.mailbox.sweep()).to.equal(1)
      expect(await s.node.services.mailbox.usage(bobTag)).to.deep.equal({ count: 1, bytes: two.length })
      // an expired copy is replaced by a new deposit of the same envelope
      const again = await alice.services.mailbox.deposit(s.address, bobTag, one)
      expect(again.storedAt).to.be.at.least(first.storedAt + 60_000)
      s.clock.advance(60_000)
      expect(await drain(bob, s.address, bobDevice)).to.deep.equal([])
      expect(await s.node.services.mailbox.sweep()).to.equal(2)
      expect(s.node.services.mailbox.total).to.deep.equal({ count: 0, bytes: 0 })
      expect(await s.db.sublevel('mailbox').keys({ gte: 'e!', lt: 'z' }).all()).to.deep.equal(['m!seq', 'm!usage'])
    })

    it('the periodic sweep runs on its own', async () => {
      const s = await freshServer({ retention: 1, sweepInterval: 20 })
      await alice.services.mailbox.deposit(s.address, bobTag, envelopeOf('swept'))
      s.clock.advance(1_000)
      // wait for the timer to have swept; the test times out if it never does
      while ((await s.node.services.mailbox.usage(bobTag)).count > 0) {
        await new Promise(resolve => setTimeout(resolve, 10))
      }
      expect(s.node.services.mailbox.total).to.deep.equal({ count: 0, bytes: 0 })
    })

    it('state survives a restart over the same database; cursors stay valid and never go back', async () => {
      const db = new MemoryLevel<string, any>()
      const first = await serverNode({}, db)
      const envelopes = [envelopeOf('before 1'), envelopeOf('before 2'), envelopeOf('after')]
      await alice.services.mailbox.deposit(first.address, bobTag, envelopes[0])
      await alice.services.mailbox.deposit(first.address, bobTag, envelopes[1])
      const page = await bob.services.mailbox.fetch(first.address, bobDevice)
      expect(page.entries).to.have.length(2)
      await first.node.stop()

      const second = await freshServer({}, db)
      expect(await second.node.services.mailbox.usage(bobTag)).to.deep.equal({ count: 2, bytes: envelopes[0].length + envelopes[1].length })
      expect(second.node.services.mailbox.total.count).to.equal(2)
      await alice.services.mailbox.deposit(second.address, bobTag, envelopes[2])
      const after = await bob.services.mailbox.fetch(second.address, bobDevice, { cursor: page.cursor })
      expect(after.entries.map(e => hex(e.envelope))).to.deep.equal([hex(envelopes[2])])
      expect(hex(after.cursor) > hex(page.cursor)).to.equal(true)
      expect((await drain(bob, second.address, bobDevice)).map(e => hex(e.envelope))).to.deep.equal(envelopes.map(hex))
      // an idempotent deposit across the restart
      await alice.services.mailbox.deposit(second.address, bobTag, envelopes[0])
      expect((await second.node.services.mailbox.usage(bobTag)).count).to.equal(3)
    })
  })

  describe('malformed frames: the stream ends with InvalidMailboxMessageError, the node keeps serving', () => {
    const tag = new Uint8Array(32).fill(9)
    const stamp = { day: 0, nonce: new Uint8Array(0) }
    const cases: Array<[string, () => Uint8Array[]]> = [
      // seeded, so the test is the same every run
      ['random bytes', () => [deterministicRandom('hypha/test/mailbox/random-bytes')(300)]],
      ['a frame of random bytes', () => [frame(deterministicRandom('hypha/test/mailbox/random-frame')(300))]],
      ['a frame that does not decode', () => [frame(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff))]],
      ['a truncated frame', () => [frame(MailboxRequest.encode({ type: RequestType.INFO }), 100)]],
      ['a length prefix over MAILBOX_MAX_FRAME_BYTES', () => [frame(new Uint8Array(16), constants.MAILBOX_MAX_FRAME_BYTES + 1)]],
      ['a length prefix that never ends', () => [new Uint8Array(16).fill(0xff)]],
      ['no type', () => [frame(MailboxRequest.encode({}))]],
      ['an unknown type', () => [frame(Uint8Array.of(0x08, 99))]],
      ['DEPOSIT without its fields', () => [frame(MailboxRequest.encode({ type: RequestType.DEPOSIT }))]],
      ['DEPOSIT with a 31-byte tag', () => [frame(MailboxRequest.encode({ type: RequestType.DEPOSIT, deposit: { tag: new Uint8Array(31), envelope: new Uint8Array(1), stamp } }))]],
      ['DEPOSIT without an envelope', () => [frame(MailboxRequest.encode({ type: RequestType.DEPOSIT, deposit: { tag, stamp } }))]],
      ['DEPOSIT without a stamp', () => [frame(MailboxRequest.encode({ type: RequestType.DEPOSIT, deposit: { tag, envelope: new Uint8Array(1) } }))]],
      ['FETCH with a 31-byte inbox key', () => [frame(MailboxRequest.encode({ type: RequestType.FETCH, fetch: { inboxKey: new Uint8Array(31), signature: new Uint8Array(64) } }))]],
      ['FETCH with a 7-byte cursor', () => [frame(MailboxRequest.encode({ type: RequestType.FETCH, fetch: { inboxKey: new Uint8Array(32), signature: new Uint8Array(64), cursor: new Uint8Array(7) } }))]],
      ['ACK with a short hash', () => [frame(MailboxRequest.encode({ type: RequestType.ACK, ack: { inboxKey: new Uint8Array(32), signature: new Uint8Array(64), hashes: [new Uint8Array(31)] } }))]],
      ['ACK with more than MAILBOX_MAX_ACK_HASHES hashes', () => [frame(MailboxRequest.encode({
        type: RequestType.ACK, ack: { inboxKey: new Uint8Array(32), signature: new Uint8Array(64), hashes: Array.from({ length: constants.MAILBOX_MAX_ACK_HASHES + 1 }, () => new Uint8Array(32)) }
      }))]],
      // field 1 (type, a varint) sent length-delimited
      ['a field of the wrong wire type', () => [frame(Uint8Array.of(0x0a, 0x02, 0x01, 0x02))]],
      ['a good request after a bad one on the same stream', () => [frame(Uint8Array.of(0x08, 99)), frame(MailboxRequest.encode({ type: RequestType.INFO }))]]
    ]

    it('random bytes, 20 unseeded runs: each is refused or, if it happens to be a valid request, answered', async () => {
      for (let run = 0; run < 20; run++) {
        const { response, error } = await raw(alice, server.address, [crypto.getRandomValues(new Uint8Array(300))])
        if (error == null) {
          expect(response?.type).to.be.oneOf([RequestType.INFO, RequestType.CHALLENGE, RequestType.DEPOSIT, RequestType.FETCH, RequestType.ACK])
        }
      }
      await stillServing()
    })

    const endsStream = async (frames: Uint8Array[]): Promise<void> => {
      const before = server.logged.length
      const { response, error } = await raw(alice, server.address, frames)
      expect(response).to.equal(undefined)
      expect(error).to.be.an('error')
      // the server logged why it ended the stream, as a typed error
      await waitFor(() => server.logged.slice(before).some(line => line.includes('InvalidMailboxMessageError')))
      await stillServing()
    }

    for (const [name, frames] of cases) {
      it(name, async () => { await endsStream(frames()) })
    }
  })
})

/** A stamp minted for `mintedFor` that happens to fail for `usedFor` (searched, not by luck) */
function failingStampFor (mintedFor: Uint8Array, usedFor: Uint8Array, envelope: Uint8Array): Stamp {
  const hash = sha256(envelope)
  for (let i = 0; ; i++) {
    const stamp = { day: utcDay(), nonce: Uint8Array.of(i >> 16, (i >> 8) & 0xff, i & 0xff) }
    if (stampBits(mintedFor, hash, stamp) >= TEST_DIFFICULTY && stampBits(usedFor, hash, stamp) < TEST_DIFFICULTY) { return stamp }
  }
}

/** Resolves once `condition` holds (the test's own timeout bounds the wait) */
async function waitFor (condition: () => boolean): Promise<void> {
  while (!condition()) {
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}
