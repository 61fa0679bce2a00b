/**
 * @packageDocumentation
 *
 * `@hypha/node` runs a Hypha peer in Node.js: the libp2p configuration for
 * Node (TCP, WebSockets, WebRTC, circuit relay; DHT client, gossipsub),
 * storage in classic-level, and the `hypha` command line.
 *
 * @example
 *
 * ```ts
 * import { Messenger } from '@hypha/core'
 * import { createPeerNode, dialBootstrap, openDatabase, resolveHome, waitForDht } from '@hypha/node'
 *
 * const bootstrap = ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...']
 * const db = await openDatabase(resolveHome())            // an identity made by `hypha init`
 * const node = await createPeerNode({ bootstrap, allowLoopback: true })
 * await dialBootstrap(node, bootstrap)
 * await waitForDht(node, 10_000)
 *
 * const messenger = await Messenger.open({ db, mesh: node.services })
 * messenger.addEventListener('message', evt => { console.info(evt.detail.text) })
 * await messenger.start()
 * ```
 */

export { resolveHome, HYPHA_HOME_ENV, DEFAULT_HOME_DIRNAME } from './home.ts'
export type { ResolveHomeOptions } from './home.ts'
export { parseBootstrapList } from './bootstrap-list.ts'
export {
  createPeerNode, dialBootstrap, waitForDht, waitForTopicPeers, isLoopback,
  LOOPBACK_LISTEN, DEFAULT_LISTEN, BOOTSTRAP_DIAL_ATTEMPTS, BOOTSTRAP_DIAL_BACKOFF,
  bootstrapPeerIds, upgradeToWebRTC, WEBRTC_UPGRADE_ATTEMPTS, WEBRTC_ATTEMPT_TIMEOUT
} from './libp2p.ts'
export type { PeerNode, PeerNodeInit, PeerServices, DialBootstrapOptions } from './libp2p.ts'
export { openDatabase, DB_DIRNAME } from './storage.ts'
export { loadPeerKey, PEER_KEY_FILE, PEER_KEY_MAX_AGE } from './peer-key.ts'
export type { Database, OpenDatabaseOptions } from './storage.ts'
export { runCli, parseCommandLine, describeError, USAGE, DEFAULT_SEND_TIMEOUT } from './cli.ts'
export type { CommandLine, CommandName, CliIo } from './cli.ts'
export { UsageError, IdentityExistsError, BootstrapError, DatabaseLockedError } from './errors.ts'
