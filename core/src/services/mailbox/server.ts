import { serviceCapabilities } from '@libp2p/interface'
import { pbStream } from '@libp2p/utils'
import { sha256 } from '@noble/hashes/sha2.js'
import { InvalidMailboxMessageError } from '../../errors.ts'
import { verifyWithContext } from '../../identity/keys.ts'
import {
  MAILBOX_CHALLENGE_BYTES, MAILBOX_CHALLENGE_TTL, MAILBOX_DEPOSIT_BURST, MAILBOX_DEPOSIT_INTERVAL, MAILBOX_DEPOSITOR_MIN_ENVELOPES, MAILBOX_DEPOSITOR_SHARE, MAILBOX_FRAME_OVERHEAD,
  MAILBOX_MAX_ACK_HASHES, MAILBOX_MAX_ENVELOPE_BYTES, MAILBOX_MAX_FETCH_SCAN, MAILBOX_MAX_FRAME_BYTES, MAILBOX_MAX_INBOUND_STREAMS,
  MAILBOX_MAX_PAGE_BYTES, MAILBOX_MAX_PAGE_SIZE, MAILBOX_MAX_RATE_BUCKETS, MAILBOX_MAX_REQUESTS_PER_STREAM, MAILBOX_MAX_TOTAL_BYTES,
  MAILBOX_MAX_TOTAL_COUNT, MAILBOX_QUOTA_BYTES, MAILBOX_QUOTA_COUNT, MAILBOX_RETENTION, MAILBOX_STAMP_DIFFICULTY, MAILBOX_STREAM_TIMEOUT,
  MAILBOX_SWEEP_BATCH, MAILBOX_SWEEP_INTERVAL, MAX_STAMP_DIFFICULTY, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH
} from '../../protocol/constants.ts'
import { MailboxResponse, RequestType } from '../../protocol/pb/mailbox.ts'
import { concat, readU64be, u64be } from '../../utils/bytes.ts'
import { ACK_PREFIX, FETCH_PREFIX, RECEIPT_PREFIX, ackMessage, fetchMessage, mailboxTag, receiptMessage } from './auth.ts'
import { CURSOR_LENGTH, HASH_LENGTH, INBOX_TAG_LENGTH, MAILBOX_PROTOCOL } from './constants.ts'
import { TokenBuckets } from './rate-limit.ts'
import { checkStamp } from './stamp.ts'
import { depositorId, MailboxStore } from './store.ts'
import { integerInRange, readError, requestCodec, responseCodec } from './utils.ts'
import type { MailboxServer as MailboxServerInterface, MailboxServerComponents, MailboxServerInit } from './index.ts'
import type { MailboxUsage } from './store.ts'
import type { Ack, Deposit, Fetch, Info, MailboxRequest, Receipt } from '../../protocol/pb/mailbox.ts'
import type { Connection, Logger, PeerId, Startable, Stream } from '@libp2p/interface'

const { Status } = MailboxResponse

/** The one challenge a stream may hold: issued by CHALLENGE, spent by the next FETCH or ACK */
interface StreamState {
  challenge?: { bytes: Uint8Array, expiresAt: number }
}

type Refusal = Pick<MailboxResponse, 'status' | 'statusText'>

/** Options that bound what is stored and returned, checked against each other */
interface StorageConfig {
  difficulty: number
  retention: number
  maxFrameBytes: number
  maxEnvelopeBytes: number
  maxPageBytes: number
  quotaCount: number
  quotaBytes: number
  /** What one depositor may hold in one inbox: the quota divided by `depositorShare`, with a floor */
  depositorCount: number
  depositorBytes: number
  maxTotalCount: number
  maxTotalBytes: number
  maxPageSize: number
  maxAckHashes: number
}

/** Options of streams, timers and the clock */
interface StreamConfig {
  challengeTtl: number
  maxRequestsPerStream: number
  streamTimeout: number
  maxInboundStreams: number
  sweepInterval: number
  runOnLimitedConnection: boolean
  now(): number
}

