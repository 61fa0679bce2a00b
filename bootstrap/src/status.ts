import { relayLimits } from '@hypha/relay-circuit'
import type { RelayLimits, RelayLimitsInit } from '@hypha/relay-circuit'

/** What a volunteer node offers, and whether this build has it yet */
export interface BootstrapService {
  /** Short name, e.g. "relay" */
  name: string
  /** What it does for the mesh */
  description: string
  /** `true` once this build runs it */
  available: boolean
}

export interface BootstrapStatus {
  /** The services a bootstrap node provides */
  services: BootstrapService[]
  /** The circuit relay limits the node applies, resolved by `relayLimits()` */
  relayLimits: RelayLimits
}

/**
 * Describe what `hypha-bootstrap` runs in this build.
 *
 * The DHT server, rendezvous and relay run (`createBootstrapNode`); the
 * mailbox server and the web app are not in this build yet. The relay limits
 * are resolved and checked exactly as the node uses them.
 *
 * @throws {TypeError | RangeError} when a relay limit override is invalid
 */
export function bootstrapStatus (relayOverrides: RelayLimitsInit = {}): BootstrapStatus {
  return {
    services: [
      { name: 'dht', description: 'Kademlia DHT server for Hypha records', available: true },
      { name: 'rendezvous', description: 'rendezvous server: peers find each other by namespace', available: true },
      { name: 'mailbox', description: 'offline mailboxes: sealed envelopes held for offline peers', available: false },
      { name: 'relay', description: 'circuit relay v2 for peers behind NAT and browsers', available: true },
      { name: 'web', description: 'serves the Hypha web app', available: false }
    ],
    relayLimits: relayLimits(relayOverrides)
  }
}

function duration (ms: number): string {
  if (ms % 3_600_000 === 0) {
    return `${ms / 3_600_000} h`
  }

  if (ms % 60_000 === 0) {
    return `${ms / 60_000} min`
  }

  if (ms % 1000 === 0) {
    return `${ms / 1000} s`
  }

  return `${ms} ms`
}

function bytes (n: number): string {
  if (n % 1_048_576 === 0) {
    return `${n / 1_048_576} MiB`
  }

  if (n % 1024 === 0) {
    return `${n / 1024} KiB`
  }

  return `${n} B`
}

/**
 * Render a status as the text `npm start` prints, one line per fact
 */
export function formatStatus (status: BootstrapStatus): string {
  const pending = status.services.filter(service => !service.available)
  const limits = status.relayLimits
  const lines = [
    'Hypha bootstrap node (hypha-bootstrap).',
    ''
  ]

  if (pending.length > 0) {
    lines.push('Not in this build yet:')
    for (const service of pending) {
      lines.push(`  - ${service.name}: ${service.description}`)
    }
    lines.push('')
  }

  lines.push(
    'Relay limits (circuit relay v2, shared with @hypha/relay-circuit):',
    `  max reservations:          ${limits.maxReservations}`,
    `  reservation lifetime:      ${duration(limits.reservationTtl)}`,
    `  expired reservation sweep: every ${duration(limits.reservationClearInterval)}`,
    `  per-connection duration:   ${duration(limits.defaultDurationLimit)}`,
    `  per-connection data:       ${bytes(limits.defaultDataLimit)}`
  )

  return lines.join('\n')
}
