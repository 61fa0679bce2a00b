import { serviceCapabilities } from '@libp2p/interface'
import { pbStream } from '@libp2p/utils'
import { InvalidRendezvousMessageError, RendezvousError } from '../../errors.ts'
import { Message } from '../../protocol/pb/rendezvous.ts'
import { CLIENT_REQUEST_TIMEOUT, DEFAULT_TTL, MAX_DISCOVER_LIMIT, MAX_MESSAGE_SIZE, MAX_OUTBOUND_STREAMS, RENDEZVOUS_PROTOCOL } from './constants.ts'
import { checkNamespace } from './namespace.ts'
import { openPeerRecord, sealPeerRecord } from './peer-record.ts'
import { messageCodec, positiveInteger, readError } from './utils.ts'
import type {
  DiscoverOptions, DiscoverResult, RegisterOptions, RegisterResult, RendezvousClient as RendezvousClientInterface,
  RendezvousClientComponents, RendezvousInit, RendezvousRegistration
} from './index.ts'
import type { AbortOptions, Logger, PeerId, Startable } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

const { MessageType, ResponseStatus } = Message

const codec = messageCodec()

/** Throws RendezvousError carrying the status unless the answer is OK (a missing status is OK, as in proto2) */
function refused (request: string, ns: string, answer: { status?: Message.ResponseStatus, statusText?: string }): void {
  const status = answer.status ?? ResponseStatus.OK
  if (status !== ResponseStatus.OK) {
    const where = ns === '' ? '' : ` in "${ns}"`
    const text = answer.statusText == null || answer.statusText === '' ? '' : ` (${answer.statusText})`
    throw new RendezvousError(`rendezvous point refused ${request}${where}: ${status}${text}`, status)
  }
}

export class RendezvousClient implements RendezvousClientInterface, Startable {
  private readonly components: RendezvousClientComponents
  private readonly log: Logger
  private readonly timeout: number
  private readonly maxOutboundStreams: number
  private readonly runOnLimitedConnection: boolean
  private shutdown = new AbortController()
  private started = false
  /** The last signed peer record and the addresses it lists, re-signed only when they change */
  private record?: { addresses: string, bytes: Promise<Uint8Array<ArrayBuffer>> }

  constructor (components: RendezvousClientComponents, init: RendezvousInit = {}) {
    this.components = components
    this.log = components.logger.forComponent('hypha:rendezvous:client')
    this.timeout = positiveInteger('timeout', init.timeout ?? CLIENT_REQUEST_TIMEOUT)
    this.maxOutboundStreams = positiveInteger('maxOutboundStreams', init.maxOutboundStreams ?? MAX_OUTBOUND_STREAMS)
    this.runOnLimitedConnection = init.runOnLimitedConnection ?? false
  }

  readonly [Symbol.toStringTag] = '@hypha/rendezvous-client'

  readonly [serviceCapabilities]: string[] = ['@hypha/rendezvous-client']

  isStarted (): boolean {
    return this.started
  }

  async start (): Promise<void> {
    this.shutdown = new AbortController()
    this.started = true
  }

  /** Abort requests in flight */
  async stop (): Promise<void> {
    this.shutdown.abort()
    this.record = undefined
    this.started = false
  }

  async register (peer: PeerId | Multiaddr, namespace: string, options: RegisterOptions = {}): Promise<RegisterResult> {
    checkNamespace(namespace)
    if (options.ttl != null) {
      positiveInteger('ttl', options.ttl)
    }
    const signedPeerRecord = await this.signedPeerRecord(options)
    const response = await this.request(peer, {
      type: MessageType.REGISTER,
      register: { ns: namespace, signedPeerRecord, ttl: options.ttl == null ? undefined : BigInt(options.ttl) }
    }, MessageType.REGISTER_RESPONSE, options)

    const answer = response.registerResponse ?? {}
    refused('REGISTER', namespace, answer)
    // "The registration response includes the actual TTL of the registration, so that peers know when to refresh."
    return { ttl: answer.ttl == null || answer.ttl === 0n ? options.ttl ?? DEFAULT_TTL : Number(answer.ttl) }
  }

  async unregister (peer: PeerId | Multiaddr, namespace: string, options: AbortOptions = {}): Promise<void> {
    checkNamespace(namespace)
    // "An UNREGISTER message does not have an explicit response."
    await this.request(peer, { type: MessageType.UNREGISTER, unregister: { ns: namespace } }, undefined, options)
  }

