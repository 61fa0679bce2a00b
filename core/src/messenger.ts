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
import { INBOX_TOPIC_PREFIX, MAX_ENVELOPE_BYTES, MAX_SEEN_ENVELOPES, PUBLISH_TIMEOUT, RECORD_REPUBLISH_INTERVAL } from './protocol/constants.ts'
import { Content } from './protocol/pb/content.ts'
import { inboxEnvelopeValidator } from './services/mesh-options.ts'
import { bundleKey, deviceListKey } from './services/records/index.ts'
import { DEFAULT_TTL, rendezvousNamespace } from './services/rendezvous/index.ts'
import { MessengerStore } from './store/messenger-store.ts'
import { hex, own } from './utils/bytes.ts'
import type { RandomSource } from './crypto/random.ts'
import type { VerifiedDeviceList } from './identity/device.ts'
import type { LocalIdentity } from './identity/identity.ts'
import type { Contact, StoredMessage } from './store/messenger-store.ts'
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

export interface MessengerInit {
  /** The device's database; the identity is stored in it */
  db: AbstractLevel<any, any, any>
  mesh: MessengerMesh
  /** Logger for diagnostics (never given keys or plaintext) */
  log?(message: string): void
  random?: RandomSource
  /** Rendezvous presence, for direct connections to contacts */
  presence?: MessengerPresence
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
}

