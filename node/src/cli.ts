/**
 * The `hypha` command line: a Hypha peer in a terminal or a script.
 *
 * Every command opens the home's database; the network commands (`contact
 * add`, `send`, `sync`, `listen`) also start a libp2p peer, dial the
 * bootstrap nodes and stop it again. Exit codes: 0 ok, 1 usage error, 2 operational error,
 * each error as one line on stderr. Keys and message texts never go to
 * stderr; message texts go to stdout only as the output of `listen` and
 * `history`.
 */

import { existsSync } from 'node:fs'
import { readFile, writeFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { parseArgs } from 'node:util'
import {
  ContactNotFoundError, Messenger, MessengerStore, constants, createIdentity, createWalletIdentity, exportBackup, importBackup, inboxTopic, libp2pMailboxes, parseUserId,
  rendezvousPresence, saveIdentity
} from '@hypha/core'
import { parseBootstrapList } from './bootstrap-list.ts'
import { BootstrapError, IdentityExistsError, UsageError } from './errors.ts'
import { resolveHome } from './home.ts'
import { loadPeerKey } from './peer-key.ts'
import { DB_DIRNAME, openDatabase } from './storage.ts'
import type { PeerNode } from './libp2p.ts'
import type { Database } from './storage.ts'
import type { Contact, LocalIdentity, MessengerMesh, ReceivedMessage, SendResult, StoredMessage } from '@hypha/core'

export const USAGE = `Usage: hypha [options] <command>

Commands:
  init [--name <name>] [--wallet-keystore <file>]
                               create this device's identity (a key pair, or an
                               Ethereum wallet from an encrypted JSON keystore;
                               password from HYPHA_WALLET_PASSWORD or stdin)
  whoami                       print the user id and name
  contact add <user-id> [--name <alias>]
                               look a user up on the mesh and keep it as a contact
  contact list                 print the contacts
  send <user-id|alias> <text> [--timeout <seconds>]
                               send a message (live, and stored at the
                               recipient's mailboxes) and wait up to --timeout
                               (default 15, 0: do not wait) for its delivery
                               receipt; text "-" sends each line of stdin
  sync                         go online, fetch what the mailboxes hold for this
                               device, print the new messages, exit
  listen [--watch <user-id>]   fetch from the mailboxes, then stay online and
                               print incoming messages until SIGINT/SIGTERM;
                               --watch also prints every envelope seen on that
                               user's inbox bucket
  history <user-id|alias>      print the conversation with a contact
  backup export <file>         write an encrypted backup of the identity
  backup import <file>         restore an identity from a backup (passphrase from
                               HYPHA_BACKUP_PASSPHRASE or stdin)

Options:
  --home <dir>                 where keys and messages live [HYPHA_HOME] (~/.hypha)
  --bootstrap <multiaddr>      bootstrap node, repeatable [HYPHA_BOOTSTRAP, comma-separated]
  --json                       one JSON object per line on stdout
  --allow-loopback             allow 127.0.0.1 peers (local mesh, tests) [HYPHA_ALLOW_LOOPBACK=1]
  -h, --help                   show this help

Exit codes: 0 ok, 1 usage error, 2 operational error.`

/** How long `send` waits for the delivery receipt by default, in seconds */
export const DEFAULT_SEND_TIMEOUT = 15

/** Longest `--timeout` accepted, in seconds */
export const MAX_SEND_TIMEOUT = 3600

/** How long a network command waits for a DHT server among the bootstrap peers */
export const DHT_READY_TIMEOUT = 10_000

/** How long a network command waits for a gossipsub mesh peer on its inbox topic */
export const TOPIC_READY_TIMEOUT = 5_000

/** How long a network command waits to identify the mailbox nodes among the bootstrap peers */
export const MAILBOX_READY_TIMEOUT = 5_000

/** Longest line `send <to> -` reads from stdin, in bytes */
export const MAX_STDIN_LINE_BYTES = constants.MAX_PLAINTEXT_BYTES

/** Largest wallet keystore or backup file read */
export const MAX_INPUT_FILE_BYTES = 1024 * 1024

/** The SIWE fields a wallet signs for a CLI device (they pass core's domain and URI checks) */
export const CLI_SIWE = { domain: 'hypha.cli', uri: 'hypha://cli' }

export const WALLET_PASSWORD_ENV = 'HYPHA_WALLET_PASSWORD'
export const BACKUP_PASSPHRASE_ENV = 'HYPHA_BACKUP_PASSPHRASE'

const OPTIONS = {
  home: { type: 'string' },
  bootstrap: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  'allow-loopback': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  name: { type: 'string' },
  'wallet-keystore': { type: 'string' },
  timeout: { type: 'string' },
  watch: { type: 'string', multiple: true }
} as const

const GLOBAL_OPTIONS = ['home', 'bootstrap', 'json', 'allow-loopback', 'help']

export type CommandName =
  'init' | 'whoami' | 'contact add' | 'contact list' | 'send' | 'sync' | 'listen' | 'history' | 'backup export' | 'backup import'

/** Per command: its positional arguments and the options it takes besides the global ones */
const COMMANDS: Record<CommandName, { args: string[], options: string[] }> = {
  init: { args: [], options: ['name', 'wallet-keystore'] },
  whoami: { args: [], options: [] },
  'contact add': { args: ['user-id'], options: ['name'] },
  'contact list': { args: [], options: [] },
  send: { args: ['user-id|alias', 'text'], options: ['timeout'] },
  sync: { args: [], options: [] },
  listen: { args: [], options: ['watch'] },
  history: { args: ['user-id|alias'], options: [] },
  'backup export': { args: ['file'], options: [] },
  'backup import': { args: ['file'], options: [] }
}

export interface CommandLine {
  /** undefined with --help */
  command?: CommandName
  args: string[]
  home: string
  bootstrap: string[]
  json: boolean
  allowLoopback: boolean
  name?: string
  walletKeystore?: string
  /** seconds */
  timeout: number
  watch: string[]
}

/**
 * Parses the arguments and the environment of a `hypha` run.
 *
 * @throws {UsageError} for an unknown command or option, an option the
 * command does not take, a missing or extra argument, a bad value
 */
export function parseCommandLine (argv: string[], env: Record<string, string | undefined>): CommandLine {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true, tokens: true })
  } catch (err: any) {
    // node's messages run on with advice about '--'; the first sentence is the line
    throw new UsageError(String(err.message).split(/\.\s/)[0].replace(/\.$/, ''))
  }
  const { values, positionals, tokens } = parsed
  const line: CommandLine = {
    args: [],
    ...globalOptions(values, env),
    timeout: DEFAULT_SEND_TIMEOUT,
    watch: []
  }
  if (values.help === true) {
    return line
  }

  const { command, args } = commandOf(positionals)
  const spec = COMMANDS[command]
  for (const token of tokens) {
    if (token.kind === 'option' && !GLOBAL_OPTIONS.includes(token.name) && !spec.options.includes(token.name)) {
      throw new UsageError(`${command}: unknown option ${token.rawName}`)
    }
  }
  if (args.length < spec.args.length) {
    throw new UsageError(`${command}: missing <${spec.args[args.length]}>`)
  }
  if (args.length > spec.args.length) {
    throw new UsageError(`${command}: unexpected argument ${JSON.stringify(args[spec.args.length])}${command === 'send' ? ' (quote the text)' : ''}`)
  }

  line.command = command
  line.args = args
  line.name = values.name
  line.walletKeystore = values['wallet-keystore']
  line.watch = values.watch ?? []
  if (values.timeout != null) {
    line.timeout = parseTimeout(values.timeout)
  }
  checkCommand(line)
  return line
}