  async discover (peer: PeerId | Multiaddr, namespace?: string, options: DiscoverOptions = {}): Promise<DiscoverResult> {
    const ns = namespace ?? ''
    checkNamespace(ns, true)
    if (options.limit != null) {
      positiveInteger('limit', options.limit)
    }
    if (options.cookie != null && !(options.cookie instanceof Uint8Array)) {
      throw new TypeError('expected the cookie to be a Uint8Array')
    }
    const response = await this.request(peer, {
      type: MessageType.DISCOVER,
      discover: {
        ns: ns === '' ? undefined : ns,
        limit: options.limit == null ? undefined : BigInt(options.limit),
        cookie: options.cookie == null ? undefined : Uint8Array.from(options.cookie)
      }
    }, MessageType.DISCOVER_RESPONSE, options)

    const answer = response.discoverResponse ?? { registrations: [] }
    refused('DISCOVER', ns, answer)

    // the rendezvous point is not trusted: every record is checked, a bad one is skipped
    const registrations: RendezvousRegistration[] = []
    for (const registration of answer.registrations) {
      const verified = await this.verify(registration, ns, options)
      if (verified != null) {
        registrations.push(verified)
      }
    }
    return { registrations, cookie: answer.cookie ?? new Uint8Array(0) }
  }

  /** The registration if its signed peer record verifies and it is in the namespace asked for ('' = any) */
  private async verify (registration: Message.Register, ns: string, options: AbortOptions): Promise<RendezvousRegistration | undefined> {
    if (ns !== '' && registration.ns !== ns) {
      this.log('skipped a registration in "%s" returned for "%s"', registration.ns, ns)
      return undefined
    }
    const signedPeerRecord = registration.signedPeerRecord ?? new Uint8Array(0)
    try {
      const record = await openPeerRecord(signedPeerRecord, options)
      return { peerId: record.peerId, multiaddrs: record.multiaddrs, ns: registration.ns ?? '', ttl: Number(registration.ttl ?? 0n), signedPeerRecord }
    } catch (err: any) {
      this.log('skipped a registration with a bad signed peer record - %e', err)
      return undefined
    }
  }

  /** Open a stream, send one request, read one response of type `expect` (none if undefined), close */
  private async request (peer: PeerId | Multiaddr, request: Message, expect: Message.MessageType | undefined, options: AbortOptions): Promise<Message> {
    const signals = [AbortSignal.timeout(this.timeout), this.shutdown.signal]
    if (options.signal != null) { signals.push(options.signal) }
    const signal = AbortSignal.any(signals)

    const stream = await this.components.connectionManager.openStream(peer, RENDEZVOUS_PROTOCOL, {
      signal,
      maxOutboundStreams: this.maxOutboundStreams,
      runOnLimitedConnection: this.runOnLimitedConnection
    })
    try {
      const messages = pbStream(stream, { maxDataLength: MAX_MESSAGE_SIZE }).pb(codec)
      await messages.write(request, { signal })
      let response: Message = {}
      if (expect != null) {
        try {
          response = await messages.read({ signal, limits: { discoverResponse: { registrations: MAX_DISCOVER_LIMIT } } })
        } catch (err: any) {
          throw readError(err, signal, 'rendezvous response')
        }
        if (response.type !== expect) {
          throw new InvalidRendezvousMessageError(`rendezvous point answered ${request.type} with ${response.type ?? 'no type'}, expected ${expect}`)
        }
      }
      await stream.close({ signal })
      return response
    } catch (err: any) {
      stream.abort(err)
      throw err
    }
  }

  private async signedPeerRecord (options: AbortOptions): Promise<Uint8Array<ArrayBuffer>> {
    const multiaddrs = this.components.addressManager.getAddresses()
    const addresses = multiaddrs.map(ma => ma.toString()).join(' ')
    if (this.record?.addresses !== addresses) {
      const bytes = sealPeerRecord(this.components.privateKey, this.components.peerId, multiaddrs, options)
      this.record = { addresses, bytes }
      bytes.catch(() => {
        if (this.record?.bytes === bytes) { this.record = undefined }
      })
    }
    return this.record.bytes
  }
}
