/**
 * `hypha-bootstrap`: the volunteer node.
 */

import { homedir } from 'node:os'
import { join } from 'node:path'
import {
  booleanFlag, flagOrEnv, listenAddresses, loadPeerKey, parseFlags, RELAY_LIMIT_FLAGS, relayLimitsFromFlags, runCli, serve
} from '@hypha/relay-circuit'
import { openDatastore } from './datastore.ts'
import { createBootstrapNode, DEFAULT_BOOTSTRAP_LISTEN } from './node.ts'
import type { BootstrapServices } from './node.ts'
import type { RelayLimitsInit } from '@hypha/relay-circuit'
import type { Libp2p } from '@libp2p/interface'
import type { LevelDatastore } from 'datastore-level'

const NAME = 'hypha-bootstrap'
const ENV = 'HYPHA_BOOTSTRAP'

export const BOOTSTRAP_USAGE = `Usage: hypha-bootstrap [options]

A Hypha volunteer node: DHT server for Hypha records, gossipsub relay of the
inbox topics, rendezvous server, circuit relay v2.

Options (each also read from the environment variable in brackets):
  --listen <multiaddr>          listen address, repeatable
                                [HYPHA_BOOTSTRAP_LISTEN, comma-separated]
                                default: ${DEFAULT_BOOTSTRAP_LISTEN.join(' ')}
  --data <dir>                  peer key and datastore (DHT records, peer store)
                                [HYPHA_BOOTSTRAP_DATA] default: ~/.hypha-bootstrap
  --allow-loopback              keep loopback/private addresses in DHT peer info,
                                for meshes on one machine [HYPHA_BOOTSTRAP_ALLOW_LOOPBACK=1]
  --max-reservations <n>        relay reservations held at once [HYPHA_BOOTSTRAP_MAX_RESERVATIONS]
  --reservation-ttl <ms>        relay reservation lifetime [HYPHA_BOOTSTRAP_RESERVATION_TTL]
  --connection-duration <ms>    relayed connection duration limit [HYPHA_BOOTSTRAP_CONNECTION_DURATION]
  --connection-data <bytes>     relayed connection data limit [HYPHA_BOOTSTRAP_CONNECTION_DATA]
  --json                        print one JSON ready line [HYPHA_BOOTSTRAP_JSON=1]
  -h, --help                    show this help

Exit codes: 0 stopped by SIGINT/SIGTERM, 1 usage error, 2 operational error.`

const FLAGS = {
  listen: { type: 'string', multiple: true },
  data: { type: 'string' },
  'allow-loopback': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...RELAY_LIMIT_FLAGS
} as const

export interface BootstrapRunOptions {
  listen: string[]
  data: string
  allowLoopback: boolean
  json: boolean
  limits?: RelayLimitsInit
  /** Lines to print (without --json) once the node listens */
  describe?(node: Libp2p<BootstrapServices>): string[]
}

/** Start a bootstrap node with its data directory and serve until SIGINT/SIGTERM */
export async function runBootstrap (options: BootstrapRunOptions): Promise<void> {
  let datastore: LevelDatastore | undefined

  await serve({
    name: NAME,
    json: options.json,
    start: async () => {
      const privateKey = await loadPeerKey(options.data)
      datastore = await openDatastore(options.data)
      return createBootstrapNode({
        listen: options.listen,
        privateKey,
        datastore,
        allowLoopback: options.allowLoopback,
        limits: options.limits
      })
    },
    describe: options.describe ?? (node => [
      `${NAME}: ready, peer id ${node.peerId.toString()}, listening on ${node.getMultiaddrs().map(ma => ma.toString()).join(' ')}`
    ]),
    afterStop: async () => {
      await datastore?.close()
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
      allowLoopback: booleanFlag(values, env, ENV, 'allow-loopback'),
      json: booleanFlag(values, env, ENV, 'json'),
      data: flagOrEnv(values, env, ENV, 'data') ?? join(homedir(), '.hypha-bootstrap')
    })
  })
}