function globalOptions (values: { home?: string, bootstrap?: string[], json?: boolean, 'allow-loopback'?: boolean }, env: Record<string, string | undefined>): Pick<CommandLine, 'home' | 'bootstrap' | 'json' | 'allowLoopback'> {
  try {
    return {
      home: resolveHome({ home: values.home, env }),
      bootstrap: values.bootstrap != null
        ? values.bootstrap.flatMap(value => parseBootstrapList(value))
        : parseBootstrapList(env.HYPHA_BOOTSTRAP),
      json: values.json === true,
      allowLoopback: values['allow-loopback'] === true || isTrue(env.HYPHA_ALLOW_LOOPBACK)
    }
  } catch (err: any) {
    throw new UsageError(err.message)
  }
}

/** The command named by the first one or two positionals, and its arguments */
function commandOf (positionals: string[]): { command: CommandName, args: string[] } {
  const [first, second] = positionals
  if (first == null) {
    throw new UsageError('missing command (see hypha --help)')
  }
  if (first === 'contact' || first === 'backup') {
    const sub = first === 'contact' ? ['add', 'list'] : ['export', 'import']
    if (second == null || !sub.includes(second)) {
      throw new UsageError(`${first}: expected one of ${sub.join(', ')}${second == null ? '' : `, got ${JSON.stringify(second)}`}`)
    }
    return { command: `${first} ${second}` as CommandName, args: positionals.slice(2) }
  }
  if (!Object.hasOwn(COMMANDS, first)) {
    throw new UsageError(`unknown command ${JSON.stringify(first)} (see hypha --help)`)
  }
  return { command: first as CommandName, args: positionals.slice(1) }
}

