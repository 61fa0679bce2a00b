import type { RelayLimits } from './limits.ts'
import type { CircuitRelayServerInit } from '@libp2p/circuit-relay-v2'

/**
 * The `circuitRelayServer()` init for resolved relay limits (see
 * `relayLimits()`): every relayed connection gets the default duration and
 * data limits, so a relay is a meeting point, not a tunnel.
 */
export function relayServerOptions (limits: RelayLimits): CircuitRelayServerInit {
  return {
    reservations: {
      maxReservations: limits.maxReservations,
      reservationTtl: limits.reservationTtl,
      reservationClearInterval: limits.reservationClearInterval,
      applyDefaultLimit: true,
      defaultDurationLimit: limits.defaultDurationLimit,
      defaultDataLimit: BigInt(limits.defaultDataLimit)
    }
  }
}