type ServerConfig = StorageConfig & StreamConfig

function storageConfig (init: MailboxServerInit): StorageConfig {
  const maxFrameBytes = integerInRange('maxFrameBytes', init.maxFrameBytes ?? MAILBOX_MAX_FRAME_BYTES, 1 + MAILBOX_FRAME_OVERHEAD)
  const maxEnvelopeBytes = integerInRange('maxEnvelopeBytes', init.maxEnvelopeBytes ?? MAILBOX_MAX_ENVELOPE_BYTES, 1, maxFrameBytes - MAILBOX_FRAME_OVERHEAD)
  const quotaCount = integerInRange('quotaCount', init.quotaCount ?? MAILBOX_QUOTA_COUNT, 1, 0xffffffff)
  const quotaBytes = integerInRange('quotaBytes', init.quotaBytes ?? MAILBOX_QUOTA_BYTES, 1)
  const share = integerInRange('depositorShare', init.depositorShare ?? MAILBOX_DEPOSITOR_SHARE, 1)
  return {
    difficulty: integerInRange('difficulty', init.difficulty ?? MAILBOX_STAMP_DIFFICULTY, 0, MAX_STAMP_DIFFICULTY),
    retention: integerInRange('retention', init.retention ?? MAILBOX_RETENTION, 1, 0xffffffff),
    maxFrameBytes,
    maxEnvelopeBytes,
    // a page always has room for one envelope, and fits a frame
    maxPageBytes: integerInRange('maxPageBytes', init.maxPageBytes ?? MAILBOX_MAX_PAGE_BYTES,
      maxEnvelopeBytes + MAILBOX_FRAME_OVERHEAD, maxFrameBytes - MAILBOX_FRAME_OVERHEAD),
    quotaCount,
    quotaBytes,
    // never below MAILBOX_DEPOSITOR_MIN_ENVELOPES envelopes and one largest envelope, within the quota
    depositorCount: Math.min(quotaCount, Math.max(Math.ceil(quotaCount / share), MAILBOX_DEPOSITOR_MIN_ENVELOPES)),
    depositorBytes: Math.min(quotaBytes, Math.max(Math.ceil(quotaBytes / share), maxEnvelopeBytes)),
    maxTotalCount: integerInRange('maxTotalCount', init.maxTotalCount ?? MAILBOX_MAX_TOTAL_COUNT, 1),
    maxTotalBytes: integerInRange('maxTotalBytes', init.maxTotalBytes ?? MAILBOX_MAX_TOTAL_BYTES, 1),
    maxPageSize: integerInRange('maxPageSize', init.maxPageSize ?? MAILBOX_MAX_PAGE_SIZE, 1, MAILBOX_MAX_FETCH_SCAN),
    // an ACK of the most hashes fits a frame
    maxAckHashes: integerInRange('maxAckHashes', init.maxAckHashes ?? MAILBOX_MAX_ACK_HASHES, 1,
      Math.floor((maxFrameBytes - MAILBOX_FRAME_OVERHEAD) / (HASH_LENGTH + 2)))
  }
}

function streamConfig (init: MailboxServerInit): StreamConfig {
  return {
    challengeTtl: integerInRange('challengeTtl', init.challengeTtl ?? MAILBOX_CHALLENGE_TTL, 1),
    maxRequestsPerStream: integerInRange('maxRequestsPerStream', init.maxRequestsPerStream ?? MAILBOX_MAX_REQUESTS_PER_STREAM, 1),
    streamTimeout: integerInRange('streamTimeout', init.streamTimeout ?? MAILBOX_STREAM_TIMEOUT, 1),
    maxInboundStreams: integerInRange('maxInboundStreams', init.maxInboundStreams ?? MAILBOX_MAX_INBOUND_STREAMS, 1),
    sweepInterval: integerInRange('sweepInterval', init.sweepInterval ?? MAILBOX_SWEEP_INTERVAL, 1),
    runOnLimitedConnection: init.runOnLimitedConnection ?? false,
    now: init.now ?? Date.now
  }
}

