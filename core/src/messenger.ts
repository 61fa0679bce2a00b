/**
 * The public API of Hypha: a Messenger sends and receives end-to-end
 * encrypted 1:1 messages over a libp2p mesh (PROTOCOL.md "Mesh").
 *
 * One pipeline for every incoming envelope: inbox topic -> dedupe by envelope
 * id -> session manager (unseal, ratchet decrypt) -> content -> store ->
 * `message` event, and an encrypted delivery receipt back to the sender.
 */

import { sha256 } from '@noble/hashes/sha2.js'
import { TypedEventEmitter } from 'main-event'
import { fromString } from 'uint8arrays/from-string'
import { verifyBundle, decodeBundle, createBundle, encodeBundle } from './crypto/prekeys.ts'
import { systemRandom } from './crypto/random.ts'
import { SessionManager } from './crypto/sessions.ts'
import { ContactNotFoundError, MalformedMessageError, MessageTooLargeError, NoIdentityError } from './errors.ts'
import { decodeSignedDeviceList, encodeSignedDeviceList, verifyDeviceList } from './identity/device.ts'
import { parseUserId } from './identity/did.ts'
import { localDevice, prekeyStore } from './identity/identity.ts'
import {
  CHANNEL_POST_TYPE, DEPOSIT_RETRY_DELAY, GROUP_MESSAGE_TYPE, INBOX_TOPIC_PREFIX, KEY_PACKAGE_TYPE, MAILBOX_LIST_CACHE_TTL, MAX_DEPOSIT_ATTEMPTS, MAILBOX_MAX_PAGE_SIZE, MAILBOX_SYNC_INTERVAL, MAILBOXES_PER_DEVICE, MAX_CACHED_MAILBOX_LISTS, MAX_ENVELOPE_BYTES,
  MAX_MAILBOXES_PER_LIST, MAX_RECEIPT_IDS, MAX_RECEIVE_QUEUE, MAX_SEEN_ENVELOPES, MAX_SYNC_ENTRIES_PER_MAILBOX, MIN_STORED_RECEIPTS, PUBLISH_TIMEOUT,
  RECEIPT_DELAY, RECEIPT_MAX_DELAY, RECORD_REPUBLISH_INTERVAL
} from './protocol/constants.ts'
import { Content } from './protocol/pb/content.ts'
import { DeviceList } from './protocol/pb/identity.ts'
import { mailboxTag } from './services/mailbox/auth.ts'
import { inboxEnvelopeValidator, PublishPacer } from './services/mesh-options.ts'
import { bundleKey, createMailboxList, decodeMailboxList, deviceListKey, encodeMailboxList, mailboxListKey, verifyMailboxList } from './services/records/index.ts'
import { DEFAULT_TTL, rendezvousNamespace } from './services/rendezvous/index.ts'
import { MessengerStore } from './store/messenger-store.ts'
import { hex, own } from './utils/bytes.ts'
import { orderedMerge } from './utils/ordered-merge.ts'
import type { RandomSource } from './crypto/random.ts'
import type { GroupEngine, GroupHost } from './groups/engine.ts'
import type { ChannelInfo, GroupInfo, GroupMessage, GroupRejection, GroupSendResult } from './groups/types.ts'
import type { VerifiedDeviceList } from './identity/device.ts'
import type { LocalIdentity } from './identity/identity.ts'
import type { MailboxClient, MailboxPageEntry, MailboxReceipt } from './services/mailbox/index.ts'
import type { InboxValidator } from './services/mesh-options.ts'
import type { AtRest } from './store/at-rest.ts'
import type { Contact, StoredMessage } from './store/messenger-store.ts'
import type { PeerId } from '@libp2p/interface'
import type { AbstractLevel } from 'abstract-level'

/** What the Messenger needs of a libp2p node: its DHT and its gossipsub */
export interface MessengerMesh {
  dht: {
    put(key: Uint8Array, value: Uint8Array, options?: { signal?: AbortSignal }): AsyncIterable<{ name: string }>
    get(key: Uint8Array, options?: { signal?: AbortSignal }): AsyncIterable<{ name: string, value?: Uint8Array }>
  }
  pubsub: {
    subscribe(topic: string): void
    unsubscribe(topic: string): void
    publish(topic: string, data: Uint8Array): Promise<unknown>
    addEventListener(type: 'message', listener: (evt: CustomEvent<{ topic: string, data: Uint8Array }>) => void): void
    removeEventListener(type: 'message', listener: (evt: CustomEvent<{ topic: string, data: Uint8Array }>) => void): void
    /** gossipsub's validators: inbox envelopes that do not parse are rejected (and score against the sender) */
    topicValidators?: Map<string, (peer: any, message: any) => any>
    /** gossipsub's subscriber lists: the inbox validator gives relays (subscribed to every bucket) their higher rate */
    getSubscribers?(topic: string): Iterable<{ toString(): string }>
  }
}

/**
 * Optional: rendezvous presence. A device registers under
 * `rendezvousNamespace(userId)` at its rendezvous points (bootstrap nodes)
 * and looks its contacts up there to connect to them directly (over a relay,
 * then WebRTC), so gossip between them needs no third node.
 */
export interface MessengerPresence {
  register(namespace: string): Promise<void>
  discover(namespace: string): Promise<Array<{ peerId: string, multiaddrs: string[] }>>
  connect(peerId: string, multiaddrs: string[]): Promise<void>
}

/**
 * Optional: offline mailboxes (PROTOCOL.md "Mailboxes"). The device picks
 * mailbox nodes among `candidates`, publishes them as its mailbox list, and
 * fetches from them (`sync`); a send deposits each envelope at the
 * recipient device's mailboxes as well as publishing it.
 */
export interface MessengerMailboxes {
  client: MailboxClient
  /** Connected nodes that run the mailbox service, best first */
  candidates(): PeerId[] | Promise<PeerId[]>
  /** A PeerId from its multihash bytes (as mailbox lists hold them) */
  peerId(bytes: Uint8Array): PeerId
}

