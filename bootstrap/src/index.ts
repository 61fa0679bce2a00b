/**
 * @packageDocumentation
 *
 * `@hypha/bootstrap` is the volunteer node of the Hypha mesh (`hypha-bootstrap`):
 * a kad-dht server for Hypha records (device lists and prekey bundles, checked
 * by `@hypha/core`'s validators), gossipsub relaying the inbox topics
 * (StrictNoSign, content-addressed ids), a rendezvous server and a circuit
 * relay v2 server with the limits shared with `@hypha/relay-circuit`.
 * `npm start` runs one on 127.0.0.1.
 *
 * @example
 *
 * ```ts
 * import { createBootstrapNode, openDatastore } from '@hypha/bootstrap'
 * import { loadPeerKey } from '@hypha/relay-circuit'
 *
 * const node = await createBootstrapNode({
 *   listen: ['/ip4/127.0.0.1/tcp/4001', '/ip4/127.0.0.1/tcp/4002/ws'],
 *   privateKey: await loadPeerKey('./data'),
 *   datastore: await openDatastore('./data'),
 *   allowLoopback: true,
 *   // the extension point: more services by name (e.g. a mailbox server)
 *   services: {}
 * })
 * console.log(node.getMultiaddrs())
 * ```
 */

export { createBootstrapNode, DEFAULT_BOOTSTRAP_LISTEN } from './node.ts'
export type { BootstrapNodeOptions, BootstrapServices } from './node.ts'
export { openDatastore, DATASTORE_DIR } from './datastore.ts'
export { bootstrapCli, runBootstrap, BOOTSTRAP_USAGE } from './cli.ts'
export type { BootstrapRunOptions } from './cli.ts'
export { bootstrapStatus, formatStatus } from './status.ts'
export type { BootstrapService, BootstrapStatus } from './status.ts'
