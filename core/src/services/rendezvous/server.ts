import { serviceCapabilities } from '@libp2p/interface'
import { pbStream } from '@libp2p/utils'
import { InvalidRendezvousMessageError } from '../../errors.ts'
import { Message } from '../../protocol/pb/rendezvous.ts'
import {
  DEFAULT_TTL, DISCOVER_RESPONSE_OVERHEAD, MAX_DISCOVER_LIMIT, MAX_INBOUND_STREAMS, MAX_MESSAGE_SIZE, MAX_NAMESPACE_LENGTH, MAX_REGISTRATIONS,
  MAX_REGISTRATIONS_PER_PEER, MAX_REQUESTS_PER_STREAM, MAX_SIGNED_PEER_RECORD_SIZE, MAX_TTL, MIN_TTL, RENDEZVOUS_PROTOCOL,
  REGISTRATION_SWEEP_INTERVAL, SERVER_STREAM_TIMEOUT
} from './constants.ts'
import { namespaceLength } from './namespace.ts'
import { openPeerRecord } from './peer-record.ts'
import { Registrations } from './registrations.ts'
import { messageCodec, positiveInteger, readError } from './utils.ts'
import type { RendezvousServer as RendezvousServerInterface, RendezvousServerComponents, RendezvousServerInit } from './index.ts'
import type { Connection, Logger, PeerId, Startable, Stream } from '@libp2p/interface'

const { MessageType, ResponseStatus } = Message

/** A codec that throws InvalidRendezvousMessageError on bytes that do not decode */
const requestCodec = messageCodec()

export class RendezvousServer implements RendezvousServerInterface, Startable {
  private readonly components: RendezvousServerComponents
  private readonly log: Logger
  private readonly registrations: Registrations
  private readonly minTtl: number
  private readonly maxTtl: number
  private readonly defaultTtl: number
  private readonly maxDiscoverLimit: number
  private readonly sweepInterval: number
  private readonly streamTimeout: number
  private readonly maxInboundStreams: number
  private readonly runOnLimitedConnection: boolean
  private sweepTimer?: ReturnType<typeof setInterval>
  private shutdown?: AbortController
  private started = false

  constructor (components: RendezvousServerComponents, init: RendezvousServerInit = {}) {
    this.components = components
    this.log = components.logger.forComponent('hypha:rendezvous:server')
    this.minTtl = positiveInteger('minTtl', init.minTtl ?? MIN_TTL, MAX_TTL)
    this.maxTtl = positiveInteger('maxTtl', init.maxTtl ?? MAX_TTL, MAX_TTL)
    if (this.minTtl > this.maxTtl) {
      throw new RangeError(`expected minTtl <= maxTtl, got minTtl=${this.minTtl} maxTtl=${this.maxTtl}`)
    }
    // "If no TTL was set, then a default of 2hrs is implied", within this point's bounds
    this.defaultTtl = Math.min(Math.max(DEFAULT_TTL, this.minTtl), this.maxTtl)
    this.maxDiscoverLimit = positiveInteger('maxDiscoverLimit', init.maxDiscoverLimit ?? MAX_DISCOVER_LIMIT)
    this.sweepInterval = positiveInteger('sweepInterval', init.sweepInterval ?? REGISTRATION_SWEEP_INTERVAL)
    this.streamTimeout = positiveInteger('streamTimeout', init.streamTimeout ?? SERVER_STREAM_TIMEOUT)
    this.maxInboundStreams = positiveInteger('maxInboundStreams', init.maxInboundStreams ?? MAX_INBOUND_STREAMS)
    this.runOnLimitedConnection = init.runOnLimitedConnection ?? false
    this.registrations = new Registrations({
      maxRegistrationsPerPeer: positiveInteger('maxRegistrationsPerPeer', init.maxRegistrationsPerPeer ?? MAX_REGISTRATIONS_PER_PEER),
      maxRegistrations: positiveInteger('maxRegistrations', init.maxRegistrations ?? MAX_REGISTRATIONS)
    })
    this.handleStream = this.handleStream.bind(this)
  }

  readonly [Symbol.toStringTag] = '@hypha/rendezvous-server'

  readonly [serviceCapabilities]: string[] = ['@hypha/rendezvous-server']

  get registrationCount (): number {
    return this.registrations.size
  }

  isStarted (): boolean {
    return this.started
  }

  async start (): Promise<void> {
    if (this.started) { return }
    this.shutdown = new AbortController()
    await this.components.registrar.handle(RENDEZVOUS_PROTOCOL, this.handleStream, {
      maxInboundStreams: this.maxInboundStreams,
      runOnLimitedConnection: this.runOnLimitedConnection
    })
    this.sweepTimer = setInterval(() => {
      const purged = this.registrations.purgeExpired(Date.now())
      if (purged > 0) {
        this.log.trace('swept %d expired registrations', purged)
      }
    }, this.sweepInterval)
    this.started = true
  }