export interface MessengerInit {
  /** The device's database; the identity is stored in it */
  db: AbstractLevel<any, any, any>
  mesh: MessengerMesh
  /** Logger for diagnostics (never given keys or plaintext) */
  log?(message: string): void
  random?: RandomSource
  /** Rendezvous presence, for direct connections to contacts */
  presence?: MessengerPresence
  /** Seals the identity and sessions in `db` (see `atRestCipher`); the same as when the identity was saved */
  atRest?: AtRest
  /** Offline mailboxes, for store-and-forward to and from offline devices */
  mailboxes?: MessengerMailboxes
  /** Receipt batching (defaults RECEIPT_DELAY, RECEIPT_MAX_DELAY, MAX_RECEIPT_IDS; maxIds at most MAX_RECEIPT_IDS) */
  receipts?: { delay?: number, maxDelay?: number, maxIds?: number }
}

export interface ReceivedMessage extends StoredMessage {
  direction: 'in'
}

export interface MessengerEvents {
  /** A new text message from a contact (or a stranger: see `from`) */
  message: CustomEvent<ReceivedMessage>
  /** A delivery receipt for a message this device sent */
  receipt: CustomEvent<{ id: string, from: string }>
  /** Every envelope seen on a watched or own inbox topic, decrypted or not */
  envelope: CustomEvent<{ topic: string, id: string, bytes: number, decrypted: boolean }>
  /** A new message in a group, or a post in a channel (see `kind`) */
  'group-message': CustomEvent<GroupMessage>
  /** Joined a group, or its members changed (removed from it: `member` is false) */
  group: CustomEvent<GroupInfo>
  /** Joined a channel, its key rotated, or (owner) its readers changed */
  channel: CustomEvent<ChannelInfo>
  /** A group operation or message, or a channel post, that was refused (forged, not allowed, from a removed member) */
  'group-rejected': CustomEvent<GroupRejection>
}

interface PendingReceipt {
  userId: string
  signingKey: Uint8Array
  ids: Uint8Array[]
  /** When the first id was queued (ms) */
  since: number
  timer?: ReturnType<typeof setTimeout>
}

export interface SendResult {
  id: string
  /** Devices of the recipient the message was encrypted for */
  devices: number
  /** Publishes that reached at least one peer */
  published: number
  /** Mailbox deposits, every device together: verified storage receipts, and the refusals or failures */
  stored: { successes: MailboxReceipt[], failures: Array<{ peer: string, error: Error }> }
  /** True when every device's envelope has at least MIN_STORED_RECEIPTS receipts */
  durable: boolean
}

export interface SyncResult {
  /** Mailboxes that answered, and those that did not (with why) */
  reached: string[]
  failed: Array<{ peer: string, error: Error }>
  /** Distinct envelopes fetched, and the new messages among them (also emitted as `message` events) */
  envelopes: number
  messages: ReceivedMessage[]
  /** Messages still known missing after asking every mailbox again (ratchet gaps) */
  missing: number
  /** New group messages and channel posts fetched from the group and channel inboxes */
  groupMessages: GroupMessage[]
}

/**
 * Deposit failures worth another attempt (a mailbox stores an envelope once,
 * however often it comes): a rate limit, or a stream or connection that
 * closed under the deposit (UnexpectedEOFError: the node died before it answered)
 */
const RETRIED_DEPOSIT_ERRORS = new Set(['RateLimitedError', 'StreamStateError', 'StreamResetError', 'StreamClosedError', 'ConnectionClosedError', 'ConnectionClosingError', 'MuxerClosedError', 'UnexpectedEOFError'])
/**
 * A mailbox node that could not be dialed (restarting: its socket refuses or
 * resets; libp2p throws the transport's error, or an AggregateError when every
 * address failed) is tried again only while the envelope has fewer than
 * MIN_STORED_RECEIPTS receipts: a node that is gone for good must not slow
 * every send down when the others took it
 */
const RETRIED_DIAL_ERRORS = new Set(['DialError', 'AggregateError'])
const RETRIED_DIAL_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE'])

/** The gossipsub topic of the inbox bucket of a device (inbox key = its signing key) */
export function inboxTopic (signingKey: Uint8Array): string {
  return INBOX_TOPIC_PREFIX + hex(sha256(signingKey).subarray(0, 1))
}

/** Content-addressed envelope id, the same as the gossipsub message id */
export function envelopeId (envelope: Uint8Array): string {
  return hex(sha256(envelope))
}

export class Messenger extends TypedEventEmitter<MessengerEvents> {
  readonly identity: LocalIdentity
  private readonly store: MessengerStore
  private readonly mesh: MessengerMesh
  private sessions: SessionManager
  private readonly log: (message: string) => void
  private readonly random: RandomSource
  private readonly presence?: MessengerPresence
  private reregister?: ReturnType<typeof setInterval>
  private readonly seen = new Set<string>()
  private readonly topics = new Set<string>()
  /** One validator for every watched topic: its rate per neighbour counts them all together */
  private inboxValidator?: InboxValidator
  /** Own publishes paced under what neighbours accept (INBOX_SEND_RATE) */
  private readonly pacer = new PublishPacer()
  private republish?: ReturnType<typeof setInterval>
  /** The last durable write; writes are chained so a newer session state is never overwritten by an older one */
  private saving: Promise<unknown> = Promise.resolve()
  /** Delivery receipts waiting to go back, by sender device (hex signing key) */
  private readonly pendingReceipts = new Map<string, PendingReceipt>()
  private readonly receiptPolicy: { delay: number, maxDelay: number, maxIds: number }
  private readonly mailboxes?: MessengerMailboxes
  /** This device's mailbox nodes, as published */
  private ownMailboxes: PeerId[] = []
  /** Contact devices' mailbox lists (hex signing key -> peers), fetched from the DHT */
  private readonly mailboxLists = new Map<string, { peers: PeerId[], fetchedAt: number }>()
  private syncTimer?: ReturnType<typeof setInterval>
  private syncing?: Promise<SyncResult>
  private lastStoreTime = 0
  /** The receive pipeline's tail, and how many envelopes wait in it */
  private receiving: Promise<void> = Promise.resolve()
  private queued = 0
  /** Groups and channels: loaded on first use (a tab without groups never downloads it) */
  private groupEngine?: GroupEngine
  private loadingEngine?: Promise<GroupEngine>
  private started = false
  private readonly onMessage = (evt: CustomEvent<{ topic: string, data: Uint8Array }>): void => {
    if (!this.topics.has(evt.detail.topic)) { return }
    this.receive(evt.detail.topic, evt.detail.data).catch(err => { this.log(`receive failed: ${err.name}: ${err.message}`) })
  }