export class MailboxServer implements MailboxServerInterface, Startable {
  private readonly components: MailboxServerComponents
  private readonly log: Logger
  private readonly store: MailboxStore
  private readonly rate: TokenBuckets
  private readonly config: ServerConfig
  private readonly info: Info
  private readonly peerIdBytes: Uint8Array
  private sweepTimer?: ReturnType<typeof setInterval>
  private sweeping?: Promise<number>
  private shutdown?: AbortController
  private started = false

  constructor (components: MailboxServerComponents, init: MailboxServerInit) {
    if (init?.db == null) {
      throw new TypeError('expected init.db, an abstract-level database')
    }
    if (components.privateKey.type !== 'Ed25519') {
      throw new TypeError(`a mailbox node signs receipts with an Ed25519 libp2p key, this node has ${components.privateKey.type}`)
    }
    this.components = components
    this.log = components.logger.forComponent('hypha:mailbox:server')
    this.config = { ...storageConfig(init), ...streamConfig(init) }
    this.rate = new TokenBuckets({
      burst: integerInRange('depositBurst', init.depositBurst ?? MAILBOX_DEPOSIT_BURST, 1),
      interval: integerInRange('depositInterval', init.depositInterval ?? MAILBOX_DEPOSIT_INTERVAL, 1),
      maxBuckets: integerInRange('maxRateBuckets', init.maxRateBuckets ?? MAILBOX_MAX_RATE_BUCKETS, 1)
    })
    this.store = new MailboxStore(init.db)
    this.peerIdBytes = components.peerId.toMultihash().bytes
    this.info = {
      difficulty: this.config.difficulty,
      retention: this.config.retention,
      maxEnvelopeBytes: this.config.maxEnvelopeBytes,
      quotaCount: this.config.quotaCount,
      quotaBytes: BigInt(this.config.quotaBytes),
      maxPageSize: this.config.maxPageSize,
      maxPageBytes: this.config.maxPageBytes,
      maxAckHashes: this.config.maxAckHashes
    }
    this.handleStream = this.handleStream.bind(this)
  }

  readonly [Symbol.toStringTag] = '@hypha/mailbox-server'

  readonly [serviceCapabilities]: string[] = ['@hypha/mailbox-server']

  isStarted (): boolean {
    return this.started
  }

  async start (): Promise<void> {
    if (this.started) { return }
    await this.store.load()
    this.shutdown = new AbortController()
    await this.components.registrar.handle(MAILBOX_PROTOCOL, this.handleStream, {
      maxInboundStreams: this.config.maxInboundStreams,
      runOnLimitedConnection: this.config.runOnLimitedConnection
    })
    this.sweepTimer = setInterval(() => {
      this.sweep().catch(err => { this.log.error('sweep failed - %e', err) })
    }, this.config.sweepInterval)
    this.started = true
  }

  /** Stop answering; writes in flight finish first (the database stays open: its owner closes it) */
  async stop (): Promise<void> {
    if (!this.started) { return }
    clearInterval(this.sweepTimer)
    this.sweepTimer = undefined
    this.shutdown?.abort()
    await this.components.registrar.unhandle(MAILBOX_PROTOCOL)
    await this.sweeping?.catch(() => {})
    await this.store.idle()
    this.rate.clear()
    this.started = false
  }

  async usage (tag: Uint8Array): Promise<MailboxUsage> {
    return this.store.usage(tag)
  }

  get total (): MailboxUsage {
    return this.store.total
  }

  async sweep (): Promise<number> {
    // one sweep at a time: a timer tick during a long sweep joins it
    this.sweeping ??= this.store.sweep(this.config.now(), MAILBOX_SWEEP_BATCH).then(purged => {
      if (purged > 0) { this.log('swept %d expired envelopes', purged) }
      return purged
    }).finally(() => { this.sweeping = undefined })
    return this.sweeping
  }

