/**
 * `npm start` (the root script builds every package, then runs this): a local
 * bootstrap node on 127.0.0.1, TCP 4001 and WebSocket 4002 or the next free
 * ports, its key, datastore and mailbox database under the system's
 * temporary folder, `hypha-local/bootstrap-<tcp port>` (so its peer id and
 * the envelopes it holds stay from one run to the next). It also serves the
 * built web app (`browser/dist/app`) and its `config.json` on
 * http://127.0.0.1:4080/ or the next free port. Runs until Ctrl-C.
 */

import { existsSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { runCli } from '@hypha/relay-circuit'
import { describeMailbox, runBootstrap } from './cli.ts'
import { DEFAULT_HTTP_PORT } from './web.ts'

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
async function freePort (from: number, ...taken: number[]): Promise<number> {
  for (let port = from; port < 65536; port++) {
    if (!taken.includes(port) && await isFree(port)) {
      return port
    }
  }
  throw new Error(`no free port on ${HOST} at or above ${from}`)
}

/** The repository root: the folder above the nearest package.json (this package's) */
function repositoryRoot (): string {
  let dir = import.meta.dirname
  while (!existsSync(join(dir, 'package.json'))) {
    dir = dirname(dir)
  }
  return dirname(dir)
}

await runCli('hypha-bootstrap', async () => {
  const tcpPort = await freePort(4001)
  const wsPort = await freePort(Math.max(4002, tcpPort + 1), tcpPort)
  const httpPort = await freePort(DEFAULT_HTTP_PORT, tcpPort, wsPort)
  // one folder per TCP port: a second local node (on the next free ports) cannot share the first one's datastore
  const data = join(tmpdir(), 'hypha-local', `bootstrap-${tcpPort}`)
  const root = repositoryRoot()
  const app = join(root, 'browser', 'dist', 'app')
  const shownApp = relative(root, app)
  const appBuilt = existsSync(join(app, 'index.html')) && statSync(app).isDirectory()

  await runBootstrap({
    listen: [`/ip4/${HOST}/tcp/${tcpPort}`, `/ip4/${HOST}/tcp/${wsPort}/ws`],
    data,
    allowLoopback: true,
    json: false,
    web: appBuilt ? { root: app, listen: { host: HOST, port: httpPort } } : undefined,
    describe: (node, mailbox, url) => {
      const addresses = node.getMultiaddrs().map(ma => ma.toString())
      const tcpAddress = addresses.find(a => !a.includes('/ws')) ?? addresses[0]
      return [
        'Hypha: a local bootstrap node is running (DHT server, gossipsub, rendezvous, mailboxes, circuit relay).',
        '',
        `  peer id:   ${node.peerId.toString()}`,
        ...addresses.map(a => `  listening: ${a}`),
        `  data:      ${data}`,
        `  mailbox:   ${describeMailbox(mailbox)}`,
        url == null
          ? `  web app:   not built (no ${shownApp}/index.html): run npm run build`
          : `  web app:   ${url} (${shownApp}, config.json names the /ws address)`,
        '',
        'Connect a peer (Node CLI, from the repository root):',
        `  node node/dist/src/bin.js --bootstrap ${tcpAddress} --allow-loopback --home /tmp/alice init --name Alice`,
        '',
        ...(url == null
          ? ['Browsers connect to the /ws address. Ctrl-C stops the node.']
          : [
              `Open ${url} in two windows and talk to yourself: each window needs its own`,
              'storage (one normal and one private window, or two browser profiles), or both',
              'are the same identity. Ctrl-C stops the node.'
            ])
      ]
    }
  })
})
