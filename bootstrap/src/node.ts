import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { dhtOptions, gossipsubOptions, inboxEnvelopeValidator, inboxTopics, mailboxServer, pingOptions, rendezvousServer } from '@hypha/core'
import { relayLimits, relayServerOptions } from '@hypha/relay-circuit'
import { autoNAT } from '@libp2p/autonat'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import { InboundBudget } from './inbound-budget.ts'
import {
  BOOTSTRAP_MAX_CONNECTIONS_PER_HOST, BOOTSTRAP_MAX_DHT_STREAMS, BOOTSTRAP_MAX_GOSSIPSUB_STREAMS, BOOTSTRAP_MAX_STREAM_BUFFER, BOOTSTRAP_MAX_STREAMS_PER_CONNECTION,
  BOOTSTRAP_CONNECTION_RATE, connectionManagerOptions, connectionsFrom, HostGate, perHostGater
} from './limits.ts'
import type { InboundBudgetInit } from './inbound-budget.ts'
import type { MailboxServer, MailboxServerInit, RendezvousServer, RendezvousServerInit } from '@hypha/core'
import type { RelayLimitsInit } from '@hypha/relay-circuit'
import type { CircuitRelayService } from '@libp2p/circuit-relay-v2'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Identify } from '@libp2p/identify'
import type { Connection, Libp2p, PrivateKey } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Ping } from '@libp2p/ping'
import type { Libp2pOptions, ServiceFactoryMap } from 'libp2p'

/** Where a bootstrap node listens by default: TCP 4001 and WebSocket 4002 on every interface */
export const DEFAULT_BOOTSTRAP_LISTEN = ['/ip4/0.0.0.0/tcp/4001', '/ip4/0.0.0.0/tcp/4002/ws']

export interface BootstrapNodeOptions {
  /**
   * Multiaddrs to listen on (TCP and/or WebSocket)
   *
   * @default DEFAULT_BOOTSTRAP_LISTEN
   */
  listen?: string[]

  /**
   * The node's libp2p key; a fresh Ed25519 key when omitted (see `loadPeerKey`)
   */
  privateKey?: PrivateKey

  /**
   * Where DHT records and the peer store are kept (an opened datastore, see
   * `openDatastore`); in memory when omitted
   */
  datastore?: Libp2pOptions['datastore']

  /**
   * Keep loopback and private addresses in DHT peer info. Needed when every
   * node runs on one machine (tests, `npm start`); on the internet these
   * addresses are useless to other peers and are stripped.
   *
   * @default false
   */
  allowLoopback?: boolean

  /**
   * Overrides of the circuit relay limits, checked by `relayLimits()` (shared with `hypha-relay`)
   */
  limits?: RelayLimitsInit

  /**
   * Rendezvous server settings, or `false` to run without one
   *
   * @default {}
   */
  rendezvous?: RendezvousServerInit | false

  /**
   * The offline mailbox server (`/hypha/mailbox/1.0.0`) and its database
   * (see `openMailboxDb`); the node runs no mailbox when omitted. The caller
   * opens the database before the node starts and closes it after it stops.
   */
  mailbox?: MailboxServerInit

  /**
   * Gossipsub topics the node subscribes to and so relays (gossipsub only
   * forwards topics a node is subscribed to). The inbox topics are checked
   * with core's inbox envelope validator; other topics are relayed as they are.
   *
   * @default inboxTopics() (all 256 inbox buckets)
   */
  topics?: string[]

  /**
   * More libp2p services, added to (or replacing, by name) the defaults:
   * where services still being written plug in without changing this
   * function's callers.
   */
  services?: ServiceFactoryMap

  /**
   * libp2p connection manager settings (limits on connections and their
   * rate), over the bootstrap node's own (`connectionManagerOptions()`,
   * limits.ts); a mesh of many local peers on 127.0.0.1 raises
   * `inboundConnectionThreshold` (BOOTSTRAP_CONNECTION_RATE, 5 a second per host).
   */
  connectionManager?: Libp2pOptions['connectionManager']

  /**
   * Connections one host (IP address) may hold at once; a mesh of many local
   * peers on 127.0.0.1 raises it
   *
   * @default BOOTSTRAP_MAX_CONNECTIONS_PER_HOST (32)
   */
  connectionsPerHost?: number

  /**
   * The byte budget of what the node reads (inbound-budget.ts): each
   * connection's own allowance and its host's shared pool. `false` reads
   * without one. A mesh of many busy local peers on 127.0.0.1 raises
   * `hostRate`.
   *
   * @default BOOTSTRAP_CONNECTION_READ_RATE and BOOTSTRAP_HOST_READ_RATE
   */
  readBudget?: InboundBudgetInit | false

  /**
   * Start listening before returning
   *
   * @default true
   */
  start?: boolean
}

