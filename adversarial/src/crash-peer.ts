/* eslint-disable no-console */
/**
 * A Hypha peer as a child process, for the crash part of the suite: a SIGKILL
 * of it is real (no shutdown code runs, the level database on disk is left as
 * the kill found it). It runs the shipped `@hypha/node` library the way the
 * `hypha` CLI does (`openDatabase(home)`, `loadPeerKey`, `createPeerNode`,
 * `dialBootstrap`, `waitForDht`, `waitForMailboxes`, a Messenger with
 * rendezvous presence and mailboxes, `start`, then `sync`) and stays online
 * like `hypha listen`, taking commands as JSON lines on stdin:
 *
 * - `{ "cmd": "contact", "userId": "did:..." }` adds a contact
 * - `{ "cmd": "send", "to": "did:..." | [...], "count": 20, "tag": "k1", "interval": 0 }`
 * sends `count` messages one after the other (texts `<tag> <i>`; several
 * recipients take turns), `interval` ms apart
 * - `{ "cmd": "halt" }` ends a running `send` after the message in progress
 * - `{ "cmd": "sync" }` fetches from the mailboxes
 * - `{ "cmd": "status" }` prints the peers it is connected to
 *
 * and printing JSON lines on stdout: `ready`, `contact`, `sent`, `send-done`,
 * `message`, `receipt`, `synced`, `dropped` (an envelope the pipeline dropped,
 * by error name), `error`, `stopped`. SIGTERM stops it gracefully.
 *
 * Usage: `crash-peer --home <dir> --bootstrap <multiaddr> [--name <name>]
 * [--receipt-delay <ms>] [--receipt-max-delay <ms>]`
 *
 * Message texts are the suite's synthetic ones; keys are never printed.
 */

import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { createIdentity, libp2pMailboxes, Messenger, MessengerStore, inboxTopic, rendezvousPresence, saveIdentity, waitForMailboxes } from '@hypha/core'
import { bootstrapPeerIds, createPeerNode, dialBootstrap, loadPeerKey, openDatabase, waitForDht, waitForTopicPeers } from '@hypha/node'

/** The CLI's waits (node/src/cli.ts) */
const DHT_READY_TIMEOUT = 10_000
const MAILBOX_READY_TIMEOUT = 5_000
const TOPIC_READY_TIMEOUT = 5_000

const { values } = parseArgs({
  options: {
    home: { type: 'string' },
    bootstrap: { type: 'string', multiple: true },
    name: { type: 'string' },
    'receipt-delay': { type: 'string' },
    'receipt-max-delay': { type: 'string' }
  }
})

function out (line: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(line) + '\n')
}

const home = values.home
const bootstrap = values.bootstrap ?? []
if (home == null || bootstrap.length === 0) {
  console.error('usage: crash-peer --home <dir> --bootstrap <multiaddr>')
  process.exit(1)
}

const db = await openDatabase(home)
if (await new MessengerStore(db).loadIdentity() == null) {
  await saveIdentity(db, await createIdentity({ name: values.name ?? 'crash-peer' }))
}
const node = await createPeerNode({ bootstrap, allowLoopback: true, privateKey: await loadPeerKey(home) })
const points = bootstrapPeerIds(bootstrap)
const receiptDelay = values['receipt-delay'] == null ? undefined : Number(values['receipt-delay'])
const receiptMaxDelay = values['receipt-max-delay'] == null ? undefined : Number(values['receipt-max-delay'])
const messenger = await Messenger.open({
  db,
  mesh: node.services,
  presence: rendezvousPresence(node, () => points),
  mailboxes: libp2pMailboxes(node, node.services.mailbox),
  receipts: { delay: receiptDelay, maxDelay: receiptMaxDelay },
  log: message => {
    // the pipeline's drops, by error name (replays of what was already decrypted are DuplicateMessageError)
    const dropped = /^envelope (\w+) dropped: (\w+)/.exec(message)
    if (dropped != null) { out({ event: 'dropped', envelope: dropped[1], error: dropped[2] }) }
    if (/not saved|receipt not sent/.test(message)) { out({ event: 'warning', message }) }
  }
})
messenger.addEventListener('message', evt => { out({ event: 'message', id: evt.detail.id, from: evt.detail.peer, text: evt.detail.text }) })
messenger.addEventListener('receipt', evt => { out({ event: 'receipt', id: evt.detail.id, from: evt.detail.from }) })