  private constructor (identity: LocalIdentity, store: MessengerStore, sessions: SessionManager, init: MessengerInit) {
    super()
    this.identity = identity
    this.store = store
    this.sessions = sessions
    this.mesh = init.mesh
    this.log = init.log ?? (() => {})
    this.random = init.random ?? systemRandom
    this.presence = init.presence
    this.mailboxes = init.mailboxes
    this.receiptPolicy = {
      delay: init.receipts?.delay ?? RECEIPT_DELAY,
      maxDelay: init.receipts?.maxDelay ?? RECEIPT_MAX_DELAY,
      maxIds: Math.min(Math.max(1, init.receipts?.maxIds ?? MAX_RECEIPT_IDS), MAX_RECEIPT_IDS)
    }
  }

  private groupHost (): GroupHost {
    const messenger = this
    const identity = this.identity
    const store = this.store
    return {
      userId: identity.userId,
      device: identity.device.signing,
      random: this.random,
      store,
      ownDevices: () => DeviceList.decode(identity.deviceList.list).devices.map(d => d.signingKey),
      log: message => { this.log(message) },
      watchTopic: topic => { this.watchTopic(topic) },
      publish: async (topic, envelope) => this.publish(topic, envelope),
      deposit: async (peers, inbox, envelope) => {
        const mailboxes = this.mailboxes
        if (mailboxes == null || peers.length === 0) { return { successes: [], failures: [] } }
        return this.depositAt(peers.map(p => mailboxes.peerId(p)), mailboxTag(inbox), envelope)
      },
      fetchPage: async (peer, signer, cursor) => {
        if (this.mailboxes == null) { return { entries: [], more: false } }
        return this.mailboxes.client.fetch(this.mailboxes.peerId(peer), signer, { cursor })
      },
      receive: async (topic, envelope) => this.receive(topic, envelope),
      encryptFor: async (userId, signingKey, plaintext) => this.encryptFor(userId, signingKey, plaintext),
      decryptDirect: async envelope => {
        const decrypted = await this.sessions.decrypt(envelope)
        await this.commit()
        return decrypted
      },
      commitSessions: async () => { await this.commit() },
      sendDirect: async (userId, devices, content) => this.sendDirect(userId, devices, content),
      devicesOf: async userId => {
        const list = await this.fetchDeviceList(userId)
        if (list == null) { throw new ContactNotFoundError(`no device list found for ${userId}`) }
        return list.devices.map(d => d.signingKey)
      },
      resolveUserId: async nameOrId => {
        try {
          return parseUserId(nameOrId).userId
        } catch {
          return (await this.resolve(nameOrId)).userId
        }
      },
      ownMailboxes: () => this.ownMailboxes.map(p => p.toMultihash().bytes),
      storeTime: () => this.storeTime(),
      dispatch (type: any, detail: any) { messenger.safeDispatch(type, detail) }
    }
  }

  /** The group engine, loaded (and its groups' topics joined) on first use */
  private async engine (): Promise<GroupEngine> {
    this.loadingEngine ??= (async () => {
      const { GroupEngine } = await import('./groups/engine.ts')
      const engine = new GroupEngine(this.groupHost())
      // an offline messenger (never started) reads its groups without joining their topics
      await engine.start(this.started)
      this.groupEngine = engine
      return engine
    })()
    return this.loadingEngine
  }

  /** Opens the messenger of the identity stored in `db` (see `MessengerStore.saveIdentity`) */
  static async open (init: MessengerInit): Promise<Messenger> {
    const store = new MessengerStore(init.db, { atRest: init.atRest })
    const identity = await store.loadIdentity()
    if (identity == null) { throw new NoIdentityError('no identity in this database: create one first') }
    const record = await store.loadSessions()
    const options = { random: init.random }
    const sessions = record == null
      ? new SessionManager(localDevice(identity), prekeyStore(identity), options)
      : SessionManager.fromRecord(localDevice(identity), prekeyStore(identity), record, options)
    return new Messenger(identity, store, sessions, init)
  }

  get userId (): string {
    return this.identity.userId
  }

  /** Joins this device's inbox topic and publishes its device list and bundle */
  async start (): Promise<{ published: boolean }> {
    // a second start (say after coming back online) starts nothing twice
    this.stopTimers()
    this.mesh.pubsub.removeEventListener('message', this.onMessage)
    this.mesh.pubsub.addEventListener('message', this.onMessage)
    this.watchTopic(inboxTopic(this.identity.device.signing.publicKey))
    this.started = true
    if (this.loadingEngine != null || await this.store.hasGroups()) {
      // (again, when it was loaded while offline: its topics are joined now)
      await (await this.engine()).start()
    }
    const published = await this.publishRecords()
    this.republish = setInterval(() => { this.publishRecords().catch(() => {}) }, RECORD_REPUBLISH_INTERVAL)
    if (this.mailboxes != null) {
      await this.publishMailboxes().catch(err => { this.log(`mailbox list not published: ${err.name}: ${err.message}`) })
      this.syncTimer = setInterval(() => { this.sync().catch(err => { this.log(`mailbox sync failed: ${err.name}`) }) }, MAILBOX_SYNC_INTERVAL)
    }
    if (this.presence != null) {
      await this.announce()
      // registrations live DEFAULT_TTL; renew at half of it
      this.reregister = setInterval(() => { void this.announce() }, DEFAULT_TTL * 1000 / 2)
    }
    // receipts a crash cut off (their messages are stored, their mailbox copies no longer decrypt)
    for (const owed of await this.store.owedReceipts()) {
      this.queueReceipt(owed.userId, fromString(owed.device, 'base16'), fromString(owed.id, 'base16'))
    }
    // messages a crash cut off between storing and sending: in the background, start does not wait for the network
    this.resendOutbox().catch(err => { this.log(`outbox not sent: ${err.name}`) })
    return { published }
  }

  /**
   * Stops listening. The topics stay subscribed unless `leaveTopics`: when the
   * libp2p node stops next, its connections close without a gossipsub PRUNE,
   * whereas leaving a topic makes its mesh peers hold this peer off it for a
   * while, which would delay the next run of a short-lived peer (the CLI).
   */
  async stop (options: { leaveTopics?: boolean } = {}): Promise<void> {
    this.stopTimers()
    await this.syncing?.catch(() => {})
    this.mesh.pubsub.removeEventListener('message', this.onMessage)
    for (const topic of this.topics) {
      if (options.leaveTopics === true) {
        this.mesh.pubsub.unsubscribe(topic)
      }
      this.mesh.pubsub.topicValidators?.delete(topic)
    }
    this.topics.clear()
    await this.receiving
    await Promise.all([...this.pendingReceipts.keys()].map(async device => this.flushReceipt(device)))
    await this.saving
  }

