import { serviceCapabilities } from '@libp2p/interface'
import { pbStream } from '@libp2p/utils'
import { sha256 } from '@noble/hashes/sha2.js'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { EnvelopeTooLargeError, InvalidMailboxMessageError, InvalidStampError } from '../../errors.ts'
import {
  MAILBOX_CLIENT_TIMEOUT, MAILBOX_INFO_CACHE_SIZE, MAILBOX_INFO_TTL, MAILBOX_MAX_FRAME_BYTES, MAILBOX_MAX_OUTBOUND_STREAMS,
  MAX_STAMP_DIFFICULTY
} from '../../protocol/constants.ts'
import { MailboxResponse, RequestType } from '../../protocol/pb/mailbox.ts'
import { ACK_PREFIX, FETCH_PREFIX, ackMessage, fetchMessage, signAs, signerKey, verifyReceipt } from './auth.ts'
import { CURSOR_LENGTH, HASH_LENGTH, INBOX_TAG_LENGTH, MAILBOX_PROTOCOL } from './constants.ts'
import { mintStamp, stampBits, utcDay } from './stamp.ts'
import { integerInRange, readError, requestCodec, responseCodec, statusError } from './utils.ts'
import type { MailboxReceipt, MailboxSigner } from './auth.ts'
import type {
  DepositAllResult, DepositOptions, FetchOptions, MailboxClient as MailboxClientInterface, MailboxClientComponents, MailboxClientInit,
  MailboxInfo, MailboxPage
} from './index.ts'
import type { Stamp } from './stamp.ts'
import type { MailboxRequest } from '../../protocol/pb/mailbox.ts'
import type { AbortOptions, Logger, PeerId, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

type Target = PeerId | Multiaddr

/** One open stream to a mailbox node: the peer it turned out to be, and a request/response exchange */
interface Session {
  mailbox: PeerId
  request(request: MailboxRequest, name: string): Promise<MailboxResponse>
}

function checkBytes (value: Uint8Array, length: number, name: string): void {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new TypeError(`expected ${name} to be a Uint8Array of length ${length}, got length=${(value as Uint8Array | undefined)?.length}`)
  }
}

/** Stamps minted for one envelope, reused for every mailbox whose difficulty they meet */
class StampCache {
  private readonly minted = new Map<string, Promise<{ stamp: Stamp, bits: number }>>()

  constructor (private readonly tag: Uint8Array, private readonly envelopeHash: Uint8Array) {}

  async get (difficulty: number, day: number, options: AbortOptions): Promise<Stamp> {
    for (const [key, pending] of this.minted) {
      const [mintedDay, mintedDifficulty] = key.split('/').map(Number)
      if (mintedDay === day && mintedDifficulty >= difficulty) {
        const { stamp, bits } = await pending
        if (bits >= difficulty) { return stamp }
      }
    }
    const key = `${day}/${difficulty}`
    let pending = this.minted.get(key)
    if (pending == null) {
      pending = mintStamp(this.tag, this.envelopeHash, difficulty, day, options)
        .then(stamp => ({ stamp, bits: stampBits(this.tag, this.envelopeHash, stamp) }))
      this.minted.set(key, pending)
      pending.catch(() => { this.minted.delete(key) })
    }
    return (await pending).stamp
  }
}

/**
 * At most `limit` sessions per mailbox node at once, the others wait their
 * turn: a burst of deposits to one node queues here instead of opening more
 * streams than the connection allows. Only nodes with a session in flight
 * have an entry.
 */
class StreamSlots {
  private readonly peers = new Map<string, { active: number, waiting: Array<() => void> }>()

  constructor (private readonly limit: number) {}

  async acquire (key: string, signal: AbortSignal): Promise<() => void> {
    let peer = this.peers.get(key)
    if (peer == null) {
      peer = { active: 0, waiting: [] }
      this.peers.set(key, peer)
    }
    if (peer.active >= this.limit) {
      const entry = peer
      await new Promise<void>((resolve, reject) => {
        const turn = (): void => {
          signal.removeEventListener('abort', abort)
          resolve()
        }
        const abort = (): void => {
          entry.waiting.splice(entry.waiting.indexOf(turn), 1)
          reject(signal.reason)
        }
        signal.throwIfAborted()
        signal.addEventListener('abort', abort, { once: true })
        entry.waiting.push(turn)
      })
    }
    peer.active++
    let released = false
    return () => {
      if (released || peer == null) { return }
      released = true
      peer.active--
      const next = peer.waiting.shift()
      if (next != null) {
        next()
      } else if (peer.active === 0) {
        this.peers.delete(key)
      }
    }
  }
}

