/**
 * @packageDocumentation
 *
 * `@hypha/bootstrap` is the volunteer node of the Hypha mesh (`hypha-bootstrap`):
 * DHT server, rendezvous, offline mailboxes and circuit relay, and the server of
 * the web app for `npm start`. The node arrives with the mesh; this build
 * reports what it will run and the relay limits it applies (shared with
 * `@hypha/relay-circuit`).
 *
 * @example
 *
 * ```ts
 * import { bootstrapStatus, formatStatus } from '@hypha/bootstrap'
 *
 * const status = bootstrapStatus({ maxReservations: 256 })
 *
 * status.relayLimits.maxReservations // 256
 * status.services.map(s => s.name) // ['dht', 'rendezvous', 'mailbox', 'relay', 'web']
 * formatStatus(status) // the text `npm start` prints
 * ```
 */

export { bootstrapStatus, formatStatus } from './status.ts'
export type { BootstrapService, BootstrapStatus } from './status.ts'