  private stopTimers (): void {
    clearInterval(this.republish)
    clearInterval(this.reregister)
    clearInterval(this.syncTimer)
  }

  /** Subscribes to a topic; its envelopes go through the same pipeline (and `envelope` events) */
  watchTopic (topic: string): void {
    if (this.topics.has(topic)) { return }
    this.topics.add(topic)
    const pubsub = this.mesh.pubsub
    this.inboxValidator ??= inboxEnvelopeValidator({
      onReject: (err, on) => { this.log(`rejected an envelope on ${on}: ${err.name}`) },
      subscribers: pubsub.getSubscribers == null ? undefined : on => pubsub.getSubscribers?.(on) ?? []
    })
    pubsub.topicValidators?.set(topic, this.inboxValidator)
    this.mesh.pubsub.subscribe(topic)
  }

  /** Puts the device list and a bundle (without one-time prekeys: a DHT record is shared by all fetchers) */
  async publishRecords (): Promise<boolean> {
    const bundle = createBundle(this.identity.userId, this.identity.device, this.identity.signedPrekeys[this.identity.signedPrekeys.length - 1], this.identity.kemPrekeys[this.identity.kemPrekeys.length - 1])
    const results = await Promise.all([
      this.put(deviceListKey(this.identity.userId), encodeSignedDeviceList(this.identity.deviceList)),
      this.put(bundleKey(this.identity.userId, this.identity.device.signing.publicKey), encodeBundle(bundle))
    ])
    return results.every(Boolean)
  }

  private async put (key: Uint8Array, value: Uint8Array): Promise<boolean> {
    let stored = false
    for await (const event of this.mesh.dht.put(key, value)) {
      if (event.name === 'PEER_RESPONSE') { stored = true }
    }
    return stored
  }

  /** The newest valid record the DHT has under `key`, by `pick` (which verifies) */
  private async fetch<T> (key: Uint8Array, check: (value: Uint8Array) => Promise<T>, better: (a: T, b: T) => boolean): Promise<T | undefined> {
    let best: T | undefined
    for await (const event of this.mesh.dht.get(key)) {
      if (event.name !== 'VALUE' || event.value == null) { continue }
      try {
        const candidate = await check(event.value)
        if (best == null || better(candidate, best)) { best = candidate }
      } catch (err: any) {
        this.log(`dropped an invalid DHT record: ${err.name}`)
      }
    }
    return best
  }

  async fetchDeviceList (userId: string): Promise<VerifiedDeviceList | undefined> {
    parseUserId(userId)
    return this.fetch(deviceListKey(userId), async value => verifyDeviceList(decodeSignedDeviceList(value), userId), (a, b) => a.version > b.version)
  }

  /** Adds (or refreshes) a contact by user id alone: its device list comes from the DHT */
  async addContact (userId: string, alias?: string): Promise<Contact> {
    const list = await this.fetchDeviceList(userId)
    if (list == null) { throw new ContactNotFoundError(`no device list found for ${userId}: is it online, or has it ever been?`) }
    const previous = await this.store.contact(userId)
    const contact: Contact = {
      userId,
      alias: alias ?? previous?.alias,
      devices: list.devices.map(d => hex(d.signingKey)),
      deviceListVersion: list.version,
      verified: previous?.verified,
      addedAt: previous?.addedAt ?? Date.now()
    }
    await this.store.saveContact(contact)
    await this.connectTo(userId)
    return contact
  }

  private async announce (): Promise<void> {
    try {
      await this.presence?.register(rendezvousNamespace(this.identity.userId))
    } catch (err: any) {
      this.log(`rendezvous registration failed: ${err.name}`)
    }
  }

  /**
   * Best effort: finds a contact's current addresses at the rendezvous points
   * and connects to it directly. True when a connection was made.
   */
  async connectTo (userId: string): Promise<boolean> {
    if (this.presence == null) {
      return false
    }
    try {
      const found = await this.presence.discover(rendezvousNamespace(userId))
      for (const { peerId, multiaddrs } of found) {
        try {
          await this.presence.connect(peerId, multiaddrs)
          return true
        } catch (err: any) {
          this.log(`direct connection failed: ${err.name}`)
        }
      }
    } catch (err: any) {
      this.log(`rendezvous discovery failed: ${err.name}`)
    }
    return false
  }

  /** Renames a contact (an alias is local, never sent) or marks it verified (after comparing safety numbers) */
  async updateContact (userId: string, change: { alias?: string, verified?: boolean }): Promise<Contact> {
    const contact = await this.store.contact(userId)
    if (contact == null) { throw new ContactNotFoundError(`no contact ${JSON.stringify(userId)}`) }
    const updated: Contact = {
      ...contact,
      ...(change.alias !== undefined ? { alias: change.alias === '' ? undefined : change.alias } : {}),
      ...(change.verified !== undefined ? { verified: change.verified } : {})
    }
    await this.store.saveContact(updated)
    return updated
  }

  async contacts (): Promise<Contact[]> {
    return this.store.contacts()
  }

  /** A contact by user id or alias */
  async resolve (nameOrId: string): Promise<Contact> {
    const byId = await this.store.contact(nameOrId)
    if (byId != null) { return byId }
    const byAlias = (await this.store.contacts()).find(c => c.alias === nameOrId)
    if (byAlias == null) { throw new ContactNotFoundError(`no contact ${JSON.stringify(nameOrId)}: add it with its user id first`) }
    return byAlias
  }

  /** A contact by user id; undefined when there is none */
  async contact (userId: string): Promise<Contact | undefined> {
    return this.store.contact(userId)
  }

  /** The conversation with anyone by user id, or with a contact by alias */
  async history (nameOrId: string): Promise<StoredMessage[]> {
    let userId: string
    try {
      // a user id needs no contact lookup (and an alias scan of every contact)
      userId = parseUserId(nameOrId).userId
    } catch {
      userId = (await this.resolve(nameOrId)).userId
    }
    return this.store.history(userId)
  }