export interface BootstrapServices extends Record<string, unknown> {
  /** The per-host limits at the TCP accept, and what they refused */
  hostGate: HostGate
  /** The byte budget of what the node reads, and how often it paused a connection (absent with `readBudget: false`) */
  readBudget?: InboundBudget
  identify: Identify
  ping: Ping
  autoNAT: unknown
  relay: CircuitRelayService
  dht: KadDHT
  pubsub: GossipSub
  rendezvous?: RendezvousServer
  mailbox?: MailboxServer
}

/**
 * Build a bootstrap (volunteer) node: TCP + WebSocket, noise, yamux,
 * identify, autonat, ping, a kad-dht server for Hypha records, gossipsub
 * (StrictNoSign, content-addressed ids) relaying the inbox topics, a circuit
 * relay v2 server with the same limits as `hypha-relay`, a rendezvous
 * server and, when given its database, the offline mailbox server.
 *
 * @throws {TypeError | RangeError} when a relay limit override, a mailbox setting or `connectionsPerHost` is invalid (before anything listens)
 */
export async function createBootstrapNode (options: BootstrapNodeOptions = {}): Promise<Libp2p<BootstrapServices>> {
  const limits = relayLimits(options.limits ?? {})
  const rendezvous = options.rendezvous === false ? {} : { rendezvous: rendezvousServer(options.rendezvous ?? {}) }
  const mailbox = options.mailbox == null ? {} : { mailbox: mailboxServer(options.mailbox) }

  const perHost = options.connectionsPerHost ?? BOOTSTRAP_MAX_CONNECTIONS_PER_HOST
  if (!Number.isSafeInteger(perHost) || perHost < 1) {
    throw new RangeError(`connectionsPerHost must be a positive integer, got ${perHost}`)
  }
  // the gater needs the node it guards
  let connections = (): Connection[] => []
  const connectionManager = { ...connectionManagerOptions(), ...options.connectionManager }
  // the same per-host limits, at the TCP accept (limits.ts)
  const gate = new HostGate({
    rate: connectionManager.inboundConnectionThreshold ?? BOOTSTRAP_CONNECTION_RATE,
    perHost,
    held: host => connectionsFrom(host, connections())
  })

  // bytes read, per connection and per host, before noise decrypts them (inbound-budget.ts)
  const budget = options.readBudget === false ? undefined : new InboundBudget(options.readBudget)

  const node = await createLibp2p({
    privateKey: options.privateKey,
    datastore: options.datastore,
    connectionManager,
    connectionGater: perHostGater(perHost, () => connections()),
    ...(budget == null ? {} : { connectionProtector: () => budget }),
    start: false,
    addresses: {
      listen: options.listen ?? DEFAULT_BOOTSTRAP_LISTEN
    },
    // TCPSocketOptions does not list blockList; net.createServer takes it (Node >= 22.13)
    transports: [tcp({ listenOpts: { blockList: gate } as any }), webSockets()],
    connectionEncrypters: [noise()],
    // streams a connection may hold, whatever their protocol (limits.ts)
    streamMuxers: [yamux({ maxInboundStreams: BOOTSTRAP_MAX_STREAMS_PER_CONNECTION, streamOptions: { maxReadBufferLength: BOOTSTRAP_MAX_STREAM_BUFFER } })],
    services: {
      hostGate: () => gate,
      ...(budget == null ? {} : { readBudget: () => budget }),
      identify: identify(),
      ping: ping(pingOptions()),
      autoNAT: autoNAT(),
      relay: circuitRelayServer(relayServerOptions(limits)),
      dht: kadDHT({
        ...dhtOptions(),
        clientMode: false,
        maxInboundStreams: BOOTSTRAP_MAX_DHT_STREAMS,
        peerInfoMapper: options.allowLoopback === true ? passthroughMapper : removePrivateAddressesMapper
      }),
      pubsub: gossipsub({
        ...gossipsubOptions({ allowLoopback: options.allowLoopback }),
        allowPublishToZeroTopicPeers: true,
        maxInboundStreams: BOOTSTRAP_MAX_GOSSIPSUB_STREAMS
      }),
      ...rendezvous,
      ...mailbox,
      ...options.services
    }
  }) as unknown as Libp2p<BootstrapServices>
  connections = () => node.getConnections()

  const inbox = new Set(inboxTopics())
  // one validator for every inbox topic (its rate per neighbour counts them together); other bootstrap nodes relay every bucket
  const validate = inboxEnvelopeValidator({ subscribers: topic => node.services.pubsub.getSubscribers(topic) })
  const topics = options.topics ?? [...inbox]
  for (const topic of topics) {
    if (inbox.has(topic)) {
      node.services.pubsub.topicValidators.set(topic, validate as any)
    }
  }
  // gossipsub refuses subscriptions before it has started
  const subscribe = (): void => {
    for (const topic of topics) {
      node.services.pubsub.subscribe(topic)
    }
  }
  node.addEventListener('start', subscribe, { once: true })

  if (options.start ?? true) {
    await node.start()
  }

  return node
}