  async stop (): Promise<void> {
    if (!this.started) { return }
    clearInterval(this.sweepTimer)
    this.sweepTimer = undefined
    this.shutdown?.abort()
    await this.components.registrar.unhandle(RENDEZVOUS_PROTOCOL)
    this.registrations.clear()
    this.started = false
  }

  /**
   * Answer requests on one stream until the client closes its side, up to
   * MAX_REQUESTS_PER_STREAM. A frame that cannot be read (oversized, cut
   * short, not a Message, a type a client does not send) ends the stream
   * with InvalidRendezvousMessageError; other streams are not affected.
   */
  async handleStream (stream: Stream, connection: Connection): Promise<void> {
    const remotePeer = connection.remotePeer
    const messages = pbStream(stream, { maxDataLength: MAX_MESSAGE_SIZE }).pb(requestCodec)
    let handled = 0

    try {
      while (handled < MAX_REQUESTS_PER_STREAM) {
        const signal = this.streamSignal()
        let request: Message
        try {
          request = await messages.read({ signal })
        } catch (err: any) {
          if (handled > 0 && err.name === 'UnexpectedEOFError') {
            break // the client closed its side after its last request
          }
          throw readError(err, signal, `rendezvous request from ${remotePeer}`)
        }
        handled++

        const response = await this.answer(request, remotePeer).catch(err => this.internalError(request, remotePeer, err))
        if (response != null) {
          await messages.write(response, { signal })
        }
      }
      await stream.close({ signal: this.streamSignal() })
    } catch (err: any) {
      if (err.name === 'InvalidRendezvousMessageError') {
        this.log('%s', err.message)
      } else {
        this.log.error('rendezvous stream from %p failed - %e', remotePeer, err)
      }
      stream.abort(err)
    }
  }

  /** The response to one request, or undefined for UNREGISTER (which has none) */
  private async answer (request: Message, remotePeer: PeerId): Promise<Message | undefined> {
    switch (request.type) {
      case MessageType.REGISTER:
        return {
          type: MessageType.REGISTER_RESPONSE,
          registerResponse: await this.register(request.register ?? {}, remotePeer)
        }
      case MessageType.UNREGISTER:
        this.unregister(request.unregister ?? {}, remotePeer)
        return undefined
      case MessageType.DISCOVER:
        return {
          type: MessageType.DISCOVER_RESPONSE,
          discoverResponse: this.discover(request.discover ?? {}, remotePeer)
        }
      default:
        throw new InvalidRendezvousMessageError(`rendezvous request from ${remotePeer} has type ${request.type ?? 'none'}, expected REGISTER, UNREGISTER or DISCOVER`)
    }
  }

  /** A bug or a failure of this node, not of the request: answer E_INTERNAL_ERROR and keep the stream */
  private internalError (request: Message, remotePeer: PeerId, err: any): Message | undefined {
    if (err?.name === 'InvalidRendezvousMessageError') {
      throw err
    }
    this.log.error('failed to answer %s from %p - %e', request.type, remotePeer, err)
    const failure = { status: ResponseStatus.E_INTERNAL_ERROR, statusText: 'internal error' }
    if (request.type === MessageType.REGISTER) {
      return { type: MessageType.REGISTER_RESPONSE, registerResponse: failure }
    }
    if (request.type === MessageType.DISCOVER) {
      return { type: MessageType.DISCOVER_RESPONSE, discoverResponse: { ...failure, registrations: [] } }
    }
    return undefined
  }