  /**
   * Sends 1:1 content that is not a text message (a group invitation, a
   * sender key, a channel key) to every given device of a user: live on
   * their inbox topics and at their mailboxes. No delivery receipt.
   */
  private async sendDirect (userId: string, devices: Uint8Array[], fields: { group?: Uint8Array, channel?: Uint8Array }): Promise<void> {
    const plaintext = Content.encode({ id: own(this.random(16)), sentAt: BigInt(Date.now()), receiptFor: [], group: fields.group == null ? undefined : own(fields.group), channel: fields.channel == null ? undefined : own(fields.channel) })
    if (plaintext.length > MAX_ENVELOPE_BYTES) { throw new MessageTooLargeError('group control message too large') }
    await this.sendToDevices(userId, devices.filter(d => hex(d) !== hex(this.identity.device.signing.publicKey)), plaintext)
  }

  /**
   * Encrypts `plaintext` for each device; makes the session states (and
   * `message`) durable in one write before anything goes out; then publishes
   * each envelope on its device's inbox topic and, at once, deposits it at
   * that device's mailboxes.
   */
  private async sendToDevices (userId: string, devices: Uint8Array[], plaintext: Uint8Array, message?: StoredMessage): Promise<{ publishes: boolean[], deposits: Array<SendResult['stored']> }> {
    const envelopes = await Promise.all(devices.map(async signingKey => ({ signingKey, envelope: await this.encryptFor(userId, signingKey, plaintext) })))
    await this.commit(message)
    const [publishes, deposits] = await Promise.all([
      Promise.all(envelopes.map(async ({ signingKey, envelope }) => this.publish(inboxTopic(signingKey), envelope))),
      Promise.all(envelopes.map(async ({ signingKey, envelope }) => this.deposit(userId, signingKey, envelope)))
    ])
    return { publishes, deposits }
  }

  /** Creates a group named `name` with this user as admin, and invites `members` (user ids or contact aliases) */
  async createGroup (name: string, members: string[] = []): Promise<GroupInfo> {
    return (await this.engine()).createGroup(name, members)
  }

  /** Adds members (admins only): each gets the log and the current sender keys, not the history */
  async addToGroup (group: string, members: string[]): Promise<GroupInfo> {
    return (await this.engine()).addToGroup(group, members)
  }

  /** Removes a member (admins only); every remaining member rotates its sender key */
  async removeFromGroup (group: string, member: string): Promise<GroupInfo> {
    return (await this.engine()).removeFromGroup(group, member)
  }

  /** Makes a member an admin (admins only) */
  async promoteInGroup (group: string, member: string): Promise<GroupInfo> {
    return (await this.engine()).promoteInGroup(group, member)
  }

  async leaveGroup (group: string): Promise<void> {
    await (await this.engine()).leaveGroup(group)
  }

  /** One sender-key encryption and one publish, whatever the group's size; deposited at the group's mailboxes */
  async sendToGroup (group: string, text: string): Promise<GroupSendResult> {
    return (await this.engine()).sendToGroup(group, text)
  }

  async groups (): Promise<GroupInfo[]> {
    // a device without groups does not load the group code for the list
    if (this.groupEngine == null && !(await this.store.hasGroups())) { return [] }
    return (await this.engine()).groupList()
  }

  /** A group by id or name (GroupNotFoundError) */
  async group (nameOrId: string): Promise<GroupInfo> {
    return (await this.engine()).group(nameOrId)
  }

  async groupHistory (nameOrId: string): Promise<GroupMessage[]> {
    return (await this.engine()).groupHistory(nameOrId)
  }

  /** Creates a channel this user posts to; share `invite` with its readers */
  async createChannel (name: string): Promise<ChannelInfo> {
    return (await this.engine()).createChannel(name)
  }

  /** Joins a channel from its invite link (InvalidInviteError) */
  async joinChannel (invite: string): Promise<ChannelInfo> {
    return (await this.engine()).joinChannel(invite)
  }

  async postToChannel (channel: string, text: string): Promise<GroupSendResult> {
    return (await this.engine()).postToChannel(channel, text)
  }

  /** Rotates the channel key and sends it to every known reader but `reader` (owner only) */
  async removeFromChannel (channel: string, reader: string): Promise<ChannelInfo> {
    return (await this.engine()).removeFromChannel(channel, reader)
  }

  async channels (): Promise<ChannelInfo[]> {
    if (this.groupEngine == null && !(await this.store.hasGroups())) { return [] }
    return (await this.engine()).channelList()
  }

  async channel (nameOrId: string): Promise<ChannelInfo> {
    return (await this.engine()).channel(nameOrId)
  }

  async channelHistory (nameOrId: string): Promise<GroupMessage[]> {
    return (await this.engine()).channelHistory(nameOrId)
  }

  /** Encrypts `text` for every device of a contact and publishes it on their inbox topics */
  async send (nameOrId: string, text: string): Promise<SendResult> {
    const contact = await this.resolve(nameOrId)
    const sentAt = this.storeTime()
    return this.deliver(contact, { id: hex(this.random(16)), peer: contact.userId, direction: 'out', text, sentAt, storedAt: sentAt, state: 'sending' }, true)
  }

  /**
   * Encrypts a message for every device of `contact` and sends it, live and to
   * the mailboxes. A new message (`store`) is durable, with the session states
   * that encrypted it, before it goes out; one from the outbox is stored already.
   */
  private async deliver (contact: Contact, message: StoredMessage, store: boolean): Promise<SendResult> {
    const plaintext = Content.encode({ id: own(fromString(message.id, 'base16')), sentAt: BigInt(message.sentAt), text: message.text, receiptFor: [] })
    if (plaintext.length > MAX_ENVELOPE_BYTES) { throw new MessageTooLargeError('message too large') }
    const { publishes, deposits } = await this.sendToDevices(contact.userId, contact.devices.map(device => fromString(device, 'base16')), plaintext, store ? message : undefined)
    const published = publishes.filter(Boolean).length
    const stored: SendResult['stored'] = { successes: deposits.flatMap(d => d.successes), failures: deposits.flatMap(d => d.failures) }
    const durable = deposits.every(d => d.successes.length >= MIN_STORED_RECEIPTS)
    if (published > 0 || stored.successes.length > 0) {
      await this.store.setState(message.id, durable ? 'stored' : 'sent', this.mailboxes == null ? undefined : stored.successes.length)
    }
    return { id: message.id, devices: contact.devices.length, published, stored, durable }
  }

