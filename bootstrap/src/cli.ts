/**
 * `hypha-bootstrap`: the volunteer node.
 */

import { homedir } from 'node:os'
import { join } from 'node:path'
import {
  booleanFlag, flagOrEnv, listenAddresses, loadPeerKey, parseFlags, readyEvent, RELAY_LIMIT_FLAGS, relayLimitsFromFlags, runCli, serve
} from '@hypha/relay-circuit'
import { openDatastore } from './datastore.ts'
import { formatBytes, formatDuration } from './format.ts'
import { MAILBOX_FLAGS, mailboxOptionsFromFlags, mailboxPolicy, openMailboxDb } from './mailbox.ts'
import { createBootstrapNode, DEFAULT_BOOTSTRAP_LISTEN } from './node.ts'
import type { MailboxOptions, MailboxPolicy } from './mailbox.ts'
import type { BootstrapServices } from './node.ts'
import type { RelayLimitsInit } from '@hypha/relay-circuit'
import type { Libp2p } from '@libp2p/interface'
import type { LevelDatastore } from 'datastore-level'
import type { Level } from 'level'

const NAME = 'hypha-bootstrap'
const ENV = 'HYPHA_BOOTSTRAP'

export const BOOTSTRAP_USAGE = `Usage: hypha-bootstrap [options]

A Hypha volunteer node: DHT server for Hypha records, gossipsub relay of the
inbox topics, rendezvous server, offline mailboxes, circuit relay v2.

Options (each also read from the environment variable in brackets):
  --listen <multiaddr>          listen address, repeatable
                                [HYPHA_BOOTSTRAP_LISTEN, comma-separated]
                                default: ${DEFAULT_BOOTSTRAP_LISTEN.join(' ')}
  --data <dir>                  peer key, datastore (DHT records, peer store) and
                                mailbox database [HYPHA_BOOTSTRAP_DATA]
                                default: ~/.hypha-bootstrap
  --allow-loopback              keep loopback/private addresses in DHT peer info,
                                for meshes on one machine [HYPHA_BOOTSTRAP_ALLOW_LOOPBACK=1]
  --max-reservations <n>        relay reservations held at once [HYPHA_BOOTSTRAP_MAX_RESERVATIONS]
  --reservation-ttl <ms>        relay reservation lifetime [HYPHA_BOOTSTRAP_RESERVATION_TTL]
  --connection-duration <ms>    relayed connection duration limit [HYPHA_BOOTSTRAP_CONNECTION_DURATION]
  --connection-data <bytes>     relayed connection data limit [HYPHA_BOOTSTRAP_CONNECTION_DATA]
  --mailbox-retention <time>    how long an envelope is kept [HYPHA_BOOTSTRAP_MAILBOX_RETENTION]
                                default: 30d
  --mailbox-quota <n>[,<size>]  envelopes, and optionally bytes, one inbox may hold
                                [HYPHA_BOOTSTRAP_MAILBOX_QUOTA] default: 10000,64MiB
  --mailbox-max-size <size>     largest envelope stored, at most 1023KiB
                                [HYPHA_BOOTSTRAP_MAILBOX_MAX_SIZE] default: 256KiB
  --mailbox-difficulty <bits>   stamp difficulty, 0 to 24 [HYPHA_BOOTSTRAP_MAILBOX_DIFFICULTY]
                                default: 17
  --mailbox-rate <n>            deposits per remote peer per minute (n at once, then
                                one every 60000/n ms) [HYPHA_BOOTSTRAP_MAILBOX_RATE]
                                default: 60
  --mailbox-sweep <time>        how often expired envelopes are deleted, at most 1d
                                [HYPHA_BOOTSTRAP_MAILBOX_SWEEP] default: 5m
  --json                        print one JSON ready line [HYPHA_BOOTSTRAP_JSON=1]
  -h, --help                    show this help

<time> is <n>[ms|s|m|h|d] (a bare number is seconds): 30d, 12h, 2s, 500ms.
<size> is <n>[B|KiB|MiB|GiB] (a bare number is bytes): 262144, 256KiB, 64MiB.

Exit codes: 0 stopped by SIGINT/SIGTERM, 1 usage error, 2 operational error.`

const FLAGS = {
  listen: { type: 'string', multiple: true },
  data: { type: 'string' },
  'allow-loopback': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...RELAY_LIMIT_FLAGS,
  ...MAILBOX_FLAGS
} as const

export interface BootstrapRunOptions {
  listen: string[]
  data: string
  allowLoopback: boolean
  json: boolean
  limits?: RelayLimitsInit
  /** Mailbox settings; the database is `<data>/mailbox` */
  mailbox?: MailboxOptions
  /** Lines to print (without --json) once the node listens */
  describe?(node: Libp2p<BootstrapServices>, mailbox: MailboxPolicy): string[]
}

/** One line on what the mailbox accepts */
export function describeMailbox (policy: MailboxPolicy): string {
  return `stamps of ${policy.difficulty} bits, envelopes of at most ${formatBytes(policy.maxEnvelopeBytes)} kept ` +
    `${formatDuration(policy.retention * 1000)}, ${policy.quotaCount} envelopes and ${formatBytes(policy.quotaBytes)} per inbox`
}

/** Start a bootstrap node with its data directory and serve until SIGINT/SIGTERM */
export async function runBootstrap (options: BootstrapRunOptions): Promise<void> {
  let datastore: LevelDatastore | undefined
  let mailboxDb: Level<string, Uint8Array> | undefined
  const mailbox = options.mailbox ?? {}
  const policy = mailboxPolicy(mailbox)
  const describe = options.describe ?? (node => [
    `${NAME}: ready, peer id ${node.peerId.toString()}, listening on ${node.getMultiaddrs().map(ma => ma.toString()).join(' ')}`,
    `${NAME}: mailbox: ${describeMailbox(policy)}`
  ])

  await serve({
    name: NAME,
    // the JSON ready line is printed by describe: relay-circuit's fields plus the mailbox policy
    json: false,
    start: async () => {
      const privateKey = await loadPeerKey(options.data)
      datastore = await openDatastore(options.data)
      mailboxDb = await openMailboxDb(options.data)
      return createBootstrapNode({
        listen: options.listen,
        privateKey,
        datastore,
        allowLoopback: options.allowLoopback,
        limits: options.limits,
        mailbox: { ...mailbox, db: mailboxDb }
      })
    },
    describe: node => options.json ? [JSON.stringify({ ...readyEvent(node), mailbox: policy })] : describe(node, policy),
    // after node.stop(): the mailbox server has finished its writes
    afterStop: async () => {
      await Promise.all([datastore?.close(), mailboxDb?.close()])
    }
  })
}

/** Run `hypha-bootstrap` with these arguments and environment */
export async function bootstrapCli (argv: string[], env: Record<string, string | undefined>): Promise<void> {
  await runCli(NAME, async () => {
    const values = parseFlags(argv, FLAGS)
    if (values.help === true) {
      process.stdout.write(BOOTSTRAP_USAGE + '\n')
      return
    }
    await runBootstrap({
      listen: listenAddresses(values, env, ENV, DEFAULT_BOOTSTRAP_LISTEN),
      limits: relayLimitsFromFlags(values, env, ENV),
      mailbox: mailboxOptionsFromFlags(values, env, ENV),
      allowLoopback: booleanFlag(values, env, ENV, 'allow-loopback'),
      json: booleanFlag(values, env, ENV, 'json'),
      data: flagOrEnv(values, env, ENV, 'data') ?? join(homedir(), '.hypha-bootstrap')
    })
  })
}