  /**
   * Answer requests on one stream until the client closes its side, up to
   * maxRequestsPerStream. A frame that cannot be read (oversized, cut short,
   * not a request, a field missing or of the wrong size) ends the stream with
   * InvalidMailboxMessageError; other streams are not affected.
   */
  async handleStream (stream: Stream, connection: Connection): Promise<void> {
    const remotePeer = connection.remotePeer
    const messages = pbStream(stream, { maxDataLength: this.config.maxFrameBytes })
    const state: StreamState = {}
    let handled = 0

    try {
      while (handled < this.config.maxRequestsPerStream) {
        const signal = this.streamSignal()
        let request: MailboxRequest
        try {
          request = await messages.read(requestCodec, { signal, limits: { ack: { hashes: this.config.maxAckHashes } } })
        } catch (err: any) {
          if (handled > 0 && err.name === 'UnexpectedEOFError') {
            break // the client closed its side after its last request
          }
          throw readError(err, signal, `mailbox request from ${remotePeer}`)
        }
        handled++
        const response = await this.answer(request, remotePeer, state).catch(err => this.internalError(request, remotePeer, err))
        await messages.write(response, responseCodec, { signal })
      }
      await stream.close({ signal: this.streamSignal() })
    } catch (err: any) {
      if (err.name === 'InvalidMailboxMessageError') {
        this.log('ended a stream from %p: %s: %s', remotePeer, err.name, err.message)
      } else {
        this.log.error('mailbox stream from %p failed - %e', remotePeer, err)
      }
      stream.abort(err)
    }
  }

  private async answer (request: MailboxRequest, remotePeer: PeerId, state: StreamState): Promise<MailboxResponse> {
    switch (request.type) {
      case RequestType.INFO:
        return { type: RequestType.INFO, status: Status.OK, info: this.info }
      case RequestType.CHALLENGE: {
        const bytes = crypto.getRandomValues(new Uint8Array(MAILBOX_CHALLENGE_BYTES))
        state.challenge = { bytes, expiresAt: this.config.now() + this.config.challengeTtl }
        return { type: RequestType.CHALLENGE, status: Status.OK, challenge: bytes }
      }
      case RequestType.DEPOSIT:
        return { type: RequestType.DEPOSIT, ...(await this.deposit(request.deposit, remotePeer)) }
      case RequestType.FETCH:
        return { type: RequestType.FETCH, ...(await this.fetch(request.fetch, remotePeer, state)) }
      case RequestType.ACK:
        return { type: RequestType.ACK, ...(await this.ack(request.ack, remotePeer, state)) }
      default:
        throw new InvalidMailboxMessageError(`mailbox request from ${remotePeer} has type ${request.type ?? 'none'}, expected INFO, DEPOSIT, CHALLENGE, FETCH or ACK`)
    }
  }

  /** A bug or a failure of this node (the database, say), not of the request: answer E_INTERNAL_ERROR and keep the stream */
  private internalError (request: MailboxRequest, remotePeer: PeerId, err: any): MailboxResponse {
    if (err?.name === 'InvalidMailboxMessageError') {
      throw err
    }
    this.log.error('failed to answer %s from %p - %e', request.type, remotePeer, err)
    return { type: request.type, status: Status.E_INTERNAL_ERROR, statusText: 'internal error' }
  }

  private refuse (request: string, remotePeer: PeerId, status: MailboxResponse.Status, statusText: string): Refusal {
    this.log('refused %s from %p: %s %s', request, remotePeer, status, statusText)
    return { status, statusText }
  }