  /**
   * Sends again what a crash (or having no peer at all) left "sending": same
   * id, same text, a fresh encryption; a receiver that got it before keeps
   * one copy (ids are unique) and acknowledges it again
   */
  private async resendOutbox (): Promise<void> {
    for (const message of await this.store.outbox()) {
      if (!this.started) { return }
      const contact = await this.store.contact(message.peer)
      if (contact == null) { continue }
      try {
        await this.deliver(contact, message, false)
      } catch (err: any) {
        this.log(`message ${message.id.slice(0, 12)} not sent again: ${err.name}`)
      }
    }
  }

  /** Deposits an envelope at a device's mailboxes; no mailboxes configured or found is zero successes */
  private async deposit (userId: string, signingKey: Uint8Array, envelope: Uint8Array): Promise<SendResult['stored']> {
    if (this.mailboxes == null) { return { successes: [], failures: [] } }
    try {
      const peers = await this.mailboxesOf(userId, signingKey)
      if (peers.length === 0) {
        return { successes: [], failures: [] }
      }
      return await this.depositAt(peers, mailboxTag(signingKey), envelope)
    } catch (err: any) {
      this.log(`deposit failed: ${err.name}: ${err.message}`)
      return { successes: [], failures: [{ peer: '', error: err }] }
    }
  }

  /** Deposits at these mailbox nodes under `tag`, retrying those that rate-limit this peer */
  private async depositAt (peers: PeerId[], tag: Uint8Array, envelope: Uint8Array): Promise<SendResult['stored']> {
    if (this.mailboxes == null) { return { successes: [], failures: [] } }
    try {
      const first = await this.mailboxes.client.depositAll(peers, tag, envelope)
      const successes = [...first.successes]
      const limited = (f: { error: Error & { code?: unknown } }): boolean => RETRIED_DEPOSIT_ERRORS.has(f.error.name) ||
        (successes.length < MIN_STORED_RECEIPTS && (RETRIED_DIAL_ERRORS.has(f.error.name) || RETRIED_DIAL_CODES.has(String(f.error.code))))
      let failures = first.failures
      // a mailbox that rate-limits this peer, whose stream closed under the deposit, or that is restarting, takes it a little later
      for (let attempt = 1; attempt < MAX_DEPOSIT_ATTEMPTS && failures.some(limited); attempt++) {
        await new Promise(resolve => setTimeout(resolve, DEPOSIT_RETRY_DELAY * attempt))
        const retry = failures.filter(limited)
        const retried = await this.mailboxes.client.depositAll(retry.map(f => f.peer), tag, envelope)
        successes.push(...retried.successes)
        failures = [...failures.filter(f => !retry.includes(f)), ...retried.failures]
      }
      for (const failure of failures) { this.log(`deposit at ${failure.peer.toString()} failed: ${failure.error.name}: ${failure.error.message}`) }
      return { successes, failures: failures.map(f => ({ peer: f.peer.toString(), error: f.error })) }
    } catch (err: any) {
      this.log(`deposit failed: ${err.name}: ${err.message}`)
      return { successes: [], failures: [{ peer: '', error: err }] }
    }
  }

  /** A contact device's mailboxes, from its signed mailbox list in the DHT (cached MAILBOX_LIST_CACHE_TTL) */
  private async mailboxesOf (userId: string, signingKey: Uint8Array): Promise<PeerId[]> {
    const mailboxes = this.mailboxes
    if (mailboxes == null) { return [] }
    const device = hex(signingKey)
    const cached = this.mailboxLists.get(device)
    if (cached != null && Date.now() - cached.fetchedAt < MAILBOX_LIST_CACHE_TTL) { return cached.peers }
    const list = await this.fetch(mailboxListKey(userId, signingKey), async value => verifyMailboxList(decodeMailboxList(value), { userId, signingKey }), (a, b) => a.version > b.version)
    const peers: PeerId[] = []
    for (const bytes of list?.mailboxes ?? []) {
      try {
        peers.push(mailboxes.peerId(bytes))
      } catch (err: any) {
        this.log(`a mailbox list names an invalid peer id: ${err.name}`)
      }
    }
    this.mailboxLists.delete(device)
    this.mailboxLists.set(device, { peers, fetchedAt: Date.now() })
    while (this.mailboxLists.size > MAX_CACHED_MAILBOX_LISTS) {
      this.mailboxLists.delete(this.mailboxLists.keys().next().value as string)
    }
    return peers
  }

  /**
   * Picks this device's mailboxes (those of its last list still reachable
   * first, then other connected mailbox nodes; MAILBOXES_PER_DEVICE of them)
   * and publishes them as its signed mailbox list. Resolves with the count.
   */
  async publishMailboxes (): Promise<number> {
    const mailboxes = this.mailboxes
    if (mailboxes == null) { return 0 }
    const candidates = await mailboxes.candidates()
    const previous = (await this.store.loadMailboxes()).map(b => hex(b))
    const ranked = [...candidates].sort((a, b) => rank(a) - rank(b))
    function rank (peer: PeerId): number {
      const i = previous.indexOf(hex(peer.toMultihash().bytes))
      return i === -1 ? previous.length : i
    }
    const chosen = ranked.slice(0, Math.min(MAILBOXES_PER_DEVICE, MAX_MAILBOXES_PER_LIST))
    if (chosen.length === 0) {
      this.log('no mailbox node connected: no mailbox list published')
      return 0
    }
    if (chosen.length < MAILBOXES_PER_DEVICE) {
      this.log(`only ${chosen.length} mailbox node(s) connected; ${MAILBOXES_PER_DEVICE} wanted`)
    }
    const signed = await createMailboxList(this.identity.device.signing, this.identity.userId, chosen)
    const stored = await this.put(mailboxListKey(this.identity.userId, this.identity.device.signing.publicKey), encodeMailboxList(signed))
    if (!stored) { this.log('mailbox list: no DHT peer took the record') }
    // keep the earlier ones too: envelopes deposited there before the change are fetched from them
    const kept = [...chosen.map(p => p.toMultihash().bytes), ...previous.map(h => fromString(h, 'base16'))]
    const unique = [...new Map(kept.map(b => [hex(b), b])).values()].slice(0, MAX_MAILBOXES_PER_LIST)
    await this.store.saveMailboxes(unique)
    this.ownMailboxes = chosen
    return chosen.length
  }