export class MailboxClient implements MailboxClientInterface {
  private readonly components: MailboxClientComponents
  private readonly log: Logger
  private readonly timeout: number
  private readonly maxOutboundStreams: number
  private readonly maxFrameBytes: number
  private readonly maxDifficulty: number
  private readonly runOnLimitedConnection: boolean
  /** INFO by peer id, least recently used first */
  private readonly infos = new Map<string, { info: MailboxInfo, at: number }>()
  private readonly slots: StreamSlots
  private shutdown = new AbortController()
  private started = false

  constructor (components: MailboxClientComponents, init: MailboxClientInit = {}) {
    this.components = components
    this.log = components.logger.forComponent('hypha:mailbox:client')
    this.timeout = integerInRange('timeout', init.timeout ?? MAILBOX_CLIENT_TIMEOUT, 1)
    this.maxOutboundStreams = integerInRange('maxOutboundStreams', init.maxOutboundStreams ?? MAILBOX_MAX_OUTBOUND_STREAMS, 1)
    this.maxFrameBytes = integerInRange('maxFrameBytes', init.maxFrameBytes ?? MAILBOX_MAX_FRAME_BYTES, 1)
    this.maxDifficulty = integerInRange('maxDifficulty', init.maxDifficulty ?? MAX_STAMP_DIFFICULTY, 0, MAX_STAMP_DIFFICULTY)
    this.runOnLimitedConnection = init.runOnLimitedConnection ?? false
    this.slots = new StreamSlots(this.maxOutboundStreams)
  }

  readonly [Symbol.toStringTag] = '@hypha/mailbox-client'

  readonly [serviceCapabilities]: string[] = ['@hypha/mailbox-client']

  isStarted (): boolean {
    return this.started
  }

  async start (): Promise<void> {
    this.shutdown = new AbortController()
    this.started = true
  }

  /** Abort calls in flight */
  async stop (): Promise<void> {
    this.shutdown.abort()
    this.infos.clear()
    this.started = false
  }

  async info (peer: Target, options: AbortOptions = {}): Promise<MailboxInfo> {
    return this.session(peer, options, async session => this.requestInfo(session))
  }

  async deposit (peer: Target, tag: Uint8Array, envelope: Uint8Array, options: DepositOptions = {}): Promise<MailboxReceipt> {
    checkBytes(tag, INBOX_TAG_LENGTH, 'tag')
    if (!(envelope instanceof Uint8Array) || envelope.length === 0) {
      throw new TypeError('expected the envelope to be a non-empty Uint8Array')
    }
    const envelopeHash = sha256(envelope)
    return this.depositWith(peer, tag, envelope, envelopeHash, new StampCache(tag, envelopeHash), options)
  }

  async depositAll (peers: Target[], tag: Uint8Array, envelope: Uint8Array, options: DepositOptions = {}): Promise<DepositAllResult> {
    checkBytes(tag, INBOX_TAG_LENGTH, 'tag')
    if (!(envelope instanceof Uint8Array) || envelope.length === 0) {
      throw new TypeError('expected the envelope to be a non-empty Uint8Array')
    }
    const envelopeHash = sha256(envelope)
    const stamps = new StampCache(tag, envelopeHash)
    const results = await Promise.allSettled(peers.map(async peer => this.depositWith(peer, tag, envelope, envelopeHash, stamps, options)))
    const result: DepositAllResult = { successes: [], failures: [] }
    results.forEach((settled, i) => {
      if (settled.status === 'fulfilled') {
        result.successes.push(settled.value)
      } else {
        result.failures.push({ peer: peers[i], error: settled.reason instanceof Error ? settled.reason : new Error(String(settled.reason)) })
      }
    })
    return result
  }

