import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { constants, generateDeviceKeys, mailboxTag, mintStamp, stampBits, utcDay } from '@hypha/core'
import { UsageError } from '@hypha/relay-circuit'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { mailboxOptionsFromFlags, mailboxPolicy, MAX_MAILBOX_ENVELOPE_BYTES, parseDuration, parseSize } from '../src/index.ts'
import { run, start, stop } from './fixtures/binary.ts'
import {
  bytesField, clientNode, depositRequest, frame, hex, impostor, onlyFrame, rawExchange, seededBytes, sha256, Status, uintField, varintFields
} from './fixtures/mailbox.ts'
import type { Running } from './fixtures/binary.ts'
import type { ClientNode } from './fixtures/mailbox.ts'
import type { KeyPair, MailboxPageEntry, MailboxReceipt, Stamp } from '@hypha/core'
import type { Multiaddr } from '@multiformats/multiaddr'

const LOOPBACK = ['--listen', '/ip4/127.0.0.1/tcp/0']
const ENV = 'HYPHA_BOOTSTRAP'
/** Stamps of 2^4 hashes: the tests are about the node, not the proof of work */
const DIFFICULTY = 4
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

/** A device's inbox: its key pair, and the tag senders deposit under */
interface Inbox {
  device: KeyPair
  tag: Uint8Array
}

async function inbox (): Promise<Inbox> {
  const device = (await generateDeviceKeys()).signing
  return { device, tag: mailboxTag(device.publicKey) }
}

/** A stamp for this deposit with exactly `bits` leading zero bits (searched, so the test cannot pass by luck) */
function stampWithBits (tag: Uint8Array, envelope: Uint8Array, bits: number, day = utcDay()): Stamp {
  const hash = sha256(envelope)
  for (let i = 0; ; i++) {
    const stamp = { day, nonce: Uint8Array.of(i >> 16, (i >> 8) & 0xff, i & 0xff) }
    if (stampBits(tag, hash, stamp) === bits) { return stamp }
  }
}

/** The error a promise rejects with (fails the test if it resolves) */
async function rejection (promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (err: any) {
    return err
  }
  throw new Error('expected a rejection')
}

/** Every entry of an inbox, page by page */
async function drain (client: ClientNode, address: Multiaddr, device: KeyPair): Promise<MailboxPageEntry[]> {
  const entries: MailboxPageEntry[] = []
  let cursor: Uint8Array | undefined
  while (true) {
    const page = await client.services.mailbox.fetch(address, device, { cursor })
    entries.push(...page.entries)
    cursor = page.cursor
    if (!page.more) { return entries }
  }
}