  /**
   * Fetches from every mailbox of this device (the current ones and those of
   * its last list), merges the pages into one deposit order, runs each
   * envelope through the receive pipeline once, asks every mailbox again when
   * the ratchet shows a gap, then acknowledges (deletes) what was processed.
   * Concurrent calls share one run.
   */
  async sync (): Promise<SyncResult> {
    this.syncing ??= this.runSync().finally(() => { this.syncing = undefined })
    return this.syncing
  }

  private async runSync (): Promise<SyncResult> {
    const mailboxes = this.mailboxes
    if (mailboxes == null) { return { reached: [], failed: [], envelopes: 0, messages: [], missing: 0, groupMessages: [] } }
    const peers = new Map<string, PeerId>()
    for (const peer of this.ownMailboxes) { peers.set(peer.toString(), peer) }
    for (const bytes of await this.store.loadMailboxes()) {
      try {
        const peer = mailboxes.peerId(bytes)
        peers.set(peer.toString(), peer)
      } catch {}
    }
    const messages: ReceivedMessage[] = []
    const collect = (evt: CustomEvent<ReceivedMessage>): void => { messages.push(evt.detail) }
    this.addEventListener('message', collect)
    const groupMessages: GroupMessage[] = []
    const collectGroup = (evt: CustomEvent<GroupMessage>): void => { groupMessages.push(evt.detail) }
    this.addEventListener('group-message', collectGroup)
    const processed = new Map<string, Uint8Array[]>()
    const reached = new Set<string>()
    const failed = new Map<string, Error>()
    const seenIds = new Set<string>()
    try {
      for (let round = 0; round < 2; round++) {
        const pages = await Promise.all([...peers].map(async ([name, peer]) => {
          try {
            const entries = await this.fetchAll(peer)
            reached.add(name)
            failed.delete(name)
            return { name, entries }
          } catch (err: any) {
            if (!reached.has(name)) { failed.set(name, err) }
            this.log(`fetch from mailbox ${name} failed: ${err.name}: ${err.message}`)
            return { name, entries: [] }
          }
        }))
        const merged = orderedMerge(pages.map(p => p.entries), e => hex(e.hash), e => e.storedAt)
        for (const entry of merged) {
          const id = hex(entry.hash)
          if (seenIds.has(id)) { continue }
          if (await this.receive(inboxTopic(this.identity.device.signing.publicKey), entry.envelope)) {
            seenIds.add(id)
          }
        }
        // only what went through the pipeline is acknowledged
        for (const page of pages) {
          processed.set(page.name, [...(processed.get(page.name) ?? []), ...page.entries.filter(e => seenIds.has(hex(e.hash))).map(e => e.hash)])
        }
        // a gap in a chain: a later message came, an earlier one did not; ask every mailbox again once
        if (this.missingCount() === 0) { break }
      }
      await this.saving
      // everything fetched went through the pipeline and is stored (or was not for this device): delete it
      await Promise.all([...processed].filter(([, hashes]) => hashes.length > 0).map(async ([name, hashes]) => {
        const peer = peers.get(name)
        if (peer == null) { return }
        try {
          for (let i = 0; i < hashes.length; i += MAILBOX_MAX_PAGE_SIZE) {
            await mailboxes.client.ack(peer, this.identity.device.signing, hashes.slice(i, i + MAILBOX_MAX_PAGE_SIZE))
          }
        } catch (err: any) {
          this.log(`ack at mailbox ${name} failed: ${err.name}: ${err.message}`)
        }
      }))
      // then the groups and channels (their sender keys came, if they did, with what was just processed)
      await this.groupEngine?.sync()
      await this.receiving
    } finally {
      this.removeEventListener('message', collect)
      this.removeEventListener('group-message', collectGroup)
    }
    return { reached: [...reached], failed: [...failed].map(([peer, error]) => ({ peer, error })), envelopes: seenIds.size, messages, missing: this.missingCount(), groupMessages }
  }

  /** Date.now(), but strictly increasing: history is ordered by it, and two messages of one millisecond keep their order */
  private storeTime (): number {
    this.lastStoreTime = Math.max(Date.now(), this.lastStoreTime + 1)
    return this.lastStoreTime
  }

  private missingCount (): number {
    return [...this.sessions.missing().values()].reduce((a, b) => a + b, 0)
  }

  /** Every page of this device's inbox at one mailbox, up to MAX_SYNC_ENTRIES_PER_MAILBOX */
  private async fetchAll (peer: PeerId): Promise<MailboxPageEntry[]> {
    const mailboxes = this.mailboxes
    if (mailboxes == null) { return [] }
    const entries: MailboxPageEntry[] = []
    let cursor: Uint8Array | undefined
    for (;;) {
      const page = await mailboxes.client.fetch(peer, this.identity.device.signing, { cursor })
      entries.push(...page.entries)
      cursor = page.cursor
      if (!page.more || page.entries.length === 0 || entries.length >= MAX_SYNC_ENTRIES_PER_MAILBOX) { return entries }
    }
  }

  private async encryptFor (userId: string, signingKey: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    if (this.sessions.session(signingKey) == null) {
      const list = await this.fetchDeviceList(userId)
      if (list == null) { throw new ContactNotFoundError(`no device list for ${userId}`) }
      const bundle = await this.fetch(bundleKey(userId, signingKey), async value => verifyBundle(decodeBundle(value), list), (a, b) => a.signedPrekey.id > b.signedPrekey.id)
      if (bundle == null) { throw new ContactNotFoundError(`no prekey bundle for a device of ${userId}`) }
      await this.sessions.initiate(bundle)
    }
    return this.sessions.encrypt(signingKey, plaintext)
  }

  /** Publishes, retrying while no peer is on the topic yet (a fresh node is still joining the mesh) */
  private async publish (topic: string, envelope: Uint8Array): Promise<boolean> {
    this.seen.add(envelopeId(envelope))
    await this.pacer.wait()
    const deadline = Date.now() + PUBLISH_TIMEOUT
    for (;;) {
      try {
        await this.mesh.pubsub.publish(topic, envelope)
        return true
      } catch (err: any) {
        if (Date.now() > deadline) {
          this.log(`publish failed: ${err.message}`)
          return false
        }
        await new Promise(resolve => setTimeout(resolve, 100))
      }
    }
  }

