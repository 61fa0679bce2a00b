/**
 * `hypha-relay`: the relay-only volunteer node.
 */

import { homedir } from 'node:os'
import { join } from 'node:path'
import { booleanFlag, flagOrEnv, listenAddresses, parseFlags, RELAY_LIMIT_FLAGS, relayLimitsFromFlags, runCli, serve } from './cli-support.ts'
import { createRelayNode, DEFAULT_RELAY_LISTEN } from './node.ts'
import { loadPeerKey } from './peer-key.ts'

const NAME = 'hypha-relay'
const ENV = 'HYPHA_RELAY'

export const RELAY_USAGE = `Usage: hypha-relay [options]

A relay-only Hypha volunteer node: identify + circuit relay v2 for peers
behind NAT and for browsers.

Options (each also read from the environment variable in brackets):
  --listen <multiaddr>          listen address, repeatable
                                [HYPHA_RELAY_LISTEN, comma-separated]
                                default: ${DEFAULT_RELAY_LISTEN.join(' ')}
  --data <dir>                  where the peer key is kept [HYPHA_RELAY_DATA]
                                default: ~/.hypha-relay
  --max-reservations <n>        reservations held at once [HYPHA_RELAY_MAX_RESERVATIONS]
  --reservation-ttl <ms>        reservation lifetime [HYPHA_RELAY_RESERVATION_TTL]
  --connection-duration <ms>    relayed connection duration limit [HYPHA_RELAY_CONNECTION_DURATION]
  --connection-data <bytes>     relayed connection data limit [HYPHA_RELAY_CONNECTION_DATA]
  --json                        print one JSON ready line [HYPHA_RELAY_JSON=1]
  -h, --help                    show this help

Exit codes: 0 stopped by SIGINT/SIGTERM, 1 usage error, 2 operational error.`

const FLAGS = {
  listen: { type: 'string', multiple: true },
  data: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...RELAY_LIMIT_FLAGS
} as const

/** Run `hypha-relay` with these arguments and environment */
export async function relayCli (argv: string[], env: Record<string, string | undefined>): Promise<void> {
  await runCli(NAME, async () => {
    const values = parseFlags(argv, FLAGS)
    if (values.help === true) {
      process.stdout.write(RELAY_USAGE + '\n')
      return
    }
    const listen = listenAddresses(values, env, ENV, DEFAULT_RELAY_LISTEN)
    const limits = relayLimitsFromFlags(values, env, ENV)
    const json = booleanFlag(values, env, ENV, 'json')
    const data = flagOrEnv(values, env, ENV, 'data') ?? join(homedir(), '.hypha-relay')

    await serve({
      name: NAME,
      json,
      start: async () => createRelayNode({ listen, limits, privateKey: await loadPeerKey(data) }),
      describe: node => [
        `${NAME}: ready, peer id ${node.peerId.toString()}, listening on ${node.getMultiaddrs().map(ma => ma.toString()).join(' ')}`
      ]
    })
  })
}
