/**
 * @packageDocumentation
 *
 * The libp2p rendezvous protocol (`/rendezvous/1.0.0`, libp2p/specs
 * rendezvous/README.md) as two libp2p services: `rendezvousServer` keeps
 * registrations in memory on a volunteer node, `rendezvousClient` registers,
 * unregisters and discovers. A REGISTER carries the peer's signed peer record;
 * the server accepts it only from the peer it names, and clients check every
 * record a server returns.
 *
 * Hypha's devices register under `rendezvousNamespace(userId)`, a hash of the
 * user id, so contacts find a current address without the user id being
 * published.
 *
 * @example
 *
 * ```TypeScript
 * import { createLibp2p } from 'libp2p'
 * import { rendezvousClient, rendezvousNamespace, rendezvousServer } from '@hypha/core'
 *
 * const point = await createLibp2p({ services: { rendezvous: rendezvousServer() } })
 * const alice = await createLibp2p({ services: { rendezvous: rendezvousClient() } })
 * const bob = await createLibp2p({ services: { rendezvous: rendezvousClient() } })
 *
 * const ns = rendezvousNamespace('did:key:z6Mk...')
 * await alice.services.rendezvous.register(point.getMultiaddrs()[0], ns)
 * const { registrations, cookie } = await bob.services.rendezvous.discover(point.getMultiaddrs()[0], ns)
 * // later: only what is new since
 * await bob.services.rendezvous.discover(point.getMultiaddrs()[0], ns, { cookie })
 * ```
 */