  async fetch (peer: Target, signer: MailboxSigner, options: FetchOptions = {}): Promise<MailboxPage> {
    const inboxKey = signerKey(signer)
    const cursor = options.cursor ?? new Uint8Array(0)
    if (!(cursor instanceof Uint8Array) || (cursor.length !== 0 && cursor.length !== CURSOR_LENGTH)) {
      throw new TypeError(`expected the cursor to be a Uint8Array of length 0 or ${CURSOR_LENGTH}, as a page returned it`)
    }
    const limit = options.limit == null ? 0 : integerInRange('limit', options.limit, 1, 0xffffffff)

    return this.session(peer, options, async session => {
      const challenge = await this.challenge(session)
      const mailboxPeerId = session.mailbox.toMultihash().bytes
      const signature = await signAs(signer, FETCH_PREFIX, fetchMessage(mailboxPeerId, challenge, cursor, limit))
      const response = await session.request({
        type: RequestType.FETCH,
        fetch: { inboxKey: Uint8Array.from(inboxKey), signature: Uint8Array.from(signature), cursor: Uint8Array.from(cursor), limit }
      }, 'FETCH')
      const page = response.page
      if (page == null || page.cursor?.length !== CURSOR_LENGTH) {
        throw new InvalidMailboxMessageError(`mailbox ${session.mailbox} answered FETCH without a page and a ${CURSOR_LENGTH}-byte cursor`)
      }
      if (limit > 0 && page.entries.length > limit) {
        throw new InvalidMailboxMessageError(`mailbox ${session.mailbox} returned ${page.entries.length} entries, ${limit} asked`)
      }
      const entries = page.entries.map(entry => {
        const envelope = entry.envelope ?? new Uint8Array(0)
        const hash = sha256(envelope)
        if (entry.hash == null || !uint8ArrayEquals(hash, entry.hash)) {
          throw new InvalidMailboxMessageError(`mailbox ${session.mailbox} returned an entry whose hash is not the SHA-256 of its envelope`)
        }
        return { hash, envelope, storedAt: Number(entry.storedAt ?? 0n), expiresAt: Number(entry.expiresAt ?? 0n) }
      })
      return { entries, cursor: page.cursor, more: page.more ?? false }
    })
  }

  async ack (peer: Target, signer: MailboxSigner, hashes: Uint8Array[], options: AbortOptions = {}): Promise<number> {
    const inboxKey = signerKey(signer)
    if (!Array.isArray(hashes)) {
      throw new TypeError('expected an array of envelope hashes')
    }
    hashes.forEach((hash, i) => { checkBytes(hash, HASH_LENGTH, `hashes[${i}]`) })

    return this.session(peer, options, async session => {
      const info = this.cachedInfo(session.mailbox)
      if (info != null && hashes.length > info.maxAckHashes) {
        throw new RangeError(`expected at most ${info.maxAckHashes} hashes per ACK (this mailbox's limit), got ${hashes.length}`)
      }
      const challenge = await this.challenge(session)
      const mailboxPeerId = session.mailbox.toMultihash().bytes
      const signature = await signAs(signer, ACK_PREFIX, ackMessage(mailboxPeerId, challenge, hashes))
      const response = await session.request({
        type: RequestType.ACK,
        ack: { inboxKey: Uint8Array.from(inboxKey), signature: Uint8Array.from(signature), hashes: hashes.map(hash => Uint8Array.from(hash)) }
      }, 'ACK')
      return response.deleted ?? 0
    })
  }

  private async depositWith (peer: Target, tag: Uint8Array, envelope: Uint8Array, envelopeHash: Uint8Array, stamps: StampCache, options: DepositOptions): Promise<MailboxReceipt> {
    return this.session(peer, options, async (session, signal) => {
      const info = this.cachedInfo(session.mailbox) ?? await this.requestInfo(session)
      if (envelope.length > info.maxEnvelopeBytes) {
        throw new EnvelopeTooLargeError(`envelope is ${envelope.length} bytes, mailbox ${session.mailbox} accepts at most ${info.maxEnvelopeBytes}`)
      }
      if (info.difficulty > this.maxDifficulty) {
        throw new InvalidStampError(`mailbox ${session.mailbox} asks for stamps of ${info.difficulty} bits, this client mints at most ${this.maxDifficulty}`)
      }
      const stamp = options.stamp ?? await stamps.get(info.difficulty, options.day ?? utcDay(), { signal })
      let response: MailboxResponse
      try {
        response = await session.request({
          type: RequestType.DEPOSIT,
          deposit: { tag: Uint8Array.from(tag), envelope: Uint8Array.from(envelope), stamp: { day: stamp.day, nonce: Uint8Array.from(stamp.nonce) } }
        }, 'DEPOSIT')
      } catch (err: any) {
        if (err?.name === 'InvalidStampError' || err?.name === 'EnvelopeTooLargeError') {
          // the policy may have changed since INFO: ask again next time
          this.infos.delete(session.mailbox.toString())
        }
        throw err
      }
      const receipt = response.receipt
      if (receipt == null) {
        throw new InvalidMailboxMessageError(`mailbox ${session.mailbox} answered DEPOSIT without a receipt`)
      }
      return verifyReceipt({
        mailboxPeerId: receipt.mailboxPeerId ?? new Uint8Array(0),
        tag: receipt.tag ?? new Uint8Array(0),
        envelopeHash: receipt.envelopeHash ?? new Uint8Array(0),
        storedAt: Number(receipt.storedAt ?? 0n),
        expiresAt: Number(receipt.expiresAt ?? 0n),
        signature: receipt.signature ?? new Uint8Array(0)
      }, session.mailbox, { tag, envelopeHash })
    })
  }

