/**
 * @packageDocumentation
 *
 * `@hypha/relay-circuit` is the relay-only volunteer node of the Hypha mesh
 * (`hypha-relay`, arriving with the mesh: identify + circuit relay v2 for peers
 * behind NAT and for browsers) and the relay limits that `@hypha/bootstrap`
 * reuses, so both kinds of volunteer node relay on the same terms.
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