import { RendezvousClient as RendezvousClientClass } from './client.ts'
import { RendezvousServer as RendezvousServerClass } from './server.ts'
import type {
  AbortOptions, ComponentLogger, NewStreamOptions, PeerId, PrivateKey, Stream, StreamHandler, StreamHandlerOptions
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export * from './constants.ts'
export { rendezvousNamespace } from './namespace.ts'

/* ---- server ---- */

export interface RendezvousServer {
  /** Registrations held now (expired ones are dropped when met and by a periodic sweep) */
  readonly registrationCount: number
}

export interface RendezvousServerInit {
  /**
   * Namespaces one peer may be registered in at once; a REGISTER beyond it is
   * answered E_NOT_AUTHORIZED
   *
   * @default MAX_REGISTRATIONS_PER_PEER (1000)
   */
  maxRegistrationsPerPeer?: number

  /**
   * Registrations held in all; a REGISTER beyond it is answered E_UNAVAILABLE
   *
   * @default MAX_REGISTRATIONS (100000)
   */
  maxRegistrations?: number

  /**
   * Shortest TTL accepted, in seconds (the spec recommends 2 hours; tests set it lower)
   *
   * @default MIN_TTL (7200)
   */
  minTtl?: number

  /**
   * Longest TTL accepted, in seconds; at most MAX_TTL
   *
   * @default MAX_TTL (259200)
   */
  maxTtl?: number

  /**
   * Most registrations returned by one DISCOVER (fewer if they would not fit MAX_MESSAGE_SIZE)
   *
   * @default MAX_DISCOVER_LIMIT (1000)
   */
  maxDiscoverLimit?: number

  /**
   * How often expired registrations are dropped, in ms
   *
   * @default REGISTRATION_SWEEP_INTERVAL (60000)
   */
  sweepInterval?: number

  /**
   * How long the server waits for each request on a stream, and for each response to be sent, in ms
   *
   * @default SERVER_STREAM_TIMEOUT (10000)
   */
  streamTimeout?: number

  /**
   * Concurrent inbound rendezvous streams per connection
   *
   * @default MAX_INBOUND_STREAMS (8)
   */
  maxInboundStreams?: number

  /**
   * Accept requests over limited (relayed) connections
   *
   * @default false
   */
  runOnLimitedConnection?: boolean
}

/** The part of libp2p's registrar the server uses */
export interface RendezvousRegistrar {
  handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>
  unhandle(protocol: string, options?: AbortOptions): Promise<void>
}

export interface RendezvousServerComponents {
  registrar: RendezvousRegistrar
  logger: ComponentLogger
}

/** A rendezvous point: answers REGISTER, UNREGISTER and DISCOVER from other peers */
export function rendezvousServer (init: RendezvousServerInit = {}): (components: RendezvousServerComponents) => RendezvousServer {
  return (components) => new RendezvousServerClass(components, init)
}

/* ---- client ---- */

export interface RegisterOptions extends AbortOptions {
  /**
   * Lifetime of the registration in seconds; the rendezvous point's default
   * (2 hours per the spec) when not set
   */
  ttl?: number
}

export interface RegisterResult {
  /** The lifetime the rendezvous point granted, in seconds: register again before it ends */
  ttl: number
}

export interface DiscoverOptions extends AbortOptions {
  /** Most registrations wanted; the rendezvous point may return fewer (at most 1000 per the spec) */
  limit?: number

  /** The cookie of a previous discover on the same namespace: only registrations made since are returned */
  cookie?: Uint8Array
}

export interface RendezvousRegistration {
  peerId: PeerId
  /** The addresses in the peer's signed peer record */
  multiaddrs: Multiaddr[]
  ns: string
  /** Seconds left before the registration expires */
  ttl: number
  /** The signed peer record as received, for a peer store that keeps certified addresses */
  signedPeerRecord: Uint8Array
}

export interface DiscoverResult {
  /** Registrations whose signed peer record verified; others are skipped */
  registrations: RendezvousRegistration[]
  /** Pass to the next discover to get only what is new; a full page means there may be more now */
  cookie: Uint8Array
}

export interface RendezvousClient {
  /**
   * Register this node's signed peer record in `namespace` at the rendezvous
   * point `peer`. Throws RendezvousError (`.status` E_INVALID_TTL,
   * E_NOT_AUTHORIZED, ...) if the point refuses, RangeError on a namespace
   * that is empty or over 255 bytes.
   */
  register(peer: PeerId | Multiaddr, namespace: string, options?: RegisterOptions): Promise<RegisterResult>

  /** Remove this node's registration in `namespace`; the protocol sends no answer */
  unregister(peer: PeerId | Multiaddr, namespace: string, options?: AbortOptions): Promise<void>

  /** Registrations in `namespace` (in every namespace when omitted or empty) */
  discover(peer: PeerId | Multiaddr, namespace?: string, options?: DiscoverOptions): Promise<DiscoverResult>
}

export interface RendezvousInit {
  /**
   * How long one request may take (open the stream, send, receive), in ms
   *
   * @default CLIENT_REQUEST_TIMEOUT (10000)
   */
  timeout?: number

  /**
   * Concurrent outbound rendezvous streams per connection
   *
   * @default MAX_OUTBOUND_STREAMS (8)
   */
  maxOutboundStreams?: number

  /**
   * Send requests over limited (relayed) connections
   *
   * @default false
   */
  runOnLimitedConnection?: boolean
}

/** The part of libp2p's address manager the client uses: its addresses go into the signed peer record */
export interface RendezvousAddressManager {
  getAddresses(): Multiaddr[]
}

/** The part of libp2p's connection manager the client uses */
export interface RendezvousConnectionManager {
  openStream(peer: PeerId | Multiaddr, protocol: string, options?: NewStreamOptions): Promise<Stream>
}

export interface RendezvousClientComponents {
  peerId: PeerId
  privateKey: PrivateKey
  addressManager: RendezvousAddressManager
  connectionManager: RendezvousConnectionManager
  logger: ComponentLogger
}

/** A rendezvous client: registers this node at rendezvous points and discovers others */
export function rendezvousClient (init: RendezvousInit = {}): (components: RendezvousClientComponents) => RendezvousClient {
  return (components) => new RendezvousClientClass(components, init)
}
