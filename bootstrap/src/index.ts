/**
 * @packageDocumentation
 *
 * `@hypha/bootstrap` is the volunteer node of the Hypha mesh (`hypha-bootstrap`):
 * a kad-dht server for Hypha records (device lists and prekey bundles, checked
 * by `@hypha/core`'s validators), gossipsub relaying the inbox topics
 * (StrictNoSign, content-addressed ids), a rendezvous server, the offline
 * mailbox server (`@hypha/core`'s `mailboxServer` over LevelDB) and a circuit
 * relay v2 server with the limits shared with `@hypha/relay-circuit`. With
 * `--serve <dir>` it also serves the web app over HTTP, with a `/config.json`
 * naming its own WebSocket addresses (`startWebServer`, `appConfig`).
 * `npm start` runs one on 127.0.0.1 serving `browser/dist/app`.
 *
 * @example
 *
 * ```ts
 * import { createBootstrapNode, openDatastore, openMailboxDb } from '@hypha/bootstrap'
 * import { loadPeerKey } from '@hypha/relay-circuit'
 *
 * const mailboxDb = await openMailboxDb('./data')
 * const node = await createBootstrapNode({
 *   listen: ['/ip4/127.0.0.1/tcp/4001', '/ip4/127.0.0.1/tcp/4002/ws'],
 *   privateKey: await loadPeerKey('./data'),
 *   datastore: await openDatastore('./data'),
 *   allowLoopback: true,
 *   mailbox: { db: mailboxDb, retention: 7 * 24 * 60 * 60 }
 * })
 * console.log(node.getMultiaddrs())
 *
 * // later: stop the node, then close what it used
 * await node.stop()
 * await mailboxDb.close()
 * ```
 */

export { createBootstrapNode, DEFAULT_BOOTSTRAP_LISTEN } from './node.ts'
export type { BootstrapNodeOptions, BootstrapServices } from './node.ts'
export { openDatastore, DATASTORE_DIR } from './datastore.ts'
export {
  connectionManagerOptions, connectionLimitsFromFlags, CONNECTION_FLAGS, BOOTSTRAP_MAX_CONNECTIONS, BOOTSTRAP_CONNECTION_RATE,
  BOOTSTRAP_MAX_PENDING_CONNECTIONS, BOOTSTRAP_UPGRADE_TIMEOUT, BOOTSTRAP_STREAM_NEGOTIATION_TIMEOUT, BOOTSTRAP_MAX_STREAMS_PER_CONNECTION,
  BOOTSTRAP_MAX_DHT_STREAMS, BOOTSTRAP_MAX_GOSSIPSUB_STREAMS, MAX_BOOTSTRAP_MAX_CONNECTIONS, MAX_BOOTSTRAP_CONNECTION_RATE,
  BOOTSTRAP_MAX_CONNECTIONS_PER_HOST, BOOTSTRAP_MAX_STREAM_BUFFER, MAX_BOOTSTRAP_CONNECTIONS_PER_HOST, perHostGater,
  HostGate, hostOf, normalizeHost, BOOTSTRAP_MAX_TRACKED_HOSTS, MAX_BOOTSTRAP_HOST_READ_RATE
} from './limits.ts'
export {
  InboundBudget, BOOTSTRAP_CONNECTION_READ_RATE, BOOTSTRAP_CONNECTION_READ_BURST, BOOTSTRAP_HOST_READ_RATE, BOOTSTRAP_HOST_READ_BURST,
  BOOTSTRAP_MAX_BUDGETED_HOSTS, readBudgetOf
} from './inbound-budget.ts'
export type { InboundBudgetInit } from './inbound-budget.ts'
export { BOOTSTRAP_HEAP_GROWING_PERCENT, BOOTSTRAP_SEMI_SPACE_MIB, restartArgs } from './runtime.ts'
export type { ConnectionLimits, HostGateInit } from './limits.ts'
export {
  openMailboxDb, mailboxOptionsFromFlags, mailboxPolicy, parseDuration, parseSize, MAILBOX_DIR, MAILBOX_FLAGS,
  MAX_MAILBOX_RETENTION, MAX_MAILBOX_ENVELOPE_BYTES, MAX_MAILBOX_QUOTA_COUNT, MAX_MAILBOX_SWEEP_INTERVAL, MAX_MAILBOX_RATE,
  MAX_MAILBOX_DEPOSITOR_SHARE
} from './mailbox.ts'
export type { MailboxOptions, MailboxPolicy } from './mailbox.ts'
export { bootstrapCli, runBootstrap, describeMailbox, webOptionsFromFlags, BOOTSTRAP_USAGE } from './cli.ts'
export type { BootstrapRunOptions } from './cli.ts'
export { bootstrapStatus, formatStatus } from './status.ts'
export type { BootstrapService, BootstrapStatus } from './status.ts'
export {
  startWebServer, appConfig, parseHttpAddress, httpUrl, requestSegments, CONTENT_SECURITY_POLICY, SECURITY_HEADERS, CONTENT_TYPES,
  DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT, MAX_URL_LENGTH, MAX_HTTP_CONNECTIONS, HTTP_REQUEST_TIMEOUT, CONFIG_PATH
} from './web.ts'
export type { AppConfig, RTCIceServerLike, HttpAddress, WebServer, WebServerInit } from './web.ts'