function parseTimeout (value: string): number {
  const seconds = Number(value)
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_SEND_TIMEOUT) {
    throw new UsageError(`--timeout must be a number of seconds in [0, ${MAX_SEND_TIMEOUT}], got ${JSON.stringify(value)}`)
  }
  return seconds
}

/** Checks of values that need the command: user ids, names, bootstrap nodes for the network commands */
function checkCommand (line: CommandLine): void {
  const command = line.command
  for (const userId of command === 'contact add' ? [line.args[0], ...line.watch] : line.watch) {
    checkUserId(userId)
  }
  if (line.name === '' && command === 'contact add') {
    throw new UsageError('--name must not be empty')
  }
  if ((command === 'contact add' || command === 'send' || command === 'sync' || command === 'listen') && line.bootstrap.length === 0) {
    throw new UsageError(`${command}: no bootstrap node: give --bootstrap <multiaddr> or set HYPHA_BOOTSTRAP`)
  }
}

function isTrue (value: string | undefined): boolean {
  return value === '1' || value?.toLowerCase() === 'true'
}

function checkUserId (userId: string): void {
  try {
    parseUserId(userId)
  } catch (err: any) {
    throw new UsageError(`invalid user id ${JSON.stringify(userId)}: ${err.message}`)
  }
}

/** Where a command's output and diagnostics go; tests may swap it */
export interface CliIo {
  stdout: { write(chunk: string): unknown }
  stderr: { write(chunk: string): unknown }
  stdin: NodeJS.ReadableStream & { isTTY?: boolean }
  /** Resolves on the first SIGINT or SIGTERM */
  stopSignal(): Promise<void>
}

const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  stopSignal: async () => new Promise<void>(resolve => {
    const done = (): void => {
      process.off('SIGINT', done)
      process.off('SIGTERM', done)
      resolve()
    }
    process.on('SIGINT', done)
    process.on('SIGTERM', done)
  })
}

/**
 * Runs `hypha` with these arguments and environment; resolves with the exit
 * code (it does not exit).
 */
export async function runCli (argv: string[], env: Record<string, string | undefined> = process.env, io: CliIo = processIo): Promise<number> {
  let line: CommandLine
  try {
    line = parseCommandLine(argv, env)
  } catch (err: any) {
    io.stderr.write(`hypha: ${oneLine(err.message)}\n`)
    return 1
  }

  if (line.command == null) {
    io.stdout.write(USAGE + '\n')
    return 0
  }

  const cli = new Cli(line, env, io)
  try {
    return await cli.run(line.command)
  } catch (err: any) {
    io.stderr.write(`hypha: ${describeError(err)}\n`)
    return err instanceof UsageError ? 1 : 2
  }
}

/** `Name: message` on one line; no stack, no causes (they may quote inputs) */
export function describeError (err: any): string {
  let name = err?.name ?? 'Error'
  if (name === 'Error' && typeof err?.code === 'string') { name = err.code }
  const message = err?.shortMessage ?? err?.message ?? String(err)
  return `${name}: ${oneLine(String(message))}`
}

