/**
 * `hypha-bootstrap`: the volunteer node.
 */

import { statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { constants } from '@hypha/core'
import {
  booleanFlag, flagOrEnv, listenAddresses, loadPeerKey, parseFlags, readyEvent, RELAY_LIMIT_FLAGS, relayLimitsFromFlags, runCli, serve,
  UsageError
} from '@hypha/relay-circuit'
import { openDatastore } from './datastore.ts'
import { formatBytes, formatDuration } from './format.ts'
import { BOOTSTRAP_CONNECTION_READ_RATE, BOOTSTRAP_HOST_READ_RATE, readBudgetOf } from './inbound-budget.ts'
import { BOOTSTRAP_CONNECTION_RATE, BOOTSTRAP_MAX_CONNECTIONS, BOOTSTRAP_MAX_CONNECTIONS_PER_HOST, CONNECTION_FLAGS, connectionLimitsFromFlags, connectionManagerOptions } from './limits.ts'
import { MAILBOX_FLAGS, mailboxOptionsFromFlags, mailboxPolicy, openMailboxDb } from './mailbox.ts'
import { createBootstrapNode, DEFAULT_BOOTSTRAP_LISTEN } from './node.ts'
import { appConfig, DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT, parseHttpAddress, startWebServer } from './web.ts'
import type { ConnectionLimits } from './limits.ts'
import type { MailboxOptions, MailboxPolicy } from './mailbox.ts'
import type { BootstrapServices } from './node.ts'
import type { HttpAddress, WebServer } from './web.ts'
import type { RelayLimitsInit } from '@hypha/relay-circuit'
import type { Libp2p } from '@libp2p/interface'
import type { LevelDatastore } from 'datastore-level'
import type { Level } from 'level'

const NAME = 'hypha-bootstrap'
const ENV = 'HYPHA_BOOTSTRAP'

export const BOOTSTRAP_USAGE = `Usage: hypha-bootstrap [options]

A Hypha volunteer node: DHT server for Hypha records, gossipsub relay of the
inbox topics, rendezvous server, offline mailboxes, circuit relay v2; with
--serve, also the web app over HTTP.

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
  --max-connections <n>         connections open at once [HYPHA_BOOTSTRAP_MAX_CONNECTIONS]
                                default: ${BOOTSTRAP_MAX_CONNECTIONS}
  --max-connections-per-host <n>
                                connections one IP address may hold at once
                                [HYPHA_BOOTSTRAP_MAX_CONNECTIONS_PER_HOST] default: ${BOOTSTRAP_MAX_CONNECTIONS_PER_HOST}
  --connection-rate <n>         inbound connections one IP address may open per second
                                (a mesh on one machine needs more)
                                [HYPHA_BOOTSTRAP_CONNECTION_RATE] default: ${BOOTSTRAP_CONNECTION_RATE}
  --host-read-rate <bytes>      bytes a second the connections of one IP address share
                                beyond each one's own ${BOOTSTRAP_CONNECTION_READ_RATE}; a heavier
                                sender is paused, not cut off (a busy mesh on one machine
                                needs more) [HYPHA_BOOTSTRAP_HOST_READ_RATE] default: ${BOOTSTRAP_HOST_READ_RATE}
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
  --mailbox-depositor-share <n> one peer may hold 1/n of an inbox's quota (1: all of it)
                                [HYPHA_BOOTSTRAP_MAILBOX_DEPOSITOR_SHARE] default: ${constants.MAILBOX_DEPOSITOR_SHARE}
  --mailbox-sweep <time>        how often expired envelopes are deleted, at most 1d
                                [HYPHA_BOOTSTRAP_MAILBOX_SWEEP] default: 5m
  --serve <dir>                 serve this folder (the built web app, browser/dist/app)
                                and a generated /config.json naming this node's
                                WebSocket addresses over HTTP [HYPHA_BOOTSTRAP_SERVE]
  --http <host:port>            where --serve listens [HYPHA_BOOTSTRAP_HTTP]
                                default: ${DEFAULT_HTTP_HOST}:${DEFAULT_HTTP_PORT}
  --json                        print one JSON ready line [HYPHA_BOOTSTRAP_JSON=1]
  -h, --help                    show this help

<time> is <n>[ms|s|m|h|d] (a bare number is seconds): 30d, 12h, 2s, 500ms.
<size> is <n>[B|KiB|MiB|GiB] (a bare number is bytes): 262144, 256KiB, 64MiB.

Exit codes: 0 stopped by SIGINT/SIGTERM, 1 usage error, 2 operational error.`

const FLAGS = {
  listen: { type: 'string', multiple: true },
  data: { type: 'string' },
  'allow-loopback': { type: 'boolean' },
  serve: { type: 'string' },
  http: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...RELAY_LIMIT_FLAGS,
  ...CONNECTION_FLAGS,
  ...MAILBOX_FLAGS
} as const

export interface BootstrapRunOptions {
  listen: string[]
  data: string
  allowLoopback: boolean
  json: boolean
  limits?: RelayLimitsInit
  /** Connections open at once and per host per second (limits.ts) */
  connections?: ConnectionLimits
  /** Mailbox settings; the database is `<data>/mailbox` */
  mailbox?: MailboxOptions
  /** Serve a folder (the web app) and its `/config.json` over HTTP */
  web?: { root: string, listen: HttpAddress }
  /** Lines to print (without --json) once the node listens; `web` is the app's URL when serving */
  describe?(node: Libp2p<BootstrapServices>, mailbox: MailboxPolicy, web?: string): string[]
}

/**
 * `--serve` and `--http` (or their environment variables): the folder must
 * exist; `--http` alone is an error.
 *
 * @throws {UsageError} naming the flag
 */
export function webOptionsFromFlags (values: Record<string, unknown>, env: Record<string, string | undefined>, prefix: string): BootstrapRunOptions['web'] {
  const root = flagOrEnv(values, env, prefix, 'serve')
  const http = flagOrEnv(values, env, prefix, 'http')
  if (root == null) {
    if (http != null) {
      throw new UsageError('--http needs --serve <dir>')
    }
    return undefined
  }
  let isDirectory = false
  try {
    isDirectory = statSync(root).isDirectory()
  } catch {
    // missing or unreadable: not a directory we can serve
  }
  if (!isDirectory) {
    throw new UsageError(`--serve must name a directory, got "${root}"`)
  }
  const listen = http == null ? { host: DEFAULT_HTTP_HOST, port: DEFAULT_HTTP_PORT } : parseHttpAddress('http', http)
  return { root, listen }
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
  let web: WebServer | undefined
  const mailbox = options.mailbox ?? {}
  const policy = mailboxPolicy(mailbox)
  const describe = options.describe ?? ((node, _, url) => [
    `${NAME}: ready, peer id ${node.peerId.toString()}, listening on ${node.getMultiaddrs().map(ma => ma.toString()).join(' ')}`,
    `${NAME}: mailbox: ${describeMailbox(policy)}`,
    ...(url == null ? [] : [`${NAME}: serving ${options.web?.root} on ${url}`])
  ])

  await serve({
    name: NAME,
    // the JSON ready line is printed by describe: relay-circuit's fields plus the mailbox policy
    json: false,
    start: async () => {
      const privateKey = await loadPeerKey(options.data)
      datastore = await openDatastore(options.data)
      mailboxDb = await openMailboxDb(options.data)
      const node = await createBootstrapNode({
        listen: options.listen,
        privateKey,
        datastore,
        allowLoopback: options.allowLoopback,
        limits: options.limits,
        connectionManager: connectionManagerOptions(options.connections),
        connectionsPerHost: options.connections?.connectionsPerHost,
        readBudget: readBudgetOf(options.connections),
        mailbox: { ...mailbox, db: mailboxDb }
      })
      if (options.web != null) {
        try {
          web = await startWebServer({
            ...options.web,
            config: requestHost => appConfig(node, { allowLoopback: options.allowLoopback, requestHost })
          })
        } catch (err: any) {
          await node.stop()
          throw new Error(`--http ${options.web.listen.host}:${options.web.listen.port}: ${err.message}`)
        }
      }
      return node
    },
    describe: node => options.json
      ? [JSON.stringify({ ...readyEvent(node), mailbox: policy, ...(web == null ? {} : { http: web.url }) })]
      : describe(node, policy, web?.url),
    // after node.stop(): the mailbox server has finished its writes
    afterStop: async () => {
      await Promise.all([web?.close(), datastore?.close(), mailboxDb?.close()])
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
      connections: connectionLimitsFromFlags(values, env, ENV),
      mailbox: mailboxOptionsFromFlags(values, env, ENV),
      web: webOptionsFromFlags(values, env, ENV),
      allowLoopback: booleanFlag(values, env, ENV, 'allow-loopback'),
      json: booleanFlag(values, env, ENV, 'json'),
      data: flagOrEnv(values, env, ENV, 'data') ?? join(homedir(), '.hypha-bootstrap')
    })
  })
}