let stopping = false
process.on('SIGTERM', () => {
  if (stopping) { return }
  stopping = true
  void (async () => {
    await messenger.stop()
    await node.stop()
    await db.close()
    out({ event: 'stopped' })
    process.exit(0)
  })()
})

const { connected } = await dialBootstrap(node, bootstrap)
if (connected === 0) { throw new Error('no bootstrap node reachable') }
if (!await waitForDht(node, DHT_READY_TIMEOUT)) { throw new Error('no DHT server') }
await waitForMailboxes(node, 1, MAILBOX_READY_TIMEOUT)
const [started] = await Promise.all([
  messenger.start(),
  waitForTopicPeers(node, inboxTopic(messenger.identity.device.signing.publicKey), TOPIC_READY_TIMEOUT)
])
const synced = await messenger.sync()
out({ event: 'ready', userId: messenger.userId, peerId: node.peerId.toString(), published: started.published, synced: synced.messages.length, reached: synced.reached.length })

/** Set by a `halt` line: the running `send` stops after its current message */
let halted = false
/** A `send` goes on until a `halt` line or SIGTERM (both set from other callbacks) */
const sending = (): boolean => !stopping && !halted

async function run (command: Record<string, any>): Promise<void> {
  switch (command.cmd) {
    case 'contact': {
      const contact = await messenger.addContact(String(command.userId))
      out({ event: 'contact', userId: contact.userId, devices: contact.devices.length })
      return
    }
    case 'send': {
      const count = Number(command.count ?? 1)
      const interval = Number(command.interval ?? 0)
      // several recipients take turns
      const to: string[] = Array.isArray(command.to) ? command.to.map(String) : [String(command.to)]
      halted = false
      for (let i = 0; i < count && sending(); i++) {
        const text = `${String(command.tag)} ${i}`
        const result = await messenger.send(to[i % to.length], text)
        out({ event: 'sent', id: result.id, to: to[i % to.length], tag: command.tag, text, published: result.published, stored: result.stored.successes.length, failures: result.stored.failures.map(f => `${f.error.name}: ${String(f.error.message).slice(0, 120)}`) })
        if (interval > 0) { await new Promise(resolve => setTimeout(resolve, interval)) }
      }
      out({ event: 'send-done', tag: command.tag })
      return
    }
    case 'sync': {
      const result = await messenger.sync()
      out({ event: 'synced', messages: result.messages.length, missing: result.missing, reached: result.reached.length })
      return
    }
    default:
      throw new Error(`unknown command ${JSON.stringify(command.cmd)}`)
  }
}

// commands run one at a time, in order
let queue: Promise<void> = Promise.resolve()
const commands = createInterface({ input: process.stdin, crlfDelay: Infinity })
// the parent is gone (or hung up): stop as on SIGTERM rather than linger
commands.on('close', () => { process.kill(process.pid, 'SIGTERM') })
commands.on('line', line => {
  if (line.trim() === '') { return }
  let command: Record<string, any>
  try {
    command = JSON.parse(line)
  } catch (err: any) {
    out({ event: 'error', name: err.name, message: 'a command line is not JSON' })
    return
  }
  // `halt` and `status` do not wait for a running `send`
  if (command.cmd === 'halt') {
    halted = true
    return
  }
  if (command.cmd === 'status') {
    out({ event: 'status', connections: node.getConnections().map(c => c.remotePeer.toString()) })
    return
  }
  queue = queue.then(async () => {
    try {
      await run(command)
    } catch (err: any) {
      out({ event: 'error', cmd: command.cmd, name: err.name, message: String(err.message).slice(0, 200) })
    }
  })
})
