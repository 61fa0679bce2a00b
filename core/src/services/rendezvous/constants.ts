/**
 * The rendezvous protocol's identifier and every limit this implementation
 * enforces. Quotes are from libp2p/specs rendezvous/README.md (r3,
 * 2021-07-12). TTLs are in seconds (the unit on the wire); intervals and
 * timeouts in milliseconds.
 */

import { RENDEZVOUS_PROTOCOL } from '../../protocol/constants.ts'

/** "The rendezvous protocol runs over libp2p streams using the protocol id `/rendezvous/1.0.0`." */
export { RENDEZVOUS_PROTOCOL }

/** "If no TTL was set, then a default of 2hrs is implied." */
export const DEFAULT_TTL = 2 * 60 * 60

/**
 * "Regarding the validation of registrations, rendezvous points should have
 * ... a minimum acceptable **ttl** of `2H`"
 */
export const MIN_TTL = 2 * 60 * 60

/**
 * "There may be a rendezvous point-specific upper bound on TTL, with a maximum
 * value of 72hrs." and "a maximum acceptable **ttl** of `72H`"
 */
export const MAX_TTL = 72 * 60 * 60

/** "a maximum **namespace** length of `255`" (counted in UTF-8 bytes, as go-libp2p-rendezvous does) */
export const MAX_NAMESPACE_LENGTH = 255

/** "a maximum of `1000` registration for each peer - defend against trivial DoS attacks" */
export const MAX_REGISTRATIONS_PER_PEER = 1_000

/**
 * Not in the spec: registrations a rendezvous point holds in all, so memory
 * stays bounded (a registration is under 5 KiB: a signed peer record of at
 * most MAX_SIGNED_PEER_RECORD_SIZE and a namespace). A REGISTER beyond it is
 * answered E_UNAVAILABLE.
 */
export const MAX_REGISTRATIONS = 100_000

/** "a maximum of `1000` peers should be returned per namespace query" */
export const MAX_DISCOVER_LIMIT = 1_000

/**
 * Not in the spec: the largest length-prefixed frame read or written, either
 * way. A DISCOVER_RESPONSE is filled with registrations up to this size; the
 * cookie lets the client fetch the rest.
 */
export const MAX_MESSAGE_SIZE = 64 * 1024

/**
 * Not in the spec: the largest signed peer record accepted in a REGISTER (an
 * Ed25519 envelope with a dozen addresses is well under 1 KiB).
 */
export const MAX_SIGNED_PEER_RECORD_SIZE = 4 * 1024

/**
 * Cookie layout (opaque to clients, the spec leaves it to the rendezvous point):
 * version (1 byte) | server epoch (8 random bytes, new at each start) |
 * registration sequence number (8 bytes, big-endian) | namespace (UTF-8).
 * The epoch makes cookies from before a restart fail with E_INVALID_COOKIE
 * instead of silently skipping registrations.
 */
export const COOKIE_VERSION = 1
export const COOKIE_EPOCH_LENGTH = 8
export const MIN_COOKIE_LENGTH = 1 + COOKIE_EPOCH_LENGTH + 8
export const MAX_COOKIE_LENGTH = MIN_COOKIE_LENGTH + MAX_NAMESPACE_LENGTH

/**
 * Room kept in a DISCOVER_RESPONSE for everything but the registrations (type,
 * status, status text, the cookie and their tags), so a full page still fits
 * MAX_MESSAGE_SIZE.
 */
export const DISCOVER_RESPONSE_OVERHEAD = 1024

/** How often the server drops expired registrations that no request touched */
export const REGISTRATION_SWEEP_INTERVAL = 60_000

/** The server waits at most this long for each request on a stream, and for each response to be written */
export const SERVER_STREAM_TIMEOUT = 10_000

/** Requests the server answers on one stream before closing it (a client normally sends one) */
export const MAX_REQUESTS_PER_STREAM = 100

/** A client request (open a stream, write, read the answer) fails after this long */
export const CLIENT_REQUEST_TIMEOUT = 10_000

/** Concurrent rendezvous streams per connection */
export const MAX_INBOUND_STREAMS = 8
export const MAX_OUTBOUND_STREAMS = 8

/** "hypha/" + 32 hex digits: the rendezvous namespace of a user (see rendezvousNamespace) */
export const USER_NAMESPACE_PREFIX = 'hypha/'
export const USER_NAMESPACE_HASH_LENGTH = 32

/** While full, a REGISTER scans all registrations for expired ones at most this often (ms) */
export const FULL_PURGE_MIN_INTERVAL = 1_000