  /**
   * Writes the current session state (and a message) durably, after every
   * earlier write. True when the message was new.
   */
  private async commit (message?: StoredMessage): Promise<boolean> {
    const sessions = this.sessions.changes()
    const write = this.saving.then(async () => this.store.commit({ sessions, message }))
    this.saving = write.catch(() => {})
    return write
  }

  private remember (id: string): boolean {
    if (this.seen.has(id)) { return false }
    this.seen.add(id)
    if (this.seen.size > MAX_SEEN_ENVELOPES) { this.seen.delete(this.seen.values().next().value as string) }
    return true
  }

  /**
   * The one pipeline for envelopes, live or from mailboxes. Envelopes are
   * processed one at a time in arrival order, so messages are shown in the
   * order they came and a burst of prekey envelopes of one new session is
   * accepted once. At most MAX_RECEIVE_QUEUE wait; past that an envelope is
   * dropped (logged) before any work, and a mailbox still holds it. Resolves
   * with false for an envelope dropped so, true once it went through.
   */
  async receive (topic: string, envelope: Uint8Array): Promise<boolean> {
    if (this.queued >= MAX_RECEIVE_QUEUE) {
      this.log(`receive queue full (${MAX_RECEIVE_QUEUE}): envelope dropped`)
      return false
    }
    this.queued++
    const run = this.receiving.then(async () => this.process(topic, envelope))
    this.receiving = run.catch(() => {}).finally(() => { this.queued-- })
    await run
    return true
  }

  private async process (topic: string, envelope: Uint8Array): Promise<void> {
    const id = envelopeId(envelope)
    if (!this.remember(id)) { return }
    let decrypted = false
    try {
      if (envelope[0] === GROUP_MESSAGE_TYPE || envelope[0] === KEY_PACKAGE_TYPE || envelope[0] === CHANNEL_POST_TYPE) {
        // without groups or channels on this device, none is for it
        decrypted = this.groupEngine == null ? false : await this.groupEngine.receive(topic, envelope)
        return
      }
      const { plaintext, sender } = await this.sessions.decrypt(envelope)
      decrypted = true
      let content: Content
      try {
        content = Content.decode(plaintext)
      } catch {
        await this.commit()
        throw new MalformedMessageError('message content does not decode')
      }
      if (content.text == null) {
        await this.commit()
        if (content.group != null) { await (await this.engine()).control(sender, content.group) }
        if (content.channel != null) { await (await this.engine()).channelControl(sender, content.channel) }
      } else {
        const message: ReceivedMessage = { id: hex(content.id), peer: sender.userId, direction: 'in', text: content.text, sentAt: Number(content.sentAt), storedAt: this.storeTime() }
        // the message is durable before it is shown; the session state follows (a crash in between
        // leaves an older state, which can only decrypt this message again, and its id is stored)
        // the receipt it is owed is written with it: if a crash cuts the receipt off, it goes at the next start
        const added = await this.store.addMessage(message, { device: hex(sender.signingKey), id: message.id, userId: sender.userId })
        if (added) {
          this.safeDispatch('message', message)
        }
        this.commit().catch(err => { this.log(`session state not saved: ${err.name}`) })
        // the receipt goes back even for a duplicate: the first one may have been lost
        this.queueReceipt(sender.userId, sender.signingKey, content.id)
      }
      for (const messageId of content.receiptFor.slice(0, MAX_RECEIPT_IDS)) {
        const updated = await this.store.setState(hex(messageId), 'delivered')
        if (updated != null && updated.peer === sender.userId) {
          this.safeDispatch('receipt', { id: hex(messageId), from: sender.userId })
        }
      }
    } catch (err: any) {
      // not for this device (UnknownSessionError/UnknownPrekeyError) or refused: typed, logged, dropped
      this.log(`envelope ${id.slice(0, 12)} dropped: ${err.name}`)
      // over the budget of skipped chain steps (CHAIN_STEP_RATE): not judged, so a later copy (from a mailbox) is tried
      if (err.name === 'RateLimitedError') { this.seen.delete(id) }
    } finally {
      this.safeDispatch('envelope', { topic, id, bytes: envelope.length, decrypted })
    }
  }

  /** Batches a delivery receipt for the device that sent message `id` (see RECEIPT_DELAY) */
  private queueReceipt (userId: string, signingKey: Uint8Array, id: Uint8Array): void {
    const device = hex(signingKey)
    let pending = this.pendingReceipts.get(device)
    if (pending == null) {
      pending = { userId, signingKey, ids: [], since: Date.now() }
      this.pendingReceipts.set(device, pending)
    }
    clearTimeout(pending.timer)
    if (!pending.ids.some(known => hex(known) === hex(id))) {
      pending.ids.push(id)
    }
    const { delay, maxDelay, maxIds } = this.receiptPolicy
    const wait = Math.min(delay, pending.since + maxDelay - Date.now())
    if (pending.ids.length >= maxIds || wait <= 0) {
      void this.flushReceipt(device)
      return
    }
    pending.timer = setTimeout(() => { void this.flushReceipt(device) }, wait)
  }

  /** Sends the batched receipt of one device now */
  private async flushReceipt (device: string): Promise<void> {
    const pending = this.pendingReceipts.get(device)
    if (pending == null) { return }
    this.pendingReceipts.delete(device)
    clearTimeout(pending.timer)
    try {
      const receipt = Content.encode({ id: own(this.random(16)), sentAt: BigInt(Date.now()), receiptFor: pending.ids.map(own) })
      const reply = await this.sessions.encrypt(pending.signingKey, receipt)
      await this.commit()
      // live, and at the sender's mailboxes for when it is offline
      await Promise.all([this.publish(inboxTopic(pending.signingKey), reply), this.deposit(pending.userId, pending.signingKey, reply)])
    } catch (err: any) {
      this.log(`receipt not sent: ${err.name}`)
    } finally {
      // tried: no longer owed (only a crash before this line leaves it for the next start)
      await this.store.settleReceipts(device, pending.ids.map(id => hex(id))).catch(err => { this.log(`owed receipts not settled: ${err.name}`) })
    }
  }

  private safeDispatch<K extends keyof MessengerEvents> (type: K, detail: MessengerEvents[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { detail }) as any)
  }
}

/** Creates an identity in `db` for a new device (see `createIdentity`/`createWalletIdentity`) */
export async function saveIdentity (db: AbstractLevel<any, any, any>, identity: LocalIdentity, atRest?: AtRest): Promise<void> {
  await new MessengerStore(db, { atRest }).saveIdentity(identity)
}