export interface SendResult {
  id: string
  /** Devices of the recipient the message was encrypted for */
  devices: number
  /** Publishes that reached at least one peer */
  published: number
}

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
  private republish?: ReturnType<typeof setInterval>
  private saving: Promise<void> = Promise.resolve()
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
  }

  /** Opens the messenger of the identity stored in `db` (see `MessengerStore.saveIdentity`) */
  static async open (init: MessengerInit): Promise<Messenger> {
    const store = new MessengerStore(init.db)
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
    this.mesh.pubsub.addEventListener('message', this.onMessage)
    this.watchTopic(inboxTopic(this.identity.device.signing.publicKey))
    const published = await this.publishRecords()
    this.republish = setInterval(() => { this.publishRecords().catch(() => {}) }, RECORD_REPUBLISH_INTERVAL)
    if (this.presence != null) {
      await this.announce()
      // registrations live DEFAULT_TTL; renew at half of it
      this.reregister = setInterval(() => { void this.announce() }, DEFAULT_TTL * 1000 / 2)
    }
    return { published }
  }

  /**
   * Stops listening. The topics stay subscribed unless `leaveTopics`: when the
   * libp2p node stops next, its connections close without a gossipsub PRUNE,
   * whereas leaving a topic makes its mesh peers hold this peer off it for a
   * while, which would delay the next run of a short-lived peer (the CLI).
   */
  async stop (options: { leaveTopics?: boolean } = {}): Promise<void> {
    clearInterval(this.republish)
    clearInterval(this.reregister)
    this.mesh.pubsub.removeEventListener('message', this.onMessage)
    for (const topic of this.topics) {
      if (options.leaveTopics === true) {
        this.mesh.pubsub.unsubscribe(topic)
      }
      this.mesh.pubsub.topicValidators?.delete(topic)
    }
    this.topics.clear()
    await this.saving
  }

  /** Subscribes to a topic; its envelopes go through the same pipeline (and `envelope` events) */
  watchTopic (topic: string): void {
    if (this.topics.has(topic)) { return }
    this.topics.add(topic)
    this.mesh.pubsub.topicValidators?.set(topic, inboxEnvelopeValidator(err => { this.log(`rejected an envelope on ${topic}: ${err.name}`) }))
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

  async history (nameOrId: string): Promise<StoredMessage[]> {
    const contact = await this.resolve(nameOrId)
    return this.store.history(contact.userId)
  }

  /** Encrypts `text` for every device of a contact and publishes it on their inbox topics */
  async send (nameOrId: string, text: string): Promise<SendResult> {
    const contact = await this.resolve(nameOrId)
    const id = this.random(16)
    const sentAt = Date.now()
    const plaintext = Content.encode({ id: own(id), sentAt: BigInt(sentAt), text, receiptFor: [] })
    if (plaintext.length > MAX_ENVELOPE_BYTES) { throw new MessageTooLargeError('message too large') }
    // the message is stored while it is encrypted; both are durable before it goes out
    const stored = this.store.addMessage({ id: hex(id), peer: contact.userId, direction: 'out', text, sentAt, storedAt: sentAt, state: 'sending' })
    const envelopes = await Promise.all(contact.devices.map(async device => {
      const signingKey = fromString(device, 'base16')
      return { topic: inboxTopic(signingKey), envelope: await this.encryptFor(contact.userId, signingKey, plaintext) }
    }))
    await stored
    let published = 0
    for (const { topic, envelope } of envelopes) {
      if (await this.publish(topic, envelope)) {
        published++
      }
    }
    if (published > 0) { await this.store.setState(hex(id), 'sent') }
    return { id: hex(id), devices: contact.devices.length, published }
  }

  private async encryptFor (userId: string, signingKey: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    if (this.sessions.session(signingKey) == null) {
      const list = await this.fetchDeviceList(userId)
      if (list == null) { throw new ContactNotFoundError(`no device list for ${userId}`) }
      const bundle = await this.fetch(bundleKey(userId, signingKey), async value => verifyBundle(decodeBundle(value), list), (a, b) => a.signedPrekey.id > b.signedPrekey.id)
      if (bundle == null) { throw new ContactNotFoundError(`no prekey bundle for a device of ${userId}`) }
      await this.sessions.initiate(bundle)
    }
    const envelope = await this.sessions.encrypt(signingKey, plaintext)
    await this.saveSessions()
    return envelope
  }

  /** Publishes, retrying while no peer is on the topic yet (a fresh node is still joining the mesh) */
  private async publish (topic: string, envelope: Uint8Array): Promise<boolean> {
    this.seen.add(envelopeId(envelope))
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

  private async saveSessions (): Promise<void> {
    const record = this.sessions.toRecord()
    this.saving = this.saving.then(async () => this.store.saveSessions(record))
    await this.saving
  }

  private remember (id: string): boolean {
    if (this.seen.has(id)) { return false }
    this.seen.add(id)
    if (this.seen.size > MAX_SEEN_ENVELOPES) { this.seen.delete(this.seen.values().next().value as string) }
    return true
  }

  /** The one pipeline for envelopes, live or (later) from mailboxes */
  async receive (topic: string, envelope: Uint8Array): Promise<void> {
    const id = envelopeId(envelope)
    if (!this.remember(id)) { return }
    let decrypted = false
    try {
      const { plaintext, sender } = await this.sessions.decrypt(envelope)
      decrypted = true
      const saved = this.saveSessions()
      let content: Content
      try {
        content = Content.decode(plaintext)
      } catch {
        throw new MalformedMessageError('message content does not decode')
      }
      if (content.text == null) {
        await saved
      }
      if (content.receiptFor.length > 0) {
        for (const messageId of content.receiptFor) {
          const updated = await this.store.setState(hex(messageId), 'delivered')
          if (updated != null && updated.peer === sender.userId) {
            this.safeDispatch('receipt', { id: hex(messageId), from: sender.userId })
          }
        }
      }
      if (content.text != null) {
        const message: ReceivedMessage = { id: hex(content.id), peer: sender.userId, direction: 'in', text: content.text, sentAt: Number(content.sentAt), storedAt: Date.now() }
        const [added] = await Promise.all([this.store.addMessage(message), saved])
        if (added) {
          this.safeDispatch('message', message)
        }
        // the receipt goes back even for a duplicate: the first one may have been lost
        const receipt = Content.encode({ id: own(this.random(16)), sentAt: BigInt(Date.now()), receiptFor: [own(content.id)] })
        const reply = await this.sessions.encrypt(sender.signingKey, receipt)
        await this.saveSessions()
        await this.publish(inboxTopic(sender.signingKey), reply)
      }
    } catch (err: any) {
      // not for this device (UnknownSessionError/UnknownPrekeyError) or refused: typed, logged, dropped
      this.log(`envelope ${id.slice(0, 12)} dropped: ${err.name}`)
    } finally {
      this.safeDispatch('envelope', { topic, id, bytes: envelope.length, decrypted })
    }
  }

  private safeDispatch<K extends keyof MessengerEvents> (type: K, detail: MessengerEvents[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { detail }) as any)
  }
}

/** Creates an identity in `db` for a new device (see `createIdentity`/`createWalletIdentity`) */
export async function saveIdentity (db: AbstractLevel<any, any, any>, identity: LocalIdentity): Promise<void> {
  await new MessengerStore(db).saveIdentity(identity)
}
