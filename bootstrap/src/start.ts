/**
 * `npm start` (the root script builds every package, then runs this): a local
 * bootstrap node on 127.0.0.1, TCP 4001 and WebSocket 4002 or the next free
 * ports, its key, datastore and mailbox database under the system's
 * temporary folder, `hypha-local/bootstrap-<tcp port>` (so its peer id and
 * the envelopes it holds stay from one run to the next). Runs until Ctrl-C.
 */

import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '@hypha/relay-circuit'
import { describeMailbox, runBootstrap } from './cli.ts'

const HOST = '127.0.0.1'

async function isFree (port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = createServer()
    server.once('error', () => { resolve(false) })
    server.listen(port, HOST, () => {
      server.close(() => { resolve(true) })
    })
  })
}

/** The first free port at or above `from`, skipping `taken` */
async function freePort (from: number, taken?: number): Promise<number> {
  for (let port = from; port < 65536; port++) {
    if (port !== taken && await isFree(port)) {
      return port
    }
  }
  throw new Error(`no free port on ${HOST} at or above ${from}`)
}

await runCli('hypha-bootstrap', async () => {
  const tcpPort = await freePort(4001)
  const wsPort = await freePort(Math.max(4002, tcpPort + 1), tcpPort)
  // one folder per TCP port: a second local node (on the next free ports) cannot share the first one's datastore
  const data = join(tmpdir(), 'hypha-local', `bootstrap-${tcpPort}`)

  await runBootstrap({
    listen: [`/ip4/${HOST}/tcp/${tcpPort}`, `/ip4/${HOST}/tcp/${wsPort}/ws`],
    data,
    allowLoopback: true,
    json: false,
    describe: (node, mailbox) => {
      const addresses = node.getMultiaddrs().map(ma => ma.toString())
      const tcpAddress = addresses.find(a => !a.includes('/ws')) ?? addresses[0]
      return [
        'Hypha: a local bootstrap node is running (DHT server, gossipsub, rendezvous, mailboxes, circuit relay).',
        '',
        `  peer id:   ${node.peerId.toString()}`,
        ...addresses.map(a => `  listening: ${a}`),
        `  data:      ${data}`,
        `  mailbox:   ${describeMailbox(mailbox)}`,
        '',
        'Connect a peer (Node CLI, from the repository root):',
        `  node node/dist/src/bin.js --bootstrap ${tcpAddress} --allow-loopback --home /tmp/alice init --name Alice`,
        '',
        'Browsers connect to the /ws address. Ctrl-C stops the node.'
      ]
    }
  })
})