  private async deposit (deposit: Deposit | undefined, remotePeer: PeerId): Promise<Pick<MailboxResponse, 'status' | 'statusText' | 'receipt'>> {
    const malformed = (what: string): InvalidMailboxMessageError => new InvalidMailboxMessageError(`DEPOSIT from ${remotePeer}: ${what}`)
    if (deposit == null) { throw malformed('no deposit field') }
    const { tag, envelope, stamp } = deposit
    if (tag?.length !== INBOX_TAG_LENGTH) { throw malformed(`tag must be ${INBOX_TAG_LENGTH} bytes, got ${tag?.length ?? 'none'}`) }
    if (envelope == null || envelope.length === 0) { throw malformed('no envelope') }
    if (stamp?.day == null) { throw malformed('no stamp day') }

    const now = this.config.now()
    if (!this.rate.take(remotePeer.toString(), now)) {
      return this.refuse('DEPOSIT', remotePeer, Status.E_RATE_LIMITED,
        `deposit rate limit: ${this.rate.burst} at once, then one every ${this.rate.interval} ms`)
    }
    if (envelope.length > this.config.maxEnvelopeBytes) {
      return this.refuse('DEPOSIT', remotePeer, Status.E_ENVELOPE_TOO_LARGE,
        `envelope is ${envelope.length} bytes, at most ${this.config.maxEnvelopeBytes} accepted`)
    }
    // checkStamp refuses a nonce over MAX_STAMP_NONCE_BYTES too
    const nonce = stamp.nonce ?? new Uint8Array(0)
    const envelopeHash = sha256(envelope)
    try {
      checkStamp(tag, envelopeHash, { day: stamp.day, nonce }, this.config.difficulty, now)
    } catch (err: any) {
      if (err.name !== 'InvalidStampError') { throw err }
      return this.refuse('DEPOSIT', remotePeer, Status.E_INVALID_STAMP, err.message)
    }

    const result = await this.store.deposit(tag, envelopeHash, envelope, now, this.config.retention * 1000, {
      quotaCount: this.config.quotaCount,
      quotaBytes: this.config.quotaBytes,
      depositorCount: this.config.depositorCount,
      depositorBytes: this.config.depositorBytes,
      maxTotalCount: this.config.maxTotalCount,
      maxTotalBytes: this.config.maxTotalBytes
    }, depositorId(remotePeer.toMultihash().bytes))
    if (result.outcome === 'quota') {
      return this.refuse('DEPOSIT', remotePeer, Status.E_QUOTA_EXCEEDED, result.reason)
    }
    if (result.outcome === 'full') {
      return this.refuse('DEPOSIT', remotePeer, Status.E_STORAGE_FULL, result.reason)
    }
    // the batch is written (and synced where the database can): only now is there a receipt
    const fields = {
      mailboxPeerId: this.peerIdBytes,
      tag,
      envelopeHash,
      storedAt: result.entry.storedAt,
      expiresAt: result.entry.expiresAt
    }
    const signature = await this.components.privateKey.sign(concat([RECEIPT_PREFIX, receiptMessage(fields)]))
    const receipt: Receipt = {
      mailboxPeerId: Uint8Array.from(fields.mailboxPeerId),
      tag: Uint8Array.from(tag),
      envelopeHash: Uint8Array.from(envelopeHash),
      storedAt: BigInt(fields.storedAt),
      expiresAt: BigInt(fields.expiresAt),
      signature: Uint8Array.from(signature)
    }
    this.log.trace('%s envelope of %d bytes from %p', result.outcome, envelope.length, remotePeer)
    return { status: Status.OK, receipt }
  }

  /** Spend the stream's challenge and check `signature` over `context || message(challenge)` with `inboxKey` */
  private async authorize (state: StreamState, inboxKey: Uint8Array, signature: Uint8Array, context: Uint8Array, message: (challenge: Uint8Array) => Uint8Array): Promise<string | undefined> {
    const challenge = state.challenge
    state.challenge = undefined
    if (challenge == null) {
      return 'no challenge on this stream: send CHALLENGE first (each challenge serves one request)'
    }
    if (challenge.expiresAt <= this.config.now()) {
      return `challenge expired (a challenge is valid for ${this.config.challengeTtl} ms)`
    }
    if (!(await verifyWithContext(signature, context, message(challenge.bytes), inboxKey))) {
      return 'signature does not verify with the inbox key'
    }
    return undefined
  }