/** Poll `condition` every 250 ms until it resolves true; fails after `timeout` ms */
async function eventually (what: string, condition: () => Promise<boolean>, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}`)
    }
    await new Promise(resolve => setTimeout(resolve, 250))
  }
}

describe('hypha-bootstrap mailbox (child process)', function () {
  this.timeout(120_000)

  const clients: ClientNode[] = []
  const dirs: string[] = []
  const running: Running[] = []

  async function tempDir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'hypha-bootstrap-mailbox-test-'))
    dirs.push(dir)
    return dir
  }

  async function bootstrap (dir: string, extra: string[] = []): Promise<Running> {
    const node = await start(['--json', '--allow-loopback', '--data', dir, ...LOOPBACK, '--mailbox-difficulty', String(DIFFICULTY), ...extra])
    running.push(node)
    return node
  }

  const address = (node: Running): Multiaddr => multiaddr(node.ready.multiaddrs[0])

  /** A new peer (so a rate limit of its own), connected to `node` */
  async function client (node: Running): Promise<ClientNode> {
    const peer = await clientNode(address(node))
    clients.push(peer)
    return peer
  }

  const alive = (node: Running): boolean => node.child.exitCode == null && node.child.signalCode == null

  /** A fresh peer deposits to a fresh inbox and reads it back */
  async function stillServing (node: Running): Promise<void> {
    expect(alive(node)).to.equal(true)
    const [peer, box] = [await client(node), await inbox()]
    const envelope = utf8(`still serving ${Math.random()}`)
    await peer.services.mailbox.deposit(address(node), box.tag, envelope)
    const entries = await drain(peer, address(node), box.device)
    expect(entries.map(e => hex(e.envelope))).to.deep.equal([hex(envelope)])
  }

  async function cleanup (): Promise<void> {
    await Promise.all(clients.splice(0).map(async c => c.stop()))
    await Promise.all(running.splice(0).map(async r => stop(r, 'SIGKILL')))
    await Promise.all(dirs.splice(0).map(async d => rm(d, { recursive: true, force: true })))
  }

  describe('durability', () => {
    afterEach(cleanup)

    it('keeps every envelope it issued a receipt for when killed with SIGKILL mid-run, once each', async () => {
      const dir = await tempDir()
      // the rate limit is not what is tested here: 200 deposits from one peer
      const flags = ['--mailbox-rate', '60000']
      const first = await bootstrap(dir, flags)
      const sender = await client(first)
      const box = await inbox()
      const envelopes = Array.from({ length: 200 }, (_, i) => utf8(`envelope ${i} ${hex(seededBytes(`durability/${Math.random()}`, 16))}`))

      const receipts: MailboxReceipt[] = []
      const failures: Error[] = []
      let next = 0
      let inFlight = 0
      let inFlightAtKill = -1
      // kill the node when a third of the deposits have a receipt, while the other workers still wait for theirs
      const killAt = 70
      const worker = async (): Promise<void> => {
        while (next < envelopes.length && inFlightAtKill < 0) {
          const envelope = envelopes[next++]
          inFlight++
          try {
            receipts.push(await sender.services.mailbox.deposit(address(first), box.tag, envelope))
            if (receipts.length === killAt) {
              inFlightAtKill = inFlight - 1
              first.child.kill('SIGKILL')
            }
          } catch (err: any) {
            failures.push(err)
          } finally {
            inFlight--
          }
        }
      }
      await Promise.all(Array.from({ length: 8 }, worker))
      const exit = await stop(first, 'SIGKILL')
      expect(exit?.signal).to.equal('SIGKILL')
      // the kill did land mid-run: other deposits were waiting for their receipts, and the run was cut short
      expect(inFlightAtKill).to.be.greaterThan(0)
      expect(receipts.length).to.be.at.least(killAt).and.below(envelopes.length)
      expect(receipts.length + failures.length).to.equal(next)

      const second = await bootstrap(dir, flags)
      expect(second.ready.peerId).to.equal(first.ready.peerId)
      const entries = await drain(await client(second), address(second), box.device)

      const stored = new Map(entries.map(e => [hex(e.hash), e]))
      expect(stored.size).to.equal(entries.length, 'an envelope is stored twice')
      const sent = new Map(envelopes.map(e => [hex(sha256(e)), e]))
      for (const entry of entries) {
        expect(hex(entry.envelope)).to.equal(hex(sent.get(hex(entry.hash)) ?? new Uint8Array(0)), 'an entry that was never sent')
      }
      for (const receipt of receipts) {
        const entry = stored.get(hex(receipt.envelopeHash))
        expect(entry, `envelope ${hex(receipt.envelopeHash)} had a receipt and is gone`).to.not.equal(undefined)
        expect(entry?.storedAt).to.equal(receipt.storedAt)
        expect(entry?.expiresAt).to.equal(receipt.expiresAt)
      }
      // written but unconfirmed deposits may be there too, never more than were in flight
      expect(entries.length - receipts.length).to.be.at.most(inFlightAtKill)
      expect(alive(second)).to.equal(true)
    })
  })

  describe('limits set by flags', () => {
    let node: Running
    // the tests of this block keep their clients, all on 127.0.0.1, until it ends: more than BOOTSTRAP_MAX_CONNECTIONS_PER_HOST
    const flags = ['--mailbox-quota', '3,2000', '--mailbox-max-size', '1000', '--mailbox-rate', '6', '--max-connections-per-host', '1000']

    before(async () => {
      node = await bootstrap(await tempDir(), flags)
    })

    after(cleanup)

    it('prints its mailbox policy in the ready line and answers INFO with it', async () => {
      expect((node.ready as any).mailbox).to.deep.equal({
        difficulty: DIFFICULTY,
        retention: constants.MAILBOX_RETENTION,
        maxEnvelopeBytes: 1000,
        quotaCount: 3,
        quotaBytes: 2000,
        depositBurst: 6,
        depositInterval: 10_000,
        depositorShare: constants.MAILBOX_DEPOSITOR_SHARE,
        sweepInterval: constants.MAILBOX_SWEEP_INTERVAL
      })
      const info = await (await client(node)).services.mailbox.info(address(node))
      expect(info).to.include({ difficulty: DIFFICULTY, retention: constants.MAILBOX_RETENTION, maxEnvelopeBytes: 1000, quotaCount: 3, quotaBytes: 2000 })
    })

    it('--mailbox-quota 3: the 4th envelope of an inbox is refused, another inbox still accepts', async () => {
      const sender = await client(node)
      const [full, other] = [await inbox(), await inbox()]
      for (let i = 0; i < 3; i++) {
        await sender.services.mailbox.deposit(address(node), full.tag, utf8(`quota ${i}`))
      }
      const err = await rejection(sender.services.mailbox.deposit(address(node), full.tag, utf8('quota 3')))
      expect(err.name).to.equal('QuotaExceededError')
      await sender.services.mailbox.deposit(address(node), other.tag, utf8('quota elsewhere'))
      expect(await drain(await client(node), address(node), full.device)).to.have.lengthOf(3)
    })

    it('--mailbox-quota 3,2000: an inbox holds 2000 bytes, not one more', async () => {
      // two senders: one peer may hold 1/MAILBOX_DEPOSITOR_SHARE of the bytes, at least one largest envelope (1000)
      const [sender, other] = [await client(node), await client(node)]
      const box = await inbox()
      await sender.services.mailbox.deposit(address(node), box.tag, seededBytes('bytes quota 1', 1000))
      await other.services.mailbox.deposit(address(node), box.tag, seededBytes('bytes quota 2', 1000))
      const err = await rejection((await client(node)).services.mailbox.deposit(address(node), box.tag, utf8('x')))
      expect(err.name).to.equal('QuotaExceededError')
      expect(err.message).to.include('2000')
    })

    it('--mailbox-max-size 1000: an envelope of 1000 bytes is stored, one of 1001 is refused', async () => {
      const [sender, reader] = [await client(node), await client(node)]
      const box = await inbox()
      const largest = seededBytes('max size', 1000)
      await sender.services.mailbox.deposit(address(node), box.tag, largest)
      expect((await drain(reader, address(node), box.device)).map(e => hex(e.envelope))).to.deep.equal([hex(largest)])

      const tooLarge = seededBytes('max size + 1', 1001)
      // the client refuses it after INFO...
      const err = await rejection(sender.services.mailbox.deposit(address(node), box.tag, tooLarge))
      expect(err.name).to.equal('EnvelopeTooLargeError')
      // ...and the node refuses it from a client that sends it anyway
      const stamp = await mintStamp(box.tag, sha256(tooLarge), DIFFICULTY)
      const { received, error } = await rawExchange(sender, address(node), [frame(depositRequest(box.tag, tooLarge, stamp))])
      expect(error).to.equal(undefined)
      expect(varintFields(onlyFrame(received)).get(2)).to.equal(Status.E_ENVELOPE_TOO_LARGE)
      expect(await drain(reader, address(node), box.device)).to.have.lengthOf(1)
    })

    it('refuses a stamp one bit short and a stamp two days old; takes one of exactly the difficulty, and yesterday\'s', async () => {
      const sender = await client(node)
      const box = await inbox()
      const deposit = async (text: string, stamp: Stamp): Promise<MailboxReceipt> => sender.services.mailbox.deposit(address(node), box.tag, utf8(text), { stamp })

      const short = await rejection(deposit('short', stampWithBits(box.tag, utf8('short'), DIFFICULTY - 1)))
      expect(short.name).to.equal('InvalidStampError')
      const stale = await rejection(deposit('stale', await mintStamp(box.tag, sha256(utf8('stale')), DIFFICULTY, utcDay() - 2)))
      expect(stale.name).to.equal('InvalidStampError')
      expect(stale.message).to.include('stale')

      await deposit('exact', stampWithBits(box.tag, utf8('exact'), DIFFICULTY))
      // yesterday's stamp would be two days old if UTC midnight fell between minting and checking
      const toMidnight = 86_400_000 - Date.now() % 86_400_000
      if (toMidnight < 10_000) { await new Promise(resolve => setTimeout(resolve, toMidnight + 100)) }
      await deposit('yesterday', await mintStamp(box.tag, sha256(utf8('yesterday')), DIFFICULTY, utcDay() - 1))
      const entries = await drain(await client(node), address(node), box.device)
      expect(entries.map(e => new TextDecoder().decode(e.envelope))).to.deep.equal(['exact', 'yesterday'])
    })

    it('refuses a fetch signed by another key than the inbox key', async () => {
      const [sender, reader] = [await client(node), await client(node)]
      const box = await inbox()
      await sender.services.mailbox.deposit(address(node), box.tag, utf8('for the owner only'))
      const err = await rejection(reader.services.mailbox.fetch(address(node), impostor(box.device)))
      expect(err.name).to.equal('UnauthorizedError')
      expect((await drain(reader, address(node), box.device)).map(e => new TextDecoder().decode(e.envelope))).to.deep.equal(['for the owner only'])
    })

    it('--mailbox-rate 6: a flood from one peer is cut at 6 deposits, another peer still deposits', async () => {
      const flooder = await client(node)
      // one inbox each, so no quota is reached
      const results = await Promise.allSettled(Array.from({ length: 10 }, async (_, i) =>
        flooder.services.mailbox.deposit(address(node), seededBytes(`flood/${Math.random()}`, 32), utf8(`flood ${i}`))
      ))
      const refused = results.flatMap(r => r.status === 'rejected' ? [r.reason.name] : [])
      expect(results.filter(r => r.status === 'fulfilled')).to.have.lengthOf(6)
      expect(refused).to.deep.equal(Array(4).fill('RateLimitedError'))
      // the flooder's bucket is empty, another peer's is not
      expect((await rejection(flooder.services.mailbox.deposit(address(node), (await inbox()).tag, utf8('more')))).name).to.equal('RateLimitedError')
      await (await client(node)).services.mailbox.deposit(address(node), (await inbox()).tag, utf8('someone else'))
    })

    describe('malformed frames: the server ends the stream, the node keeps serving', () => {
      const tag = new Uint8Array(32).fill(9)
      const cases: Array<[string, Uint8Array[], boolean?]> = [
        // seeded: the same bytes every run
        ['random bytes', [seededBytes('malformed/random', 300)]],
        ['a frame of random bytes', [frame(seededBytes('malformed/random-frame', 300))]],
        ['a truncated frame (100 bytes announced, 2 sent)', [frame(uintField(1, 0), 100)]],
        // the server must not wait for the megabyte: the stream stays open on our side
        ['a length prefix over the frame limit', [frame(new Uint8Array(16), constants.MAILBOX_MAX_FRAME_BYTES + 1)], true],
        ['a length prefix that never ends', [new Uint8Array(16).fill(0xff)]],
        ['a valid protobuf with an unknown request type', [frame(uintField(1, 99))]],
        ['a DEPOSIT with a 31-byte tag', [frame(depositRequest(new Uint8Array(31), utf8('x'), { day: utcDay(), nonce: new Uint8Array(0) }))]],
        ['a DEPOSIT without its deposit field', [frame(uintField(1, 1))]],
        ['a FETCH whose inbox key is 31 bytes', [frame(Uint8Array.from([...uintField(1, 3), ...bytesField(3, Uint8Array.from([...bytesField(1, new Uint8Array(31)), ...bytesField(2, new Uint8Array(64))]))]))]],
        ['the type field sent length-delimited', [frame(bytesField(1, Uint8Array.of(1, 2)))]],
        ['a bad frame, then a good one on the same stream', [frame(uintField(1, 99)), frame(depositRequest(tag, utf8('x'), { day: utcDay(), nonce: new Uint8Array(0) }))]]
      ]

      const endsStream = async (chunks: Uint8Array[], keepOpen?: boolean): Promise<void> => {
        const { received, error } = await rawExchange(await client(node), address(node), chunks, keepOpen)
        expect(received).to.have.lengthOf(0, 'the server answered a malformed request')
        expect(error?.name).to.equal('StreamResetError')
        await stillServing(node)
      }

      for (const [name, chunks, keepOpen] of cases) {
        it(name, async () => { await endsStream(chunks, keepOpen) })
      }
    })
  })

  describe('retention', () => {
    afterEach(cleanup)

    it('--mailbox-retention 3s --mailbox-sweep 1s: an envelope is gone, and its room freed, after it expires', async () => {
      const node = await bootstrap(await tempDir(), ['--mailbox-retention', '3s', '--mailbox-sweep', '1s', '--mailbox-quota', '1', '--mailbox-rate', '600'])
      expect((node.ready as any).mailbox).to.include({ retention: 3, sweepInterval: 1000, quotaCount: 1 })
      const [sender, reader] = [await client(node), await client(node)]
      const box = await inbox()

      const receipt = await sender.services.mailbox.deposit(address(node), box.tag, utf8('short-lived'))
      expect(receipt.expiresAt - receipt.storedAt).to.equal(3000)
      // the inbox is full until the sweep deletes the expired envelope
      expect((await rejection(sender.services.mailbox.deposit(address(node), box.tag, utf8('next'))))).to.have.property('name', 'QuotaExceededError')
      expect(await drain(reader, address(node), box.device)).to.have.lengthOf(1)

      let accepted: MailboxReceipt | undefined
      await eventually('the sweep to free the inbox', async () => {
        try {
          accepted = await sender.services.mailbox.deposit(address(node), box.tag, utf8('next'))
          return true
        } catch (err: any) {
          if (err.name !== 'QuotaExceededError') { throw err }
          return false
        }
      }, 3000 + 1000 + 5000)
      expect(accepted?.storedAt).to.be.at.least(receipt.expiresAt)
      const entries = await drain(reader, address(node), box.device)
      expect(entries.map(e => new TextDecoder().decode(e.envelope))).to.deep.equal(['next'])
    })
  })

  describe('flags', () => {
    afterEach(cleanup)

    it('parses durations, sizes, quotas and rates', () => {
      expect(parseDuration('x', '30d')).to.equal(30 * 86_400_000)
      expect(parseDuration('x', '12h')).to.equal(12 * 3_600_000)
      expect(parseDuration('x', '15m')).to.equal(15 * 60_000)
      expect(parseDuration('x', '2s')).to.equal(2000)
      expect(parseDuration('x', '2')).to.equal(2000)
      expect(parseDuration('x', '500ms')).to.equal(500)
      expect(parseSize('x', '262144')).to.equal(262144)
      expect(parseSize('x', '256KiB')).to.equal(262144)
      expect(parseSize('x', '64mib')).to.equal(64 * 1024 * 1024)
      expect(parseSize('x', '1GiB')).to.equal(1024 ** 3)
      expect(parseSize('x', '7B')).to.equal(7)

      expect(mailboxOptionsFromFlags({}, {}, ENV)).to.deep.equal({})
      expect(mailboxOptionsFromFlags({
        'mailbox-retention': '30d',
        'mailbox-quota': '10000,64MiB',
        'mailbox-max-size': '256KiB',
        'mailbox-difficulty': '0',
        'mailbox-rate': '120',
        'mailbox-depositor-share': '1',
        'mailbox-sweep': '500ms'
      }, {}, ENV)).to.deep.equal({
        retention: 2_592_000,
        quotaCount: 10_000,
        quotaBytes: 64 * 1024 * 1024,
        maxEnvelopeBytes: 262_144,
        difficulty: 0,
        depositBurst: 120,
        depositInterval: 500,
        depositorShare: 1,
        sweepInterval: 500
      })
      expect(mailboxOptionsFromFlags({ 'mailbox-quota': '5' }, {}, ENV)).to.deep.equal({ quotaCount: 5 })
      expect(mailboxOptionsFromFlags({ 'mailbox-max-size': String(MAX_MAILBOX_ENVELOPE_BYTES) }, {}, ENV))
        .to.deep.equal({ maxEnvelopeBytes: MAX_MAILBOX_ENVELOPE_BYTES })
    })

    it('reads the environment when a flag is not given, the flag first', () => {
      const env = { HYPHA_BOOTSTRAP_MAILBOX_RETENTION: '1h', HYPHA_BOOTSTRAP_MAILBOX_DIFFICULTY: '9' }
      expect(mailboxOptionsFromFlags({}, env, ENV)).to.deep.equal({ retention: 3600, difficulty: 9 })
      expect(mailboxOptionsFromFlags({ 'mailbox-difficulty': '10' }, env, ENV)).to.deep.equal({ retention: 3600, difficulty: 10 })
    })

    it('fills in the server defaults for the ready line', () => {
      expect(mailboxPolicy({})).to.deep.equal({
        difficulty: constants.MAILBOX_STAMP_DIFFICULTY,
        retention: constants.MAILBOX_RETENTION,
        maxEnvelopeBytes: constants.MAILBOX_MAX_ENVELOPE_BYTES,
        quotaCount: constants.MAILBOX_QUOTA_COUNT,
        quotaBytes: constants.MAILBOX_QUOTA_BYTES,
        depositBurst: constants.MAILBOX_DEPOSIT_BURST,
        depositInterval: constants.MAILBOX_DEPOSIT_INTERVAL,
        depositorShare: constants.MAILBOX_DEPOSITOR_SHARE,
        sweepInterval: constants.MAILBOX_SWEEP_INTERVAL
      })
    })

    const bad: Array<[string, string, string]> = [
      ['mailbox-retention', 'soon', '--mailbox-retention must be a duration such as 30d, 12h, 15m, 2s or 500ms (a bare number is seconds), got "soon"'],
      ['mailbox-retention', '1500ms', '--mailbox-retention must be whole seconds, got "1500ms"'],
      ['mailbox-retention', '0s', '--mailbox-retention must be from 1s to 4294967295s, got "0s"'],
      ['mailbox-retention', '-1d', '--mailbox-retention must be a duration such as 30d, 12h, 15m, 2s or 500ms (a bare number is seconds), got "-1d"'],
      ['mailbox-quota', '0', '--mailbox-quota must be from 1 to 4294967295, got "0"'],
      ['mailbox-quota', 'many', '--mailbox-quota must be <count>[,<size>], e.g. 10000 or 10000,64MiB, got "many"'],
      ['mailbox-quota', '10,lots', '--mailbox-quota must be a size such as 262144, 256KiB or 64MiB (a bare number is bytes), got "lots"'],
      ['mailbox-quota', '10,0', '--mailbox-quota must be from 1 byte to 9007199254740991 bytes, got "10,0"'],
      ['mailbox-max-size', '64MB', '--mailbox-max-size must be a size such as 262144, 256KiB or 64MiB (a bare number is bytes), got "64MB"'],
      ['mailbox-max-size', '0', '--mailbox-max-size must be from 1 byte to 1047552 bytes, got "0"'],
      ['mailbox-max-size', String(MAX_MAILBOX_ENVELOPE_BYTES + 1), `--mailbox-max-size must be from 1 byte to 1047552 bytes, got "${MAX_MAILBOX_ENVELOPE_BYTES + 1}"`],
      ['mailbox-difficulty', '25', `--mailbox-difficulty must be from 0 to ${constants.MAX_STAMP_DIFFICULTY}, got "25"`],
      ['mailbox-difficulty', '4.5', '--mailbox-difficulty must be a whole number, got "4.5"'],
      ['mailbox-rate', '0', '--mailbox-rate must be from 1 to 60000, got "0"'],
      ['mailbox-rate', '60001', '--mailbox-rate must be from 1 to 60000, got "60001"'],
      ['mailbox-depositor-share', '0', '--mailbox-depositor-share must be from 1 to 1024, got "0"'],
      ['mailbox-depositor-share', 'half', '--mailbox-depositor-share must be a whole number, got "half"'],
      ['mailbox-sweep', '0', '--mailbox-sweep must be from 1ms to 86400000ms, got "0"'],
      ['mailbox-sweep', '2d', '--mailbox-sweep must be from 1ms to 86400000ms, got "2d"']
    ]

    for (const [flag, value, message] of bad) {
      it(`refuses --${flag} ${value}`, () => {
        expect(() => mailboxOptionsFromFlags({ [flag]: value }, {}, ENV)).to.throw(UsageError, message)
      })
    }

    it('exits 1 with one line naming the flag for a bad value, from the command line and the environment', async () => {
      for (const [flag, value, message] of [bad[0], bad[4], bad[9], bad[11], bad[14], bad[16]]) {
        const exit = await run([`--${flag}`, value])
        expect(exit.code).to.equal(1)
        expect(exit.stderr).to.equal(`hypha-bootstrap: ${message} (see --help)\n`)
      }
      const fromEnv = await run([], { env: { HYPHA_BOOTSTRAP_MAILBOX_RATE: '0' } })
      expect(fromEnv.code).to.equal(1)
      expect(fromEnv.stderr).to.equal('hypha-bootstrap: --mailbox-rate must be from 1 to 60000, got "0" (see --help)\n')
    })

    it('lists the mailbox flags in --help', async () => {
      const exit = await run(['--help'])
      expect(exit.code).to.equal(0)
      for (const flag of ['--mailbox-retention', '--mailbox-quota', '--mailbox-max-size', '--mailbox-difficulty', '--mailbox-rate', '--mailbox-sweep']) {
        expect(exit.stdout).to.include(flag)
      }
    })
  })
})