  private cachedInfo (mailbox: PeerId): MailboxInfo | undefined {
    const key = mailbox.toString()
    const cached = this.infos.get(key)
    if (cached == null) { return undefined }
    if (Date.now() - cached.at > MAILBOX_INFO_TTL) {
      this.infos.delete(key)
      return undefined
    }
    return cached.info
  }

  private async requestInfo (session: Session): Promise<MailboxInfo> {
    const response = await session.request({ type: RequestType.INFO }, 'INFO')
    const wire = response.info
    if (wire == null) {
      throw new InvalidMailboxMessageError(`mailbox ${session.mailbox} answered INFO without its policy`)
    }
    const info: MailboxInfo = {
      difficulty: wire.difficulty ?? 0,
      retention: wire.retention ?? 0,
      maxEnvelopeBytes: wire.maxEnvelopeBytes ?? 0,
      quotaCount: wire.quotaCount ?? 0,
      quotaBytes: Number(wire.quotaBytes ?? 0n),
      maxPageSize: wire.maxPageSize ?? 0,
      maxPageBytes: wire.maxPageBytes ?? 0,
      maxAckHashes: wire.maxAckHashes ?? 0
    }
    const key = session.mailbox.toString()
    this.infos.delete(key)
    this.infos.set(key, { info, at: Date.now() })
    while (this.infos.size > MAILBOX_INFO_CACHE_SIZE) {
      this.infos.delete(this.infos.keys().next().value as string)
    }
    return info
  }

  private async challenge (session: Session): Promise<Uint8Array> {
    const response = await session.request({ type: RequestType.CHALLENGE }, 'CHALLENGE')
    if (response.challenge == null || response.challenge.length === 0) {
      throw new InvalidMailboxMessageError(`mailbox ${session.mailbox} answered CHALLENGE without a challenge`)
    }
    return response.challenge
  }

  /**
   * Dial `peer`, open one mailbox stream, run `task` with it (each request
   * reads one response of the same type, and a status other than OK throws
   * its typed error), close. The whole call is bounded by the timeout.
   */
  private async session<T> (peer: Target, options: AbortOptions, task: (session: Session, signal: AbortSignal) => Promise<T>): Promise<T> {
    const signals = [AbortSignal.timeout(this.timeout), this.shutdown.signal]
    if (options.signal != null) { signals.push(options.signal) }
    const signal = AbortSignal.any(signals)

    const connection = await this.components.connectionManager.openConnection(peer, { signal })
    const mailbox = connection.remotePeer
    const release = await this.slots.acquire(mailbox.toString(), signal)
    let stream: Stream
    try {
      stream = await connection.newStream(MAILBOX_PROTOCOL, {
        signal,
        maxOutboundStreams: this.maxOutboundStreams,
        runOnLimitedConnection: this.runOnLimitedConnection
      })
    } catch (err) {
      release()
      throw err
    }
    const messages = pbStream(stream, { maxDataLength: this.maxFrameBytes })
    const session: Session = {
      mailbox,
      request: async (request, name) => {
        await messages.write(request, requestCodec, { signal })
        let response: MailboxResponse
        try {
          response = await messages.read(responseCodec, { signal })
        } catch (err: any) {
          throw readError(err, signal, `mailbox ${mailbox} answering ${name}`)
        }
        if (response.type !== request.type) {
          throw new InvalidMailboxMessageError(`mailbox ${mailbox} answered ${name} with ${response.type ?? 'no type'}`)
        }
        const refused = statusError(response.status, response.statusText, name)
        if (refused != null) {
          throw refused
        }
        return response
      }
    }
    try {
      const result = await task(session, signal)
      await stream.close({ signal })
      return result
    } catch (err: any) {
      stream.abort(err)
      this.log('mailbox request to %p failed - %e', mailbox, err)
      throw signal.aborted ? readError(err, signal, `mailbox ${mailbox}`) : err
    } finally {
      release()
    }
  }
}
