import { relayLimits } from '@hypha/relay-circuit'
import { formatBytes, formatDuration } from './format.ts'
import { mailboxPolicy } from './mailbox.ts'
import type { MailboxOptions, MailboxPolicy } from './mailbox.ts'
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
  /** The mailbox limits the node applies, the server's defaults filled in */
  mailbox: MailboxPolicy
}

/**
 * Describe what `hypha-bootstrap` runs in this build.
 *
 * The DHT server, rendezvous, mailbox server and relay run
 * (`createBootstrapNode`); the web app is served with `--serve`. The relay
 * limits are resolved and checked exactly as the node uses them.
 *
 * @throws {TypeError | RangeError} when a relay limit override is invalid
 */
export function bootstrapStatus (relayOverrides: RelayLimitsInit = {}, mailbox: MailboxOptions = {}): BootstrapStatus {
  return {
    services: [
      { name: 'dht', description: 'Kademlia DHT server for Hypha records', available: true },
      { name: 'rendezvous', description: 'rendezvous server: peers find each other by namespace', available: true },
      { name: 'mailbox', description: 'offline mailboxes: sealed envelopes held for offline peers', available: true },
      { name: 'relay', description: 'circuit relay v2 for peers behind NAT and browsers', available: true },
      { name: 'web', description: 'serves the Hypha web app (--serve)', available: true }
    ],
    relayLimits: relayLimits(relayOverrides),
    mailbox: mailboxPolicy(mailbox)
  }
}

/**
 * Render a status as the text `npm start` prints, one line per fact
 */
export function formatStatus (status: BootstrapStatus): string {
  const pending = status.services.filter(service => !service.available)
  const limits = status.relayLimits
  const mailbox = status.mailbox
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
    `  reservation lifetime:      ${formatDuration(limits.reservationTtl)}`,
    `  expired reservation sweep: every ${formatDuration(limits.reservationClearInterval)}`,
    `  per-connection duration:   ${formatDuration(limits.defaultDurationLimit)}`,
    `  per-connection data:       ${formatBytes(limits.defaultDataLimit)}`,
    '',
    'Mailbox limits (/hypha/mailbox/1.0.0):',
    `  stamp difficulty:          ${mailbox.difficulty} bits`,
    `  retention:                 ${formatDuration(mailbox.retention * 1000)}`,
    `  largest envelope:          ${formatBytes(mailbox.maxEnvelopeBytes)}`,
    `  per-inbox quota:           ${mailbox.quotaCount} envelopes, ${formatBytes(mailbox.quotaBytes)}`,
    `  deposits per peer:         ${mailbox.depositBurst} at once, then one every ${formatDuration(mailbox.depositInterval)}`,
    `  one peer's share of inbox: ${mailbox.depositorShare === 1 ? 'all of it' : `1/${mailbox.depositorShare}`}`,
    `  expired envelope sweep:    every ${formatDuration(mailbox.sweepInterval)}`
  )

  return lines.join('\n')
}