function oneLine (text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

/** Control characters from the network must not reach a terminal (escape sequences) */
function printable (text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\ufffd')
}

/** A mesh for the commands that stay offline: any use of it is a bug */
const OFFLINE: MessengerMesh = {
  dht: {
    put: () => { throw new Error('offline') },
    get: () => { throw new Error('offline') }
  },
  pubsub: {
    subscribe: () => { throw new Error('offline') },
    unsubscribe: () => {},
    publish: async () => { throw new Error('offline') },
    addEventListener: () => {},
    removeEventListener: () => {}
  }
}

interface Online {
  node: PeerNode
  messenger: Messenger
}

class Cli {
  private readonly line: CommandLine
  private readonly env: Record<string, string | undefined>
  private readonly io: CliIo

  constructor (line: CommandLine, env: Record<string, string | undefined>, io: CliIo) {
    this.line = line
    this.env = env
    this.io = io
  }

  async run (command: CommandName): Promise<number> {
    switch (command) {
      case 'init': return this.init()
      case 'whoami': return this.whoami()
      case 'contact add': return this.contactAdd()
      case 'contact list': return this.contactList()
      case 'send': return this.send()
      case 'sync': return this.sync()
      case 'listen': return this.listen()
      case 'history': return this.history()
      case 'backup export': return this.backupExport()
      case 'backup import': return this.backupImport()
      default: throw new UsageError(`unknown command ${JSON.stringify(command)}`)
    }
  }

  /** One JSON object per line with --json, else the human line */
  private print (json: Record<string, unknown>, human: string): void {
    this.io.stdout.write((this.line.json ? JSON.stringify(json) : human) + '\n')
  }

  private warn (message: string): void {
    this.io.stderr.write(`hypha: warning: ${message}\n`)
  }

  private debug (message: string): void {
    if (isTrue(this.env.HYPHA_DEBUG)) { this.io.stderr.write(`hypha: +${Math.round(performance.now())}ms ${message}\n`) }
  }

  /** Only `init` and `backup import` create a home; the other commands need one */
  private async withDb<T> (fn: (db: Database, store: MessengerStore) => Promise<T>, create = false): Promise<T> {
    const db = await openDatabase(this.line.home, { create })
    try {
      return await fn(db, new MessengerStore(db))
    } finally {
      await db.close()
    }
  }

  private async offline<T> (fn: (messenger: Messenger) => Promise<T>): Promise<T> {
    return this.withDb(async db => fn(await Messenger.open({ db, mesh: OFFLINE })))
  }

  /** Opens the messenger, starts a peer, reaches the DHT through the bootstrap nodes; stops it all afterwards */
  private async online<T> (fn: (online: Online) => Promise<T>, prepare?: (messenger: Messenger) => Promise<void>): Promise<T> {
    return this.withDb(async db => {
      // libp2p is loaded only by the commands that go online
      const { bootstrapPeerIds, createPeerNode, dialBootstrap, waitForDht, waitForMailboxes } = await import('./libp2p.ts')
      const node = await createPeerNode({
        bootstrap: this.line.bootstrap,
        allowLoopback: this.line.allowLoopback,
        privateKey: await loadPeerKey(this.line.home)
      })
      let messenger: Messenger | undefined
      try {
        const points = bootstrapPeerIds(this.line.bootstrap)
        messenger = await Messenger.open({
          db,
          mesh: node.services,
          // register at the bootstrap nodes' rendezvous servers; contacts found there are dialed directly
          presence: rendezvousPresence(node, () => points),
          mailboxes: libp2pMailboxes(node, node.services.mailbox),
          log: message => { this.debug(message) }
        })
        // fail on a bad contact name before any network wait
        await prepare?.(messenger)
        const t0 = Date.now()
        const { connected, errors } = await dialBootstrap(node, this.line.bootstrap)
        this.debug(`dialed ${connected} bootstrap node(s) in ${Date.now() - t0} ms`)
        if (connected === 0) {
          throw new BootstrapError(`could not reach any bootstrap node (${describeError(errors[0])})`)
        }
        if (!await waitForDht(node, DHT_READY_TIMEOUT)) {
          throw new BootstrapError('no DHT server among the bootstrap nodes')
        }
        this.debug(`DHT ready after ${Date.now() - t0} ms`)
        // identify tells which bootstrap nodes keep mailboxes; wait for as many as a device uses
        const mailboxes = await waitForMailboxes(node, Math.min(connected, constants.MAILBOXES_PER_DEVICE), MAILBOX_READY_TIMEOUT)
        this.debug(`${mailboxes} mailbox node(s) after ${Date.now() - t0} ms`)
        return await fn({ node, messenger })
      } finally {
        const t1 = Date.now()
        await messenger?.stop()
        await node.stop()
        this.debug(`stopped in ${Date.now() - t1} ms`)
      }
    })
  }

  private async init (): Promise<number> {
    await this.refuseExistingIdentity()
    const identity = this.line.walletKeystore == null
      ? await createIdentity({ name: this.line.name })
      : await this.walletIdentity(this.line.walletKeystore)
    await this.storeNewIdentity(identity)
    this.print({ type: 'identity', userId: identity.userId, name: identity.name }, identity.userId)
    return 0
  }

  /** Fails early (before asking for a password) when the home has an identity */
  private async refuseExistingIdentity (): Promise<void> {
    if (!existsSync(join(this.line.home, DB_DIRNAME))) { return }
    await this.withDb(async (_, store) => {
      if (await store.loadIdentity() != null) {
        throw new IdentityExistsError(`${this.line.home} already has an identity`)
      }
    })
  }

  private async storeNewIdentity (identity: LocalIdentity): Promise<void> {
    await this.withDb(async (db, store) => {
      // checked again under the database lock: another process may have been quicker
      if (await store.loadIdentity() != null) {
        throw new IdentityExistsError(`${this.line.home} already has an identity`)
      }
      await saveIdentity(db, identity)
    }, true)
  }

  private async walletIdentity (file: string): Promise<LocalIdentity> {
    const json = new TextDecoder().decode(await readInputFile(file))
    const password = await this.readSecret(WALLET_PASSWORD_ENV, 'wallet password')
    // ethers is loaded only for wallet users
    const { Wallet } = await import('ethers')
    const wallet = await Wallet.fromEncryptedJson(json, password)
    return createWalletIdentity(wallet, CLI_SIWE, { name: this.line.name })
  }

  private async whoami (): Promise<number> {
    const identity = await this.offline(async messenger => messenger.identity)
    this.print({ type: 'identity', userId: identity.userId, name: identity.name },
      identity.name === '' ? identity.userId : `${identity.userId} (${printable(identity.name)})`)
    return 0
  }

  private printContact (contact: Contact): void {
    this.print(
      { type: 'contact', userId: contact.userId, alias: contact.alias, devices: contact.devices.length, addedAt: contact.addedAt },
      `${contact.alias == null ? '' : `${printable(contact.alias)}  `}${contact.userId}  (${contact.devices.length} device${contact.devices.length === 1 ? '' : 's'})`
    )
  }

  private async contactAdd (): Promise<number> {
    const contact = await this.online(async ({ messenger }) => messenger.addContact(this.line.args[0], this.line.name))
    this.printContact(contact)
    return 0
  }

  private async contactList (): Promise<number> {
    const contacts = await this.offline(async messenger => messenger.contacts())
    for (const contact of contacts) { this.printContact(contact) }
    return 0
  }

  private async send (): Promise<number> {
    const { waitForTopicPeers } = await import('./libp2p.ts')
    const [to, text] = this.line.args
    let contact: Contact | undefined
    const results = await this.online(async ({ node, messenger }) => {
      // start() joins the inbox topic at once, then publishes the device records;
      // the receipt comes back on that topic: be in its mesh before sending
      const [started, joined] = await Promise.all([
        messenger.start(),
        waitForTopicPeers(node, inboxTopic(messenger.identity.device.signing.publicKey), TOPIC_READY_TIMEOUT)
      ])
      if (!started.published) { this.warn('own device records not published') }
      if (!joined) { this.warn('no mesh peer on the own inbox topic yet: the receipt may be missed') }
      this.debug('ready to send')

      const receipts = new Set<string>()
      let onReceipt: () => void = () => {}
      const listener = (evt: CustomEvent<{ id: string }>): void => {
        receipts.add(evt.detail.id)
        onReceipt()
      }
      messenger.addEventListener('receipt', listener)
      try {
        const sent: SendResult[] = []
        for await (const line of text === '-' ? this.stdinLines() : [text]) {
          const result = await messenger.send(to, line)
          this.debug(`published ${result.id} to ${result.published} of ${result.devices} device(s), stored at ${result.stored.successes.length} mailbox(es)`)
          sent.push(result)
        }
        // the receipts of everything that went out, or the timeout
        const waiting = sent.filter(r => r.published > 0 || r.stored.successes.length > 0)
        const all = (): boolean => waiting.every(r => receipts.has(r.id))
        if (this.line.timeout > 0 && waiting.length > 0) {
          await new Promise<void>(resolve => {
            const timer = setTimeout(resolve, this.line.timeout * 1000)
            onReceipt = () => {
              if (!all()) { return }
              clearTimeout(timer)
              resolve()
            }
            onReceipt()
          })
        }
        return sent.map(r => ({ ...r, delivered: receipts.has(r.id) }))
      } finally {
        messenger.removeEventListener('receipt', listener)
      }
    }, async messenger => {
      contact = await messenger.resolve(to)
    })

    const userId = contact?.userId ?? to
    let failed = 0
    for (const result of results) {
      const stored = result.stored.successes.length
      const out = result.published > 0 || stored > 0
      if (!out) { failed++ }
      this.print({
        type: 'sent',
        id: result.id,
        to: userId,
        delivered: result.delivered,
        published: result.published,
        stored,
        mailboxes: result.stored.successes.map(r => r.mailbox.toString()),
        durable: result.durable
      }, !out
        ? `not sent to ${userId}: no peer and no mailbox took the message`
        : `sent ${result.id} to ${userId}: ${result.delivered ? 'delivered' : 'no receipt yet'}, stored at ${stored} mailbox${stored === 1 ? '' : 'es'}`)
    }
    return failed === 0 ? 0 : 2
  }

  /** The lines of stdin, each a message (`send <to> -`); an empty line is skipped */
  private async * stdinLines (): AsyncGenerator<string> {
    const lines = createInterface({ input: this.io.stdin, crlfDelay: Infinity })
    try {
      for await (const line of lines) {
        if (line === '') { continue }
        if (new TextEncoder().encode(line).length > MAX_STDIN_LINE_BYTES) {
          throw new UsageError(`a line of stdin is over ${MAX_STDIN_LINE_BYTES} bytes`)
        }
        yield line
      }
    } finally {
      lines.close()
    }
  }

  private printMessage (m: ReceivedMessage): void {
    this.print({ type: 'message', id: m.id, from: m.peer, text: m.text, sentAt: m.sentAt },
      `${new Date(m.sentAt).toISOString()} ${m.peer}: ${printable(m.text)}`)
  }

  private async sync (): Promise<number> {
    await this.online(async ({ messenger }) => {
      messenger.addEventListener('message', evt => { this.printMessage(evt.detail) })
      if (!(await messenger.start()).published) { this.warn('own device records not published') }
      const result = await messenger.sync()
      for (const failure of result.failed) { this.warn(`mailbox ${failure.peer} not reached: ${describeError(failure.error)}`) }
      if (result.reached.length === 0) {
        throw new BootstrapError('no mailbox reached')
      }
      this.print({ type: 'sync', messages: result.messages.length, envelopes: result.envelopes, reached: result.reached.length, failed: result.failed.length, missing: result.missing },
        `${result.messages.length} new message${result.messages.length === 1 ? '' : 's'} from ${result.reached.length} mailbox${result.reached.length === 1 ? '' : 'es'}` +
        (result.missing > 0 ? `; ${result.missing} known missing` : ''))
    })
    return 0
  }

  private async listen (): Promise<number> {
    const { waitForTopicPeers } = await import('./libp2p.ts')
    const stopped = this.io.stopSignal()
    await this.online(async ({ node, messenger }) => {
      messenger.addEventListener('message', evt => { this.printMessage(evt.detail) })
      messenger.addEventListener('receipt', evt => {
        this.print({ type: 'receipt', id: evt.detail.id, from: evt.detail.from }, `delivered ${evt.detail.id} to ${evt.detail.from}`)
      })
      if (this.line.watch.length > 0) {
        messenger.addEventListener('envelope', evt => {
          const e = evt.detail
          this.print({ type: 'envelope', topic: e.topic, id: e.id, bytes: e.bytes, decrypted: e.decrypted },
            `envelope ${e.id.slice(0, 16)} on ${e.topic}, ${e.bytes} bytes${e.decrypted ? ', for this device' : ''}`)
        })
      }

      node.addEventListener('peer:disconnect', evt => { this.debug(`disconnected from ${evt.detail.toString()}`) })
      node.addEventListener('peer:connect', evt => { this.debug(`connected to ${evt.detail.toString()}`) })
      if (!(await messenger.start()).published) { this.warn('own device records not published') }
      const topics = [inboxTopic(messenger.identity.device.signing.publicKey)]
      for (const userId of this.line.watch) {
        const list = await messenger.fetchDeviceList(userId)
        if (list == null) { throw new ContactNotFoundError(`no device list found for ${userId}: is it online, or has it ever been?`) }
        for (const device of list.devices) {
          const topic = inboxTopic(device.signingKey)
          messenger.watchTopic(topic)
          topics.push(topic)
        }
      }
      for (const topic of new Set(topics)) {
        if (!await waitForTopicPeers(node, topic, TOPIC_READY_TIMEOUT)) { this.warn(`no mesh peer on ${topic} yet`) }
      }

      // what came while this device was offline, then live (the messenger fetches again every few minutes)
      const synced = await messenger.sync()
      for (const failure of synced.failed) { this.warn(`mailbox ${failure.peer} not reached: ${describeError(failure.error)}`) }
      this.print({ type: 'ready', userId: messenger.userId, peerId: node.peerId.toString(), synced: synced.messages.length }, `listening as ${messenger.userId} (Ctrl-C to stop)`)
      await stopped
    })
    return 0
  }

  private async history (): Promise<number> {
    const messages: StoredMessage[] = await this.offline(async messenger => messenger.history(this.line.args[0]))
    for (const m of messages) {
      this.print({ type: 'history', id: m.id, peer: m.peer, direction: m.direction, text: m.text, sentAt: m.sentAt, state: m.state },
        `${new Date(m.sentAt).toISOString()} ${m.direction === 'in' ? '<' : '>'} ${printable(m.text)}${m.state == null ? '' : ` [${m.state}]`}`)
    }
    return 0
  }

  private async backupExport (): Promise<number> {
    const file = this.line.args[0]
    const identity = await this.offline(async messenger => messenger.identity)
    const passphrase = await this.readSecret(BACKUP_PASSPHRASE_ENV, 'backup passphrase')
    const bytes = await exportBackup(identity, passphrase)
    // never overwrite: the file there may be the only other copy of a key
    await writeFile(file, bytes, { flag: 'wx', mode: 0o600 })
    this.print({ type: 'backup', file, userId: identity.userId }, `backup of ${identity.userId} written to ${file}`)
    return 0
  }

  private async backupImport (): Promise<number> {
    const file = this.line.args[0]
    const bytes = await readInputFile(file)
    await this.refuseExistingIdentity()
    const passphrase = await this.readSecret(BACKUP_PASSPHRASE_ENV, 'backup passphrase')
    const identity = await importBackup(bytes, passphrase)
    await this.storeNewIdentity(identity)
    this.print({ type: 'identity', userId: identity.userId, name: identity.name }, identity.userId)
    return 0
  }

  /** A secret from the environment, else the first line of stdin (prompted on a terminal) */
  private async readSecret (envName: string, what: string): Promise<string> {
    const fromEnv = this.env[envName]
    if (fromEnv != null && fromEnv !== '') { return fromEnv }
    let secret: string
    if (this.io.stdin.isTTY === true) {
      const rl = createInterface({ input: this.io.stdin, output: this.io.stderr as NodeJS.WritableStream, terminal: true })
      try {
        secret = await rl.question(`${what}: `)
      } finally {
        rl.close()
      }
    } else {
      secret = await firstLine(this.io.stdin)
    }
    if (secret === '') {
      throw new UsageError(`no ${what}: set ${envName} or give it on stdin`)
    }
    return secret
  }
}

async function readInputFile (file: string): Promise<Uint8Array> {
  const info = await stat(file)
  if (info.size > MAX_INPUT_FILE_BYTES) {
    throw new RangeError(`${file} is over ${MAX_INPUT_FILE_BYTES} bytes`)
  }
  return readFile(file)
}

/** The first line of a stream (up to 64 KiB), without its line ending */
async function firstLine (stream: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of stream) {
    text += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk)
    if (text.includes('\n') || text.length > 65536) { break }
  }
  return text.split(/\r?\n/)[0]
}
