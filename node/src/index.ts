/**
 * @packageDocumentation
 *
 * `@hypha/node` runs a Hypha peer in Node.js: the libp2p configuration for
 * Node (TCP, WebSockets, WebRTC), storage in classic-level, and the `hypha`
 * command line. The peer and the CLI arrive with the mesh; this build has the
 * pieces of configuration they start from: where a node keeps its data and
 * which bootstrap nodes it dials.
 *
 * @example
 *
 * ```ts
 * import { resolveHome, parseBootstrapList } from '@hypha/node'
 *
 * // --home, else $HYPHA_HOME, else ~/.hypha, always absolute
 * const home = resolveHome({ home: process.argv[2] })
 *
 * parseBootstrapList(' /ip4/127.0.0.1/tcp/4001/ws , /dns4/boot.example/tcp/443/wss ,')
 * // ['/ip4/127.0.0.1/tcp/4001/ws', '/dns4/boot.example/tcp/443/wss']
 * ```
 */

export { resolveHome, HYPHA_HOME_ENV, DEFAULT_HOME_DIRNAME } from './home.ts'
export type { ResolveHomeOptions } from './home.ts'
export { parseBootstrapList } from './bootstrap-list.ts'