  private async register (request: Message.Register, remotePeer: PeerId): Promise<Message.RegisterResponse> {
    const refuse = (status: Message.ResponseStatus, statusText: string): Message.RegisterResponse => {
      this.log('refused REGISTER from %p: %s %s', remotePeer, status, statusText)
      return { status, statusText }
    }

    const ns = request.ns ?? ''
    const nsLength = namespaceLength(ns)
    if (nsLength === 0 || nsLength > MAX_NAMESPACE_LENGTH) {
      return refuse(ResponseStatus.E_INVALID_NAMESPACE, `namespace must be 1 to ${MAX_NAMESPACE_LENGTH} bytes, got ${nsLength}`)
    }

    // a TTL of 0 is taken as "not set", as go-libp2p-rendezvous does
    const requested = request.ttl ?? 0n
    if (requested !== 0n && (requested < BigInt(this.minTtl) || requested > BigInt(this.maxTtl))) {
      return refuse(ResponseStatus.E_INVALID_TTL, `ttl must be ${this.minTtl} to ${this.maxTtl} seconds, got ${requested}`)
    }
    const ttl = requested === 0n ? this.defaultTtl : Number(requested)

    const signedPeerRecord = request.signedPeerRecord
    if (signedPeerRecord == null || signedPeerRecord.byteLength === 0) {
      return refuse(ResponseStatus.E_INVALID_SIGNED_PEER_RECORD, 'missing signed peer record')
    }
    if (signedPeerRecord.byteLength > MAX_SIGNED_PEER_RECORD_SIZE) {
      return refuse(ResponseStatus.E_INVALID_SIGNED_PEER_RECORD, `signed peer record is ${signedPeerRecord.byteLength} bytes, at most ${MAX_SIGNED_PEER_RECORD_SIZE} accepted`)
    }

    let peerId: PeerId
    try {
      ({ peerId } = await openPeerRecord(signedPeerRecord, { signal: this.shutdown?.signal }))
    } catch (err: any) {
      return refuse(ResponseStatus.E_INVALID_SIGNED_PEER_RECORD, err.message)
    }
    // "only the peer initiating the registration can register itself"
    if (!peerId.equals(remotePeer)) {
      return refuse(ResponseStatus.E_NOT_AUTHORIZED, 'a peer may only register its own signed peer record')
    }

    const added = this.registrations.add(remotePeer, ns, signedPeerRecord, ttl, Date.now())
    if (added === 'peer-limit') {
      return refuse(ResponseStatus.E_NOT_AUTHORIZED, 'too many registrations for this peer')
    }
    if (added === 'full') {
      return refuse(ResponseStatus.E_UNAVAILABLE, 'rendezvous point is full')
    }
    this.log.trace('registered %p in %s for %ds', remotePeer, ns, ttl)
    return { status: ResponseStatus.OK, ttl: BigInt(ttl) }
  }

  private unregister (request: Message.Unregister, remotePeer: PeerId): void {
    const ns = request.ns ?? ''
    const nsLength = namespaceLength(ns)
    if (nsLength === 0 || nsLength > MAX_NAMESPACE_LENGTH) {
      // no response to send; the stream goes on
      this.log('ignored UNREGISTER from %p with an invalid namespace (%d bytes)', remotePeer, nsLength)
      return
    }
    // "UNREGISTER messages for a namespace that a client is not registered for should be treated as a no-op"
    if (this.registrations.remove(remotePeer, ns)) {
      this.log.trace('unregistered %p from %s', remotePeer, ns)
    }
  }

  private discover (request: Message.Discover, remotePeer: PeerId): Message.DiscoverResponse {
    const refuse = (status: Message.ResponseStatus, statusText: string): Message.DiscoverResponse => {
      this.log('refused DISCOVER from %p: %s %s', remotePeer, status, statusText)
      return { status, statusText, registrations: [] }
    }

    // "The namespace can be omitted in the query, which asks for all peers registered to the rendezvous point."
    const ns = request.ns == null || request.ns === '' ? undefined : request.ns
    if (ns != null && namespaceLength(ns) > MAX_NAMESPACE_LENGTH) {
      return refuse(ResponseStatus.E_INVALID_NAMESPACE, `namespace must be at most ${MAX_NAMESPACE_LENGTH} bytes`)
    }

    const limit = request.limit == null || request.limit === 0n || request.limit > BigInt(this.maxDiscoverLimit)
      ? this.maxDiscoverLimit
      : Number(request.limit)

    let afterSeq = 0
    if (request.cookie != null && request.cookie.byteLength > 0) {
      const seq = this.registrations.parseCookie(request.cookie, ns)
      if (seq == null) {
        return refuse(ResponseStatus.E_INVALID_COOKIE, 'cookie was not issued by this rendezvous point for this namespace')
      }
      afterSeq = seq
    }

    const now = Date.now()
    const registrations: Message.Register[] = []
    let budget = MAX_MESSAGE_SIZE - DISCOVER_RESPONSE_OVERHEAD
    let lastSeq = afterSeq
    let complete = true
    for (const registration of this.registrations.after(ns, afterSeq, now)) {
      const entry: Message.Register = {
        ns: registration.ns,
        signedPeerRecord: registration.signedPeerRecord,
        ttl: BigInt(Math.ceil((registration.expiresAt - now) / 1000))
      }
      // field tag (1 byte) + length varint (at most 3 bytes below 2 MiB) + the entry
      const size = Message.Register.encode(entry).byteLength + 4
      if (registrations.length >= limit || size > budget) {
        complete = false
        break
      }
      registrations.push(entry)
      budget -= size
      lastSeq = registration.seq
    }
    // after a complete listing nothing older than the newest number can appear later
    const cookieSeq = complete ? Math.max(lastSeq, this.registrations.lastSeq) : lastSeq

    return {
      status: ResponseStatus.OK,
      registrations,
      cookie: this.registrations.cookie(ns, cookieSeq)
    }
  }

  private streamSignal (): AbortSignal {
    const timeout = AbortSignal.timeout(this.streamTimeout)
    return this.shutdown == null ? timeout : AbortSignal.any([timeout, this.shutdown.signal])
  }
}
