/**
 * @packageDocumentation
 *
 * `@hypha/relay-circuit` is the relay-only volunteer node of the Hypha mesh
 * (`hypha-relay`: identify + circuit relay v2 for peers behind NAT and for
 * browsers) and the relay settings that `@hypha/bootstrap` reuses, so both
 * kinds of volunteer node relay on the same terms: `relayLimits()`,
 * `relayServerOptions()`, the peer key file and the CLI conventions.
 *
 * @example
 *
 * ```ts
 * import { relayLimits, DEFAULT_DATA_LIMIT } from '@hypha/relay-circuit'
 *
 * // the defaults, with one override checked against its maximum
 * const limits = relayLimits({ maxReservations: 256 })
 *
 * limits.maxReservations // 256
 * limits.defaultDataLimit === DEFAULT_DATA_LIMIT // true: 128 KiB
 *
 * relayLimits({ maxReservations: 0 })
 * // RangeError: maxReservations must be a positive integer, got 0
 * ```
 *
 * @example
 *
 * ```ts
 * import { createRelayNode, loadPeerKey } from '@hypha/relay-circuit'
 *
 * const node = await createRelayNode({
 *   listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'],
 *   limits: { maxReservations: 256 },
 *   privateKey: await loadPeerKey('./relay-data')
 * })
 * console.log(node.getMultiaddrs())
 * ```
 */

export {
  relayLimits,
  DEFAULT_MAX_RESERVATIONS,
  DEFAULT_RESERVATION_TTL,
  DEFAULT_RESERVATION_CLEAR_INTERVAL,
  DEFAULT_DURATION_LIMIT,
  DEFAULT_DATA_LIMIT,
  MAX_MAX_RESERVATIONS,
  MAX_RESERVATION_TTL,
  MAX_RESERVATION_CLEAR_INTERVAL,
  MAX_DURATION_LIMIT,
  MAX_DATA_LIMIT
} from './limits.ts'
export type { RelayLimits, RelayLimitsInit } from './limits.ts'
export { relayServerOptions } from './server-options.ts'
export { createRelayNode, DEFAULT_RELAY_LISTEN } from './node.ts'
export type { RelayNodeOptions, RelayServices } from './node.ts'
export { loadPeerKey, PEER_KEY_FILE } from './peer-key.ts'
export {
  UsageError, EXIT_USAGE, EXIT_OPERATIONAL, SHUTDOWN_TIMEOUT, RELAY_LIMIT_FLAGS,
  parseFlags, envName, flagOrEnv, booleanFlag, relayLimitsFromFlags, listenAddresses, readyEvent, serve, runCli
} from './cli-support.ts'
export type { FlagValues, ReadyEvent, ServeOptions } from './cli-support.ts'