  private async fetch (fetch: Fetch | undefined, remotePeer: PeerId, state: StreamState): Promise<Pick<MailboxResponse, 'status' | 'statusText' | 'page'>> {
    const malformed = (what: string): InvalidMailboxMessageError => new InvalidMailboxMessageError(`FETCH from ${remotePeer}: ${what}`)
    if (fetch == null) { throw malformed('no fetch field') }
    const { inboxKey, signature } = fetch
    const cursor = fetch.cursor ?? new Uint8Array(0)
    const limit = fetch.limit ?? 0
    if (inboxKey?.length !== PUBLIC_KEY_LENGTH) { throw malformed(`inbox key must be ${PUBLIC_KEY_LENGTH} bytes, got ${inboxKey?.length ?? 'none'}`) }
    if (signature?.length !== SIGNATURE_LENGTH) { throw malformed(`signature must be ${SIGNATURE_LENGTH} bytes, got ${signature?.length ?? 'none'}`) }
    if (cursor.length !== 0 && cursor.length !== CURSOR_LENGTH) { throw malformed(`cursor must be empty or ${CURSOR_LENGTH} bytes, got ${cursor.length}`) }

    const denied = await this.authorize(state, inboxKey, signature, FETCH_PREFIX, challenge => fetchMessage(this.peerIdBytes, challenge, cursor, limit))
    if (denied != null) {
      return this.refuse('FETCH', remotePeer, Status.E_UNAUTHORIZED, denied)
    }

    const afterSeq = cursor.length === 0 ? 0 : readU64be(cursor)
    if (!Number.isSafeInteger(afterSeq)) { throw malformed('cursor out of range') }
    const pageSize = limit === 0 ? this.config.maxPageSize : Math.min(limit, this.config.maxPageSize)
    const page = await this.store.fetch(mailboxTag(inboxKey), afterSeq, pageSize, this.config.maxPageBytes, MAILBOX_MAX_FETCH_SCAN, this.config.now())
    return {
      status: Status.OK,
      page: {
        entries: page.entries.map(entry => ({
          hash: Uint8Array.from(entry.hash),
          envelope: Uint8Array.from(entry.envelope),
          storedAt: BigInt(entry.storedAt),
          expiresAt: BigInt(entry.expiresAt)
        })),
        cursor: Uint8Array.from(u64be(page.lastSeq)),
        more: page.more
      }
    }
  }

  private async ack (ack: Ack | undefined, remotePeer: PeerId, state: StreamState): Promise<Pick<MailboxResponse, 'status' | 'statusText' | 'deleted'>> {
    const malformed = (what: string): InvalidMailboxMessageError => new InvalidMailboxMessageError(`ACK from ${remotePeer}: ${what}`)
    if (ack == null) { throw malformed('no ack field') }
    const { inboxKey, signature, hashes } = ack
    if (inboxKey?.length !== PUBLIC_KEY_LENGTH) { throw malformed(`inbox key must be ${PUBLIC_KEY_LENGTH} bytes, got ${inboxKey?.length ?? 'none'}`) }
    if (signature?.length !== SIGNATURE_LENGTH) { throw malformed(`signature must be ${SIGNATURE_LENGTH} bytes, got ${signature?.length ?? 'none'}`) }
    if (hashes.some(hash => hash.length !== HASH_LENGTH)) { throw malformed(`every hash must be ${HASH_LENGTH} bytes`) }

    const denied = await this.authorize(state, inboxKey, signature, ACK_PREFIX, challenge => ackMessage(this.peerIdBytes, challenge, hashes))
    if (denied != null) {
      return this.refuse('ACK', remotePeer, Status.E_UNAUTHORIZED, denied)
    }
    const deleted = await this.store.ack(mailboxTag(inboxKey), hashes)
    this.log.trace('%p acknowledged %d envelopes, %d deleted', remotePeer, hashes.length, deleted)
    return { status: Status.OK, deleted }
  }

  private streamSignal (): AbortSignal {
    const timeout = AbortSignal.timeout(this.config.streamTimeout)
    return this.shutdown == null ? timeout : AbortSignal.any([timeout, this.shutdown.signal])
  }
}
