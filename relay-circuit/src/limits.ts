/**
 * Circuit relay v2 server limits (libp2p/specs relay/circuit-v2.md).
 *
 * A relay spends memory on every reservation and bandwidth on every relayed
 * connection, for peers it does not know. The spec lets a relay apply a
 * "limited relay": each relayed connection is closed after a duration or an
 * amount of data, whichever comes first, which is enough for a hole punch or
 * a WebRTC signalling exchange but not for bulk traffic. Hypha peers only use
 * relays to reach each other and then upgrade (WebRTC, direct dial), so the
 * limits stay low.
 *
 * Names follow the js-libp2p `circuitRelayServer({ reservations })` options so
 * the resolved object maps onto them one to one (`defaultDataLimit` is a
 * number here; libp2p wants a bigint).
 */

/**
 * Reservations held at once across all peers. go-libp2p's default; js-libp2p
 * keeps 15, too few for a volunteer node that browsers depend on.
 */
export const DEFAULT_MAX_RESERVATIONS = 128

/** How long a reservation lasts before the peer must refresh it: 2 hours (both js- and go-libp2p) */
export const DEFAULT_RESERVATION_TTL = 2 * 60 * 60 * 1000

/** How often expired reservations are swept: 5 minutes (js-libp2p's default) */
export const DEFAULT_RESERVATION_CLEAR_INTERVAL = 5 * 60 * 1000

/** A relayed connection is closed after this long: 2 minutes (js- and go-libp2p) */
export const DEFAULT_DURATION_LIMIT = 2 * 60 * 1000

/** A relayed connection is closed after this many bytes in each direction: 128 KiB (js- and go-libp2p) */
export const DEFAULT_DATA_LIMIT = 128 * 1024

/** Upper bound an operator may set for `maxReservations` */
export const MAX_MAX_RESERVATIONS = 4096

/** Upper bound for `reservationTtl`: 24 hours */
export const MAX_RESERVATION_TTL = 24 * 60 * 60 * 1000

/** Upper bound for `reservationClearInterval`: 1 hour */
export const MAX_RESERVATION_CLEAR_INTERVAL = 60 * 60 * 1000

/** Upper bound for `defaultDurationLimit`: 30 minutes */
export const MAX_DURATION_LIMIT = 30 * 60 * 1000

/** Upper bound for `defaultDataLimit`: 16 MiB */
export const MAX_DATA_LIMIT = 16 * 1024 * 1024

export interface RelayLimits {
  /**
   * Reservations held at once across all peers
   *
   * @default 128
   */
  maxReservations: number

  /**
   * Lifetime of a reservation in milliseconds
   *
   * @default 7_200_000 (2 hours)
   */
  reservationTtl: number

  /**
   * Interval between sweeps of expired reservations, in milliseconds
   *
   * @default 300_000 (5 minutes)
   */
  reservationClearInterval: number

  /**
   * Longest a relayed connection stays open, in milliseconds
   *
   * @default 120_000 (2 minutes)
   */
  defaultDurationLimit: number

  /**
   * Most bytes relayed in each direction on one connection
   *
   * @default 131_072 (128 KiB)
   */
  defaultDataLimit: number
}

/** Overrides for any of the limits; missing or `undefined` entries keep the default */
export type RelayLimitsInit = Partial<RelayLimits>

const DEFAULTS: Readonly<RelayLimits> = Object.freeze({
  maxReservations: DEFAULT_MAX_RESERVATIONS,
  reservationTtl: DEFAULT_RESERVATION_TTL,
  reservationClearInterval: DEFAULT_RESERVATION_CLEAR_INTERVAL,
  defaultDurationLimit: DEFAULT_DURATION_LIMIT,
  defaultDataLimit: DEFAULT_DATA_LIMIT
})

const MAXIMA: Readonly<RelayLimits> = Object.freeze({
  maxReservations: MAX_MAX_RESERVATIONS,
  reservationTtl: MAX_RESERVATION_TTL,
  reservationClearInterval: MAX_RESERVATION_CLEAR_INTERVAL,
  defaultDurationLimit: MAX_DURATION_LIMIT,
  defaultDataLimit: MAX_DATA_LIMIT
})

const NAMES = Object.keys(DEFAULTS) as Array<keyof RelayLimits>

/**
 * Resolve relay limits: defaults, overridden by `init`.
 *
 * Overrides usually come from a command line or a config file, so they are
 * checked at run time: each must be a positive integer no larger than its
 * `MAX_*` constant, and unknown names are refused rather than ignored (a typo
 * would otherwise silently keep the default).
 *
 * @throws {TypeError} for an unknown name or a value that is not a number
 * @throws {RangeError} for a value that is not a positive integer or is above its maximum
 */
export function relayLimits (init: RelayLimitsInit = {}): RelayLimits {
  if (init == null || typeof init !== 'object') {
    throw new TypeError(`relay limits must be an object, got ${init === null ? 'null' : typeof init}`)
  }

  for (const name of Object.keys(init)) {
    if (!(NAMES as string[]).includes(name)) {
      throw new TypeError(`unknown relay limit "${name}", expected one of ${NAMES.join(', ')}`)
    }
  }

  const limits: RelayLimits = { ...DEFAULTS }

  for (const name of NAMES) {
    const value: unknown = init[name]

    if (value === undefined) {
      continue
    }

    if (typeof value !== 'number') {
      throw new TypeError(`${name} must be a number, got ${value === null ? 'null' : typeof value}`)
    }

    if (!Number.isInteger(value) || value <= 0) {
      throw new RangeError(`${name} must be a positive integer, got ${value}`)
    }

    if (value > MAXIMA[name]) {
      throw new RangeError(`${name} must be at most ${MAXIMA[name]}, got ${value}`)
    }

    limits[name] = value
  }

  return limits
}
