/**
 * Groups and channels for a Messenger (PROTOCOL.md "Groups", "Channels").
 *
 * A group: a membership log every member checks (log.ts), one sender key
 * per member device, distributed over the pairwise 1:1 sessions, and one
 * topic derived from the random group id. A message is one sender-key
 * encryption and one publish, whatever the group's size. A removal makes
 * every remaining member rotate its sender key and send the new one, in key
 * packages (many pairwise envelopes in one group envelope), to the remaining
 * members only.
 *
 * A channel: one owner signs every post with the channel's posting key;
 * readers hold the channel key from the invite link. Removing a reader
 * rotates the key and sends it over 1:1 sessions to the readers that remain.
 *
 * Stored under the store's sealed `groups` sublevel:
 * `g!<id>!meta`, `g!<id>!op!<hash>`, `g!<id>!self`, `g!<id>!rx!<device>!<key id>`,
 * `g!<id>!revoked`, `g!<id>!cursor!<peer>`, `c!<id>!meta`, `c!<id>!cursor!<peer>`.
 */

import { fromString } from 'uint8arrays/from-string'
import { toString } from 'uint8arrays/to-string'
import { parseSenderKeyMessage } from '../crypto/sender-key-header.ts'
import { SenderKey, SenderKeyReceiver } from '../crypto/sender-keys.ts'
import {
  DuplicateMessageError, GroupFullError, GroupNotFoundError, GroupPermissionError, InvalidInviteError, MalformedMessageError, MessageTooLargeError, UnknownSenderKeyError
} from '../errors.ts'
import { parseUserId } from '../identity/did.ts'
import { generateEd25519, ed25519KeyPair } from '../identity/keys.ts'
import {
  CHANNEL_POST_TYPE, GROUP_ID_LENGTH, GROUP_MESSAGE_TYPE, KEY_LENGTH, KEY_PACKAGE_TYPE, MAX_CHANNEL_EPOCHS, MAX_CHANNEL_READERS, MAX_CHANNELS,
  MAX_GROUP_NAME_LENGTH, MAX_GROUP_OPS, MAX_GROUP_SYNC_ENTRIES, MAX_GROUPS, MAX_MAILBOXES_PER_LIST, MAX_PENDING_GROUP_MESSAGES, MAX_PENDING_OPS, MAX_PLAINTEXT_BYTES,
  MAX_SENDER_KEYS_PER_DEVICE, MIN_STORED_RECEIPTS, PUBLIC_KEY_LENGTH
} from '../protocol/constants.ts'
import { Content } from '../protocol/pb/content.ts'
import { ChannelControl, ChannelInvite, ChannelPost, GroupContent, GroupControl } from '../protocol/pb/group.ts'
import { hex, own } from '../utils/bytes.ts'
import { orderedMerge } from '../utils/ordered-merge.ts'
import { GroupOp, MembershipLog, OpKind, signOp, verifyOp } from './log.ts'
import {
  channelPostEpoch, decodeKeyPackage, encodeKeyPackages, entryHint, groupHint, groupInboxKey, groupTopic, openChannelPost, parseGroupEnvelope, sealChannelPost, wrapGroupMessage
} from './wire.ts'
import type { GroupState, VerifiedOp } from './log.ts'
import type { ChannelInfo, GroupInfo, GroupMessage, GroupRejection, GroupSendResult } from './types.ts'
import type { RandomSource } from '../crypto/random.ts'
import type { KeyPair } from '../identity/keys.ts'
import type { GroupMemberEntry } from '../protocol/pb/group.ts'
import type { MailboxPageEntry } from '../services/mailbox/index.ts'
import type { MessengerStore, StoredMessage } from '../store/messenger-store.ts'

export const CHANNEL_LINK_PREFIX = 'hypha://channel/'

/** What the engine needs of its Messenger */
export interface GroupHost {
  readonly userId: string
  /** This device's signing key pair */
  readonly device: KeyPair
  /** Signing keys of this user's devices (from its device list) */
  ownDevices(): Uint8Array[]
  readonly random: RandomSource
  readonly store: MessengerStore
  log(message: string): void
  watchTopic(topic: string): void
  publish(topic: string, envelope: Uint8Array): Promise<boolean>
  /** Deposits under the tag of `inbox` at these mailbox nodes (peer id bytes) */
  deposit(peers: Uint8Array[], inbox: Uint8Array, envelope: Uint8Array): Promise<GroupSendResult['stored']>
  /** One page of an inbox at a mailbox node */
  fetchPage(peer: Uint8Array, signer: KeyPair, cursor?: Uint8Array): Promise<{ entries: MailboxPageEntry[], cursor?: Uint8Array, more: boolean }>
  /** Runs an envelope through the Messenger's receive pipeline (false: dropped, queue full) */
  receive(topic: string, envelope: Uint8Array): Promise<boolean>
  /** A 1:1 envelope for one device (a session is started from its bundle when there is none) */
  encryptFor(userId: string, signingKey: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>
  /** Decrypts a 1:1 envelope (a key package entry) and saves the session state */
  decryptDirect(envelope: Uint8Array): Promise<{ plaintext: Uint8Array, sender: { userId: string, signingKey: Uint8Array } }>
  /** Saves the session state after encryptFor */
  commitSessions(): Promise<void>
  /** Sends 1:1 content to every given device of a user (live and at its mailboxes) */
  sendDirect(userId: string, devices: Uint8Array[], content: { group?: Uint8Array, channel?: Uint8Array }): Promise<void>
  /** The devices of a user, from its verified device list in the DHT */
  devicesOf(userId: string): Promise<Uint8Array[]>
  /** A user id from a user id or a contact's alias */
  resolveUserId(nameOrId: string): Promise<string>
  /** This device's mailbox nodes (peer id bytes), for a new group's or channel's inbox */
  ownMailboxes(): Uint8Array[]
  storeTime(): number
  dispatch(type: 'group-message', detail: GroupMessage): void
  dispatch(type: 'group', detail: GroupInfo): void
  dispatch(type: 'channel', detail: ChannelInfo): void
  dispatch(type: 'group-rejected', detail: GroupRejection): void
}

interface Receiver {
  userId: string
  device: string
  receiver: SenderKeyReceiver
}

interface GroupRuntime {
  kind: 'group'
  id: Uint8Array
  idHex: string
  topic: string
  inbox: KeyPair
  log: MembershipLog
  /** This device's sender key, while a member */
  own?: SenderKey
  /** Other devices' sender keys, by key id */
  receivers: Map<number, Receiver>
  /** Key ids of removed members' devices: their messages are refused */
  revoked: Set<number>
  joinedAt: number
}

interface ChannelRuntime {
  kind: 'channel'
  id: Uint8Array
  idHex: string
  topic: string
  inbox: KeyPair
  name: string
  owner: string
  signingKey: Uint8Array
  /** The owner's posting key pair (the owner's device only) */
  signing?: KeyPair
  epoch: number
  /** Channel keys by epoch: the current one and the one before */
  keys: Map<number, Uint8Array>
  mailboxes: Uint8Array[]
  readers: Set<string>
}

interface ChannelStored {
  invite: string
  signingSecret?: string
  previous?: Array<[number, string]>
  readers: string[]
}

interface PendingMessage {
  group: string
  keyId: number
  topic: string
  envelope: Uint8Array
}

const ENCODER = new TextEncoder()
const DECODER = new TextDecoder()

function json (value: unknown): Uint8Array {
  return ENCODER.encode(JSON.stringify(value))
}

function parseJson<T> (bytes: Uint8Array): T {
  return JSON.parse(DECODER.decode(bytes)) as T
}

function groupPeer (kind: 'group' | 'channel', id: string): string {
  return `${kind}:${id}`
}

function checkName (name: string): string {
  const trimmed = name.trim()
  if (trimmed.length === 0 || trimmed.length > MAX_GROUP_NAME_LENGTH) { throw new RangeError(`a name has 1 to ${MAX_GROUP_NAME_LENGTH} characters`) }
  return trimmed
}

function checkText (text: string): void {
  if (ENCODER.encode(text).length > MAX_PLAINTEXT_BYTES - 1024) { throw new MessageTooLargeError('message too large') }
}

/** Parses a channel invite link (or its payload) */
export function parseChannelInvite (link: string): ChannelInvite {
  const payload = link.trim().split(/[/#]/).filter(Boolean).pop() ?? ''
  let invite: ChannelInvite
  try {
    invite = ChannelInvite.decode(fromString(payload, 'base64url'), { limits: { mailboxes: MAX_MAILBOXES_PER_LIST } })
  } catch (err: any) {
    throw new InvalidInviteError(`not a channel invite: ${err.message}`)
  }
  if (invite.channelId.length !== GROUP_ID_LENGTH || invite.key.length !== KEY_LENGTH || invite.signingKey.length !== PUBLIC_KEY_LENGTH) {
    throw new InvalidInviteError('channel invite holds keys of the wrong length')
  }
  if (invite.name.length === 0 || invite.name.length > MAX_GROUP_NAME_LENGTH) { throw new InvalidInviteError('channel invite name is empty or too long') }
  try {
    parseUserId(invite.owner)
  } catch {
    throw new InvalidInviteError('channel invite owner is not a user id')
  }
  return invite
}

/** A group or channel by its id, or by its name when no other has that name (GroupNotFoundError) */
function byIdOrName<T> (all: Map<string, T>, nameOrId: string, name: (item: T) => string, what: string): T {
  const byId = all.get(nameOrId.toLowerCase())
  if (byId != null) { return byId }
  const byName = [...all.values()].filter(item => name(item) === nameOrId)
  if (byName.length === 1) { return byName[0] }
  if (byName.length > 1) { throw new GroupNotFoundError(`${byName.length} ${what}s are named ${JSON.stringify(nameOrId)}: use the id`) }
  throw new GroupNotFoundError(`no ${what} ${JSON.stringify(nameOrId)}`)
}

export function channelInviteLink (invite: ChannelInvite): string {
  return CHANNEL_LINK_PREFIX + toString(ChannelInvite.encode(invite), 'base64url')
}

export class GroupEngine {
  private readonly host: GroupHost
  private readonly groups = new Map<string, GroupRuntime>()
  private readonly channels = new Map<string, ChannelRuntime>()
  /** hex hint -> group or channel */
  private readonly byHint = new Map<string, GroupRuntime | ChannelRuntime>()
  private readonly pending: PendingMessage[] = []
  /** 1:1 group controls for a group not joined yet (a sender key that overtook its invitation) */
  private readonly earlyControls: Array<{ sender: { userId: string, signingKey: Uint8Array }, control: GroupControl }> = []
  private loaded = false

  constructor (host: GroupHost) {
    this.host = host
  }

  /** Loads every group and channel and, with `watch` (the messenger is online), joins their topics */
  async start (watch = true): Promise<void> {
    if (!this.loaded) {
      this.loaded = true
      // one read of every group record, split by group (keys are g!<id>!..., in key order)
      const byGroup = new Map<string, Array<[string, Uint8Array]>>()
      for (const record of await this.host.store.groupRecords('g!', -1)) {
        const id = record[0].split('!')[1]
        const records = byGroup.get(id)
        if (records == null) { byGroup.set(id, [record]) } else { records.push(record) }
      }
      for (const [id, records] of byGroup) {
        if (this.groups.has(id) || !records.some(([key]) => key.endsWith('!meta'))) { continue }
        try {
          await this.loadGroup(id, records)
        } catch (err: any) {
          this.host.log(`group ${id.slice(0, 12)} not loaded: ${err.name}`)
        }
      }
      for (const [key, value] of await this.host.store.groupRecords('c!', -1)) {
        const [, , part] = key.split('!')
        if (part === 'meta') {
          try {
            this.addChannel(await this.channelFromStored(parseJson<ChannelStored>(value)))
          } catch (err: any) {
            this.host.log(`channel not loaded: ${err.name}`)
          }
        }
      }
    }
    if (watch) {
      for (const rt of this.byHint.values()) { this.host.watchTopic(rt.topic) }
    }
  }

  private async loadGroup (id: string, records: Array<[string, Uint8Array]>): Promise<void> {
    const ops: Uint8Array[] = []
    let self: Uint8Array | undefined
    const receivers: Array<[string, Uint8Array]> = []
    let revoked: number[] = []
    let meta: { joinedAt: number } = { joinedAt: Date.now() }
    for (const [key, value] of records) {
      const parts = key.split('!')
      if (parts[2] === 'op') { ops.push(value) } else if (parts[2] === 'self') { self = value } else if (parts[2] === 'rx') { receivers.push([key, value]) } else if (parts[2] === 'revoked') { revoked = parseJson<number[]>(value) } else if (parts[2] === 'meta') { meta = parseJson(value) }
    }
    const groupId = fromString(id, 'base16')
    const { log } = await MembershipLog.fromOps(groupId, ops)
    const rt = await this.runtime(groupId, log, meta.joinedAt)
    rt.own = self == null ? undefined : SenderKey.fromRecord(self, this.host.random)
    rt.revoked = new Set(revoked)
    for (const [key, value] of receivers) {
      const parts = key.split('!')
      const member = [...log.state.members.values()].find(m => m.devices.includes(parts[3]))
      if (member == null) { continue }
      const receiver = SenderKeyReceiver.fromRecord(value)
      rt.receivers.set(receiver.keyId, { userId: member.userId, device: parts[3], receiver })
    }
    this.groups.set(id, rt)
    this.byHint.set(hex(groupHint(groupId)), rt)
  }

  private async runtime (groupId: Uint8Array, log: MembershipLog, joinedAt: number): Promise<GroupRuntime> {
    return { kind: 'group', id: groupId, idHex: hex(groupId), topic: groupTopic(groupId), inbox: await groupInboxKey(groupId), log, receivers: new Map(), revoked: new Set(), joinedAt }
  }

  /* ---------------- groups: the public side ---------------- */

  async createGroup (name: string, members: string[] = []): Promise<GroupInfo> {
    if (this.groups.size >= MAX_GROUPS) { throw new GroupFullError(`at most ${MAX_GROUPS} groups`) }
    const groupId = this.host.random(GROUP_ID_LENGTH)
    const root = await signOp(this.host.device, {
      groupId: own(groupId),
      kind: OpKind.CREATE,
      lamport: 1,
      parents: [],
      author: this.host.userId,
      authorDevice: own(this.host.device.publicKey),
      targets: [{ userId: this.host.userId, devices: this.ownDeviceKeys().map(own) }],
      name: checkName(name),
      mailboxes: this.host.ownMailboxes().slice(0, MAX_MAILBOXES_PER_LIST).map(own),
      createdAt: BigInt(Date.now())
    })
    const rt = await this.runtime(groupId, MembershipLog.create(root), Date.now())
    rt.own = await SenderKey.create(this.host.random)
    this.groups.set(rt.idHex, rt)
    this.byHint.set(hex(groupHint(groupId)), rt)
    await this.host.store.saveGroupRecords([
      [`g!${rt.idHex}!meta`, json({ joinedAt: rt.joinedAt })],
      [`g!${rt.idHex}!op!${root.hash}`, root.bytes],
      [`g!${rt.idHex}!self`, rt.own.toRecord()]
    ])
    this.host.watchTopic(rt.topic)
    if (members.length > 0) {
      return this.addToGroup(rt.idHex, members)
    }
    return this.info(rt)
  }

  async addToGroup (group: string, members: string[]): Promise<GroupInfo> {
    const rt = this.groupRuntime(group)
    this.requireAdmin(rt)
    const targets: GroupMemberEntry[] = []
    for (const nameOrId of members) {
      const userId = await this.host.resolveUserId(nameOrId)
      if (rt.log.state.members.has(userId) || targets.some(t => t.userId === userId)) { continue }
      const devices = await this.host.devicesOf(userId)
      targets.push({ userId, devices: devices.map(own) })
    }
    if (targets.length === 0) { return this.info(rt) }
    const op = await this.author(rt, OpKind.ADD, targets, true)
    // the invitations first (each holds the whole log and this device's sender key), then the operation for the members
    const invite = GroupControl.encode({ groupId: own(rt.id), ops: rt.log.all().map(v => own(v.bytes)), senderKey: rt.own == null ? undefined : own(rt.own.distribution()) })
    await Promise.all(targets.map(async t => {
      try {
        await this.host.sendDirect(t.userId, t.devices, { group: invite })
      } catch (err: any) {
        this.host.log(`invitation to a new member not sent: ${err.name}: ${err.message}`)
      }
    }))
    await this.broadcast(rt, { ops: [op.bytes] })
    // the invitations carried this device's sender key: no second message to the new members
    await this.afterChange(rt, op.before, true, new Set(targets.map(t => t.userId)))
    return this.info(rt)
  }

  async removeFromGroup (group: string, member: string): Promise<GroupInfo> {
    const rt = this.groupRuntime(group)
    this.requireAdmin(rt)
    const userId = await this.host.resolveUserId(member)
    if (!rt.log.state.members.has(userId)) { throw new GroupPermissionError(`${userId} is not a member of ${rt.log.state.name}`) }
    if (userId === this.host.userId) { throw new GroupPermissionError('to remove yourself, leave the group') }
    const op = await this.author(rt, OpKind.REMOVE, [{ userId, devices: [] }], true)
    await this.broadcast(rt, { ops: [op.bytes] })
    await this.afterChange(rt, op.before, true)
    return this.info(rt)
  }

  async promoteInGroup (group: string, member: string): Promise<GroupInfo> {
    const rt = this.groupRuntime(group)
    this.requireAdmin(rt)
    const userId = await this.host.resolveUserId(member)
    if (!rt.log.state.members.has(userId)) { throw new GroupPermissionError(`${userId} is not a member of ${rt.log.state.name}`) }
    const op = await this.author(rt, OpKind.PROMOTE, [{ userId, devices: [] }])
    await this.broadcast(rt, { ops: [op.bytes] })
    return this.info(rt)
  }

  async leaveGroup (group: string): Promise<void> {
    const rt = this.groupRuntime(group)
    if (rt.own == null) { throw new GroupPermissionError(`not a member of ${rt.log.state.name}`) }
    const op = await this.author(rt, OpKind.LEAVE, [], true)
    await this.broadcast(rt, { ops: [op.bytes] })
    await this.afterChange(rt, op.before, true)
  }

  async sendToGroup (group: string, text: string): Promise<GroupSendResult> {
    const rt = this.groupRuntime(group)
    if (rt.own == null || !rt.log.state.members.has(this.host.userId)) { throw new GroupPermissionError(`not a member of ${rt.log.state.name}`) }
    checkText(text)
    return this.broadcast(rt, { text })
  }

  async groupList (): Promise<GroupInfo[]> {
    return [...this.groups.values()].map(rt => this.info(rt))
  }

  group (nameOrId: string): GroupInfo {
    return this.info(this.groupRuntime(nameOrId))
  }

  async groupHistory (nameOrId: string): Promise<GroupMessage[]> {
    return this.history(this.groupRuntime(nameOrId))
  }

  private async history (rt: GroupRuntime | ChannelRuntime): Promise<GroupMessage[]> {
    return (await this.host.store.history(groupPeer(rt.kind, rt.idHex))).map(m => this.toGroupMessage(rt.kind, rt.idHex, m))
  }

  private groupRuntime (nameOrId: string): GroupRuntime {
    return byIdOrName(this.groups, nameOrId, rt => rt.log.state.name, 'group')
  }

  private requireAdmin (rt: GroupRuntime): void {
    if (rt.own == null || rt.log.state.members.get(this.host.userId)?.admin !== true) {
      throw new GroupPermissionError(`not an admin of ${rt.log.state.name}`)
    }
  }

  private ownDeviceKeys (): Uint8Array[] {
    const devices = this.host.ownDevices()
    return devices.some(d => hex(d) === hex(this.host.device.publicKey)) ? devices : [this.host.device.publicKey, ...devices]
  }

  /** Signs and adds this device's own operation; `before` is the state it changed */
  private async author (rt: GroupRuntime, kind: GroupOp.Kind, targets: GroupMemberEntry[], deferChange = false): Promise<VerifiedOp & { before: GroupState }> {
    const before = rt.log.snapshot()
    const op = await signOp(this.host.device, rt.log.next({ kind, author: this.host.userId, authorDevice: this.host.device.publicKey, targets }))
    rt.log.add(op)
    await this.host.store.saveGroupRecords([[`g!${rt.idHex}!op!${op.hash}`, op.bytes]])
    if (!deferChange) { await this.afterChange(rt, before, false) }
    return { ...op, before }
  }

  /**
   * A group message from this device: encrypted once with its sender key,
   * durable (message and key state) before it goes out, published on the
   * topic and deposited at the group's mailboxes. (An operation that
   * removes someone goes out before the rotation, under the previous key.)
   */
  private async broadcast (rt: GroupRuntime, content: { text?: string, ops?: Uint8Array[] }): Promise<GroupSendResult> {
    const senderKey = rt.own
    if (senderKey == null) { throw new GroupPermissionError(`not a member of ${rt.log.state.name}`) }
    const id = this.host.random(16)
    const sentAt = this.host.storeTime()
    const bytes = GroupContent.encode({ id: own(id), sentAt: BigInt(sentAt), text: content.text, ops: (content.ops ?? []).map(own) })
    const envelope = wrapGroupMessage(rt.id, await senderKey.encrypt(bytes))
    await this.host.store.saveGroupRecords([[`g!${rt.idHex}!self`, senderKey.toRecord()]])
    const idHex = hex(id)
    if (content.text != null) {
      await this.host.store.addMessage({ id: idHex, peer: groupPeer('group', rt.idHex), from: this.host.userId, direction: 'out', text: content.text, sentAt, storedAt: sentAt, state: 'sending' })
    }
    return this.deliver(rt.topic, rt.inbox.publicKey, rt.log.state.mailboxes, envelope, content.text != null ? idHex : undefined)
  }

  private async deliver (topic: string, inbox: Uint8Array, mailboxes: Uint8Array[], envelope: Uint8Array, messageId?: string): Promise<GroupSendResult> {
    const [published, stored] = await Promise.all([
      this.host.publish(topic, envelope),
      this.host.deposit(mailboxes, inbox, envelope)
    ])
    const durable = stored.successes.length >= Math.min(MIN_STORED_RECEIPTS, mailboxes.length) && mailboxes.length > 0
    if (messageId != null && (published || stored.successes.length > 0)) {
      await this.host.store.setState(messageId, durable ? 'stored' : 'sent', mailboxes.length === 0 ? undefined : stored.successes.length)
    }
    return { id: messageId ?? '', published: published ? 1 : 0, stored, durable }
  }

  /**
   * After the log changed: a member that was removed (or left) forgets the
   * group's keys; every remaining member revokes the removed members' sender
   * keys, rotates its own and sends it to the members that remain; new
   * members get this device's current sender key.
   */
  private async afterChange (rt: GroupRuntime, before: GroupState, announce = true, invited = new Set<string>()): Promise<void> {
    const after = rt.log.state
    const removed = [...before.members.values()].filter(m => !after.members.has(m.userId))
    const added = [...after.members.values()].filter(m => !before.members.has(m.userId))
    const saves: Array<[string, Uint8Array | undefined]> = []
    if (!after.members.has(this.host.userId)) {
      // removed: this device sends no more. It keeps the keys it holds, which read only what members sent before
      // they saw the removal (they rotate on seeing it), so that it still follows the log: an operation ordered
      // before its removal may yet void it (two admins acting at once), and then it is a member again
      if (rt.own != null) {
        rt.own = undefined
        await this.host.store.saveGroupRecords([[`g!${rt.idHex}!self`, undefined]])
      }
      if (announce || removed.length > 0) { this.host.dispatch('group', this.info(rt)) }
      return
    }
    if (rt.own == null) {
      // a member again (its removal was voided by a concurrent operation ordered first): a fresh sender key for everyone
      rt.own = await SenderKey.create(this.host.random)
      await this.host.store.saveGroupRecords([[`g!${rt.idHex}!self`, rt.own.toRecord()]])
      await this.distribute(rt, [...after.members.values()])
      this.host.dispatch('group', this.info(rt))
      return
    }
    if (removed.length > 0) {
      const gone = new Set(removed.map(m => m.userId))
      for (const [keyId, r] of rt.receivers) {
        if (gone.has(r.userId)) {
          rt.receivers.delete(keyId)
          rt.revoked.add(keyId)
          saves.push([`g!${rt.idHex}!rx!${r.device}!${keyId}`, undefined])
        }
      }
      saves.push([`g!${rt.idHex}!revoked`, json([...rt.revoked].slice(-MAX_GROUP_OPS))])
      rt.own = await SenderKey.create(this.host.random)
      saves.push([`g!${rt.idHex}!self`, rt.own.toRecord()])
      await this.host.store.saveGroupRecords(saves)
      await this.distribute(rt, [...after.members.values()].filter(m => m.userId !== this.host.userId || m.devices.length > 1))
    } else if (added.length > 0 && rt.own != null) {
      const distribution = GroupControl.encode({ groupId: own(rt.id), ops: [], senderKey: own(rt.own.distribution()) })
      await Promise.all(added.filter(m => m.userId !== this.host.userId && !invited.has(m.userId)).map(async m => {
        try {
          await this.host.sendDirect(m.userId, m.devices.map(d => fromString(d, 'base16')), { group: distribution })
        } catch (err: any) {
          this.host.log(`sender key not sent to a new member: ${err.name}`)
        }
      }))
    }
    if (added.length > 0) { await this.retryHeldKeys(rt) }
    if (removed.length > 0 || added.length > 0 || announce) { this.host.dispatch('group', this.info(rt)) }
  }

  /** Sender keys that came before the operation adding their member: tried once more now (then refused) */
  private async retryHeldKeys (rt: GroupRuntime): Promise<void> {
    const held = this.earlyControls.filter(e => hex(e.control.groupId) === rt.idHex && e.control.ops.length === 0 && e.control.senderKey != null)
    for (const e of held) {
      const member = rt.log.state.members.get(e.sender.userId)
      if (member == null || !member.devices.includes(hex(e.sender.signingKey))) { continue }
      this.earlyControls.splice(this.earlyControls.indexOf(e), 1)
      await this.acceptSenderKey(rt, e.sender, e.control.senderKey as Uint8Array, true)
    }
  }

  /** Sends this device's current sender key to every device of `members` (but this one), in key packages */
  private async distribute (rt: GroupRuntime, members: Array<{ userId: string, devices: string[] }>): Promise<void> {
    if (rt.own == null) { return }
    const plaintext = GroupControl.encode({ groupId: own(rt.id), ops: [], senderKey: own(rt.own.distribution()) })
    const content = Content.encode({ id: own(this.host.random(16)), sentAt: BigInt(Date.now()), receiptFor: [], group: plaintext })
    const entries: Array<{ hint: Uint8Array, envelope: Uint8Array }> = []
    const me = hex(this.host.device.publicKey)
    for (const member of members) {
      for (const device of member.devices) {
        if (device === me) { continue }
        const signingKey = fromString(device, 'base16')
        try {
          entries.push({ hint: entryHint(rt.id, signingKey), envelope: await this.host.encryptFor(member.userId, signingKey, content) })
        } catch (err: any) {
          this.host.log(`sender key not encrypted for a member device: ${err.name}`)
        }
      }
    }
    await this.host.commitSessions()
    for (const pkg of encodeKeyPackages(rt.id, entries)) {
      await this.deliver(rt.topic, rt.inbox.publicKey, rt.log.state.mailboxes, pkg)
    }
  }

  info (rt: GroupRuntime): GroupInfo {
    const state = rt.log.state
    const me = state.members.get(this.host.userId)
    return {
      kind: 'group',
      id: rt.idHex,
      name: state.name,
      members: [...state.members.values()].map(m => ({ userId: m.userId, admin: m.admin, devices: m.devices.length })).sort((a, b) => a.userId < b.userId ? -1 : 1),
      member: me != null && rt.own != null,
      admin: me?.admin === true && rt.own != null,
      createdBy: state.createdBy,
      createdAt: state.createdAt,
      topic: rt.topic
    }
  }

  /* ---------------- receiving ---------------- */

  /**
   * A group envelope (0x04-0x06) from a topic or a mailbox. Resolves with
   * true when it was for this device and decrypted now (false for this
   * device's own message); a group message already received is a
   * DuplicateMessageError.
   */
  async receive (topic: string, envelope: Uint8Array): Promise<boolean> {
    const parsed = parseGroupEnvelope(envelope)
    const rt = this.byHint.get(parsed.hint)
    if (rt == null) { return false }
    if (parsed.type === CHANNEL_POST_TYPE) {
      return rt.kind === 'channel' ? this.receivePost(rt, envelope) : false
    }
    if (rt.kind !== 'group') { return false }
    if (parsed.type === KEY_PACKAGE_TYPE) {
      return this.receiveKeyPackage(rt, parsed.body)
    }
    if (parsed.type === GROUP_MESSAGE_TYPE) {
      return this.receiveMessage(rt, topic, envelope, parsed.body, true)
    }
    return false
  }

  private reject (rt: { idHex: string, kind: 'group' | 'channel' }, err: Error): void {
    this.host.log(`${rt.kind} ${rt.idHex.slice(0, 12)}: refused: ${err.name}: ${err.message}`)
    this.host.dispatch('group-rejected', { group: rt.idHex, kind: rt.kind, reason: err.name, message: err.message })
  }

  private async receiveMessage (rt: GroupRuntime, topic: string, envelope: Uint8Array, body: Uint8Array, hold: boolean): Promise<boolean> {
    const { header } = parseSenderKeyMessage(body)
    // this device's own message, echoed by the group inbox: nothing to decrypt (and its bytes are not checked, so not "decrypted")
    if (rt.own?.keyId === header.keyId) { return false }
    if (rt.revoked.has(header.keyId)) {
      this.reject(rt, new GroupPermissionError('a message under the sender key of a removed member'))
      return false
    }
    const entry = rt.receivers.get(header.keyId)
    if (entry == null) {
      if (hold && rt.own != null) {
        this.pending.push({ group: rt.idHex, keyId: header.keyId, topic, envelope })
        while (this.pending.length > MAX_PENDING_GROUP_MESSAGES) { this.pending.shift() }
        this.host.log(`group message under an unknown sender key held (${this.pending.length} held)`)
      } else if (!hold) {
        this.reject(rt, new UnknownSenderKeyError('a message under a sender key this device does not hold'))
      }
      return false
    }
    let plaintext: Uint8Array
    try {
      plaintext = await entry.receiver.decrypt(body)
    } catch (err: any) {
      if (err instanceof DuplicateMessageError) {
        // gossip and the group inbox both bring each message: no rejection to show, and not decrypted now;
        // from the pipeline it is its typed refusal (logged), from the held ones nothing
        if (hold) { throw err }
        return false
      }
      this.reject(rt, err)
      return false
    }
    await this.host.store.saveGroupRecords([[`g!${rt.idHex}!rx!${entry.device}!${header.keyId}`, entry.receiver.toRecord()]])
    let content: GroupContent
    try {
      content = GroupContent.decode(plaintext, { limits: { ops: MAX_PENDING_OPS } })
    } catch {
      this.reject(rt, new MalformedMessageError('group content does not decode'))
      return true
    }
    // operations stand on their own signatures and causal past, whoever carries them now: every member must get the same log
    if (content.ops.length > 0) { await this.receiveOps(rt, content.ops) }
    if (content.text != null && !rt.log.state.members.has(entry.userId)) {
      this.reject(rt, new GroupPermissionError(`${entry.userId} is no longer a member`))
      return true
    }
    if (content.text != null && content.id.length === 16) {
      const message: StoredMessage = { id: hex(content.id), peer: groupPeer('group', rt.idHex), from: entry.userId, direction: 'in', text: content.text, sentAt: Number(content.sentAt), storedAt: this.host.storeTime() }
      if (await this.host.store.addMessage(message)) {
        this.host.dispatch('group-message', this.toGroupMessage('group', rt.idHex, message))
      }
    }
    return true
  }

  private async receiveOps (rt: GroupRuntime, ops: Uint8Array[]): Promise<void> {
    const before = rt.log.snapshot()
    const saves: Array<[string, Uint8Array]> = []
    for (const bytes of ops) {
      try {
        const op = await verifyOp(bytes, rt.id)
        const result = rt.log.add(op)
        if (result.status === 'added') {
          for (const v of result.applied) { saves.push([`g!${rt.idHex}!op!${v.hash}`, v.bytes]) }
        }
      } catch (err: any) {
        this.reject(rt, err)
      }
    }
    if (saves.length > 0) {
      await this.host.store.saveGroupRecords(saves)
      await this.afterChange(rt, before, false)
    }
  }

  private async receiveKeyPackage (rt: GroupRuntime, body: Uint8Array): Promise<boolean> {
    if (rt.own == null) { return false }
    const mine = hex(entryHint(rt.id, this.host.device.publicKey))
    const entry = decodeKeyPackage(body).find(e => hex(e.hint) === mine)
    if (entry == null) { return false }
    const { plaintext, sender } = await this.host.decryptDirect(entry.envelope)
    const content = Content.decode(plaintext)
    if (content.group == null) { return true }
    await this.control(sender, content.group, true)
    return true
  }

  /** A GroupControl from a 1:1 message: an invitation, or a member's sender key */
  async control (sender: { userId: string, signingKey: Uint8Array }, bytes: Uint8Array, viaPackage = false): Promise<void> {
    let control: GroupControl
    try {
      control = GroupControl.decode(bytes, { limits: { ops: MAX_GROUP_OPS } })
    } catch {
      this.host.log('group control does not decode')
      return
    }
    if (control.groupId.length !== GROUP_ID_LENGTH) { return }
    const rt = this.groups.get(hex(control.groupId))
    if (rt == null) {
      if (control.ops.length > 0 && !viaPackage) {
        await this.join(sender, control)
      } else {
        this.earlyControls.push({ sender, control })
        while (this.earlyControls.length > MAX_PENDING_OPS) { this.earlyControls.shift() }
      }
      return
    }
    if (control.ops.length > 0) { await this.receiveOps(rt, control.ops) }
    if (control.senderKey != null) { await this.acceptSenderKey(rt, sender, control.senderKey) }
  }

  private async acceptSenderKey (rt: GroupRuntime, sender: { userId: string, signingKey: Uint8Array }, distribution: Uint8Array, held = false): Promise<void> {
    const device = hex(sender.signingKey)
    const member = rt.log.state.members.get(sender.userId)
    if (member == null || !member.devices.includes(device)) {
      if (!held) {
        // a new member's key can overtake the operation that adds it: kept (bounded) until the log changes
        this.earlyControls.push({ sender, control: { groupId: own(rt.id), ops: [], senderKey: own(distribution) } })
        while (this.earlyControls.length > MAX_PENDING_OPS) { this.earlyControls.shift() }
        return
      }
      this.reject(rt, new GroupPermissionError(`a sender key from ${sender.userId}, not a member device`))
      return
    }
    let receiver: SenderKeyReceiver
    try {
      receiver = SenderKeyReceiver.fromDistribution(distribution)
    } catch (err: any) {
      this.reject(rt, err)
      return
    }
    if (rt.revoked.has(receiver.keyId) || rt.receivers.has(receiver.keyId)) { return }
    rt.receivers.set(receiver.keyId, { userId: sender.userId, device, receiver })
    const saves: Array<[string, Uint8Array | undefined]> = [[`g!${rt.idHex}!rx!${device}!${receiver.keyId}`, receiver.toRecord()]]
    // the newest MAX_SENDER_KEYS_PER_DEVICE of a device stay
    const ofDevice = [...rt.receivers].filter(([, r]) => r.device === device)
    for (const [keyId] of ofDevice.slice(0, Math.max(0, ofDevice.length - MAX_SENDER_KEYS_PER_DEVICE))) {
      rt.receivers.delete(keyId)
      saves.push([`g!${rt.idHex}!rx!${device}!${keyId}`, undefined])
    }
    await this.host.store.saveGroupRecords(saves)
    // messages that waited for this key
    const waiting = this.pending.filter(p => p.group === rt.idHex && p.keyId === receiver.keyId)
    for (const p of waiting) {
      this.pending.splice(this.pending.indexOf(p), 1)
      await this.receiveMessage(rt, p.topic, p.envelope, parseGroupEnvelope(p.envelope).body, false)
    }
  }

  /** An invitation: the whole log, checked; this user must be a member in it */
  private async join (sender: { userId: string, signingKey: Uint8Array }, control: GroupControl): Promise<void> {
    if (this.groups.size >= MAX_GROUPS) {
      this.host.log(`group invitation ignored: at most ${MAX_GROUPS} groups`)
      return
    }
    let log: MembershipLog
    try {
      log = (await MembershipLog.fromOps(control.groupId, control.ops)).log
    } catch (err: any) {
      this.host.log(`group invitation refused: ${err.name}: ${err.message}`)
      return
    }
    const me = log.state.members.get(this.host.userId)
    const inviter = log.state.members.get(sender.userId)
    if (me == null || inviter == null || !inviter.devices.includes(hex(sender.signingKey))) {
      this.host.log('group invitation refused: this user is not a member in its log, or the sender is not')
      return
    }
    const rt = await this.runtime(control.groupId, log, Date.now())
    rt.own = await SenderKey.create(this.host.random)
    this.groups.set(rt.idHex, rt)
    this.byHint.set(hex(groupHint(rt.id)), rt)
    await this.host.store.saveGroupRecords([
      [`g!${rt.idHex}!meta`, json({ joinedAt: rt.joinedAt })],
      ...log.all().map(v => [`g!${rt.idHex}!op!${v.hash}`, v.bytes] as [string, Uint8Array]),
      [`g!${rt.idHex}!self`, rt.own.toRecord()]
    ])
    this.host.watchTopic(rt.topic)
    if (control.senderKey != null) { await this.acceptSenderKey(rt, sender, control.senderKey) }
    const early = this.earlyControls.filter(e => hex(e.control.groupId) === rt.idHex)
    for (const e of early) {
      this.earlyControls.splice(this.earlyControls.indexOf(e), 1)
      await this.control(e.sender, GroupControl.encode(e.control))
    }
    this.host.dispatch('group', this.info(rt))
    // every other member (and this user's other devices) gets this device's sender key
    await this.distribute(rt, [...log.state.members.values()])
  }

  /* ---------------- channels ---------------- */

  async createChannel (name: string): Promise<ChannelInfo> {
    if (this.channels.size >= MAX_CHANNELS) { throw new GroupFullError(`at most ${MAX_CHANNELS} channels`) }
    const signing = await generateEd25519(this.host.random)
    const invite: ChannelInvite = {
      channelId: own(this.host.random(GROUP_ID_LENGTH)),
      name: checkName(name),
      owner: this.host.userId,
      signingKey: own(signing.publicKey),
      epoch: 1,
      key: own(this.host.random(KEY_LENGTH)),
      mailboxes: this.host.ownMailboxes().slice(0, MAX_MAILBOXES_PER_LIST).map(own)
    }
    const rt = await this.channelFromInvite(invite, signing)
    this.addChannel(rt)
    await this.saveChannel(rt)
    this.host.watchTopic(rt.topic)
    return this.channelInfo(rt)
  }

  async joinChannel (link: string): Promise<ChannelInfo> {
    const invite = parseChannelInvite(link)
    const known = this.channels.get(hex(invite.channelId))
    if (known != null) {
      await this.updateChannelKey(known, invite)
      return this.channelInfo(known)
    }
    if (this.channels.size >= MAX_CHANNELS) { throw new GroupFullError(`at most ${MAX_CHANNELS} channels`) }
    const rt = await this.channelFromInvite(invite)
    this.addChannel(rt)
    await this.saveChannel(rt)
    this.host.watchTopic(rt.topic)
    if (invite.owner !== this.host.userId) {
      // the owner learns of this reader, to send it the next key on a rotation
      try {
        await this.host.sendDirect(invite.owner, await this.host.devicesOf(invite.owner), { channel: ChannelControl.encode({ channelId: invite.channelId, join: true }) })
      } catch (err: any) {
        this.host.log(`channel owner not told of this reader: ${err.name}`)
      }
    }
    return this.channelInfo(rt)
  }

  async postToChannel (channel: string, text: string): Promise<GroupSendResult> {
    const rt = this.channelRuntime(channel)
    if (rt.signing == null) { throw new GroupPermissionError(`only the owner posts to ${rt.name}`) }
    checkText(text)
    const id = this.host.random(16)
    const sentAt = this.host.storeTime()
    const key = rt.keys.get(rt.epoch) as Uint8Array
    const envelope = await sealChannelPost(rt.id, rt.epoch, key, rt.signing, ChannelPost.encode({ id: own(id), sentAt: BigInt(sentAt), text }), this.host.random)
    await this.host.store.addMessage({ id: hex(id), peer: groupPeer('channel', rt.idHex), from: this.host.userId, direction: 'out', text, sentAt, storedAt: sentAt, state: 'sending' })
    return this.deliver(rt.topic, rt.inbox.publicKey, rt.mailboxes, envelope, hex(id))
  }

  async removeFromChannel (channel: string, reader: string): Promise<ChannelInfo> {
    const rt = this.channelRuntime(channel)
    if (rt.signing == null) { throw new GroupPermissionError(`only the owner removes readers of ${rt.name}`) }
    const userId = await this.host.resolveUserId(reader)
    rt.readers.delete(userId)
    rt.epoch++
    rt.keys.set(rt.epoch, this.host.random(KEY_LENGTH))
    for (const epoch of [...rt.keys.keys()].sort((a, b) => a - b).slice(0, -MAX_CHANNEL_EPOCHS)) { rt.keys.delete(epoch) }
    await this.saveChannel(rt)
    const invite = ChannelInvite.encode(this.inviteOf(rt))
    await Promise.all([...rt.readers].map(async userId => {
      try {
        await this.host.sendDirect(userId, await this.host.devicesOf(userId), { channel: ChannelControl.encode({ channelId: own(rt.id), invite }) })
      } catch (err: any) {
        this.host.log(`new channel key not sent to a reader: ${err.name}`)
      }
    }))
    const info = this.channelInfo(rt)
    this.host.dispatch('channel', info)
    return info
  }

  async channelList (): Promise<ChannelInfo[]> {
    return [...this.channels.values()].map(rt => this.channelInfo(rt))
  }

  channel (nameOrId: string): ChannelInfo {
    return this.channelInfo(this.channelRuntime(nameOrId))
  }

  async channelHistory (nameOrId: string): Promise<GroupMessage[]> {
    return this.history(this.channelRuntime(nameOrId))
  }

  /** A ChannelControl from a 1:1 message: a reader's join notice, or the owner's new key */
  async channelControl (sender: { userId: string }, bytes: Uint8Array): Promise<void> {
    let control: ChannelControl
    try {
      control = ChannelControl.decode(bytes)
    } catch {
      this.host.log('channel control does not decode')
      return
    }
    const rt = this.channels.get(hex(control.channelId))
    if (rt == null) { return }
    if (control.join && rt.signing != null && sender.userId !== this.host.userId && !rt.readers.has(sender.userId)) {
      if (rt.readers.size >= MAX_CHANNEL_READERS) { return }
      rt.readers.add(sender.userId)
      await this.saveChannel(rt)
      this.host.dispatch('channel', this.channelInfo(rt))
    }
    if (control.invite != null) {
      if (sender.userId !== rt.owner) {
        this.reject(rt, new GroupPermissionError(`a channel key from ${sender.userId}, not the owner`))
        return
      }
      try {
        await this.updateChannelKey(rt, ChannelInvite.decode(control.invite))
      } catch (err: any) {
        this.reject(rt, err)
      }
    }
  }

  private async updateChannelKey (rt: ChannelRuntime, invite: ChannelInvite): Promise<void> {
    if (hex(invite.channelId) !== rt.idHex || hex(invite.signingKey) !== hex(rt.signingKey) || invite.key.length !== KEY_LENGTH) {
      throw new InvalidInviteError('a channel key for another channel or owner key')
    }
    if (invite.epoch <= rt.epoch) { return }
    rt.epoch = invite.epoch
    rt.keys.set(invite.epoch, Uint8Array.from(invite.key))
    for (const epoch of [...rt.keys.keys()].sort((a, b) => a - b).slice(0, -MAX_CHANNEL_EPOCHS)) { rt.keys.delete(epoch) }
    await this.saveChannel(rt)
    this.host.dispatch('channel', this.channelInfo(rt))
  }

  private async receivePost (rt: ChannelRuntime, envelope: Uint8Array): Promise<boolean> {
    const key = rt.keys.get(channelPostEpoch(envelope))
    if (key == null) { return false }
    let post: ChannelPost
    try {
      post = ChannelPost.decode(await openChannelPost(envelope, key, rt.signingKey))
    } catch (err: any) {
      this.reject(rt, err)
      return false
    }
    if (post.id.length !== 16) { return true }
    const message: StoredMessage = { id: hex(post.id), peer: groupPeer('channel', rt.idHex), from: rt.owner, direction: rt.signing == null ? 'in' : 'out', text: post.text, sentAt: Number(post.sentAt), storedAt: this.host.storeTime() }
    if (rt.signing == null && await this.host.store.addMessage(message)) {
      this.host.dispatch('group-message', this.toGroupMessage('channel', rt.idHex, message))
    }
    return true
  }

  private channelRuntime (nameOrId: string): ChannelRuntime {
    return byIdOrName(this.channels, nameOrId, rt => rt.name, 'channel')
  }

  private async channelFromInvite (invite: ChannelInvite, signing?: KeyPair): Promise<ChannelRuntime> {
    return {
      kind: 'channel',
      id: Uint8Array.from(invite.channelId),
      idHex: hex(invite.channelId),
      topic: groupTopic(invite.channelId),
      inbox: await groupInboxKey(invite.channelId),
      name: invite.name,
      owner: invite.owner,
      signingKey: Uint8Array.from(invite.signingKey),
      signing,
      epoch: invite.epoch,
      keys: new Map([[invite.epoch, Uint8Array.from(invite.key)]]),
      mailboxes: invite.mailboxes.map(m => Uint8Array.from(m)),
      readers: new Set()
    }
  }

  private async channelFromStored (stored: ChannelStored): Promise<ChannelRuntime> {
    const signing = stored.signingSecret == null ? undefined : await ed25519KeyPair(fromString(stored.signingSecret, 'base16'))
    const rt = await this.channelFromInvite(parseChannelInvite(stored.invite), signing)
    for (const [epoch, key] of stored.previous ?? []) { rt.keys.set(epoch, fromString(key, 'base16')) }
    rt.readers = new Set(stored.readers)
    return rt
  }

  private addChannel (rt: ChannelRuntime): void {
    this.channels.set(rt.idHex, rt)
    this.byHint.set(hex(groupHint(rt.id)), rt)
  }

  private inviteOf (rt: ChannelRuntime): ChannelInvite {
    return { channelId: own(rt.id), name: rt.name, owner: rt.owner, signingKey: own(rt.signingKey), epoch: rt.epoch, key: own(rt.keys.get(rt.epoch) as Uint8Array), mailboxes: rt.mailboxes.map(own) }
  }

  private async saveChannel (rt: ChannelRuntime): Promise<void> {
    const stored: ChannelStored = {
      invite: channelInviteLink(this.inviteOf(rt)),
      signingSecret: rt.signing == null ? undefined : hex(rt.signing.secretKey),
      previous: [...rt.keys].filter(([epoch]) => epoch !== rt.epoch).map(([epoch, key]) => [epoch, hex(key)]),
      readers: [...rt.readers]
    }
    await this.host.store.saveGroupRecords([[`c!${rt.idHex}!meta`, json(stored)]])
  }

  channelInfo (rt: ChannelRuntime): ChannelInfo {
    return {
      kind: 'channel',
      id: rt.idHex,
      name: rt.name,
      admin: rt.signing != null,
      owner: rt.owner,
      readers: [...rt.readers].sort(),
      invite: channelInviteLink(this.inviteOf(rt)),
      topic: rt.topic
    }
  }

  /* ---------------- mailboxes ---------------- */

  /**
   * Fetches what the group and channel inboxes hold since the last sync
   * (a cursor per inbox and mailbox node) and runs it through the receive
   * pipeline. Group inboxes are shared by every member, so nothing is
   * acknowledged: envelopes leave the mailboxes when they expire.
   */
  async sync (): Promise<{ reached: number, failed: number }> {
    let reached = 0
    let failed = 0
    const inboxes: Array<{ rt: GroupRuntime | ChannelRuntime, mailboxes: Uint8Array[] }> = [
      ...[...this.groups.values()].filter(rt => rt.own != null).map(rt => ({ rt, mailboxes: rt.log.state.mailboxes })),
      ...[...this.channels.values()].map(rt => ({ rt, mailboxes: rt.mailboxes }))
    ]
    for (const { rt, mailboxes } of inboxes) {
      const pages = await Promise.all(mailboxes.map(async peer => this.fetchInbox(rt, peer)))
      reached += pages.filter(p => p.ok).length
      failed += pages.filter(p => !p.ok).length
      const merged = orderedMerge(pages.map(p => p.entries), e => hex(e.hash), e => e.storedAt)
      let all = true
      for (const entry of merged) {
        all = (await this.host.receive(rt.topic, entry.envelope)) && all
      }
      // a cursor moves on only when everything before it went through the pipeline
      if (all) {
        await this.host.store.saveGroupRecords(pages.filter(p => p.cursor != null).map(p => [p.cursorKey, p.cursor]))
      }
    }
    return { reached, failed }
  }

  /** Everything after the stored cursor in one group or channel inbox at one mailbox node */
  private async fetchInbox (rt: GroupRuntime | ChannelRuntime, peer: Uint8Array): Promise<{ ok: boolean, cursorKey: string, cursor?: Uint8Array, entries: MailboxPageEntry[] }> {
    const cursorKey = `${rt.kind === 'group' ? 'g' : 'c'}!${rt.idHex}!cursor!${hex(peer)}`
    try {
      let cursor = (await this.host.store.groupRecords(cursorKey, 1)).find(([k]) => k === cursorKey)?.[1]
      const entries: MailboxPageEntry[] = []
      for (;;) {
        const page = await this.host.fetchPage(peer, rt.inbox, cursor)
        entries.push(...page.entries)
        if (page.entries.length > 0) { cursor = page.cursor }
        if (!page.more || page.entries.length === 0 || entries.length >= MAX_GROUP_SYNC_ENTRIES) { break }
      }
      return { ok: true, cursorKey, cursor, entries }
    } catch (err: any) {
      this.host.log(`${rt.kind} inbox fetch failed: ${err.name}: ${err.message}`)
      return { ok: false, cursorKey, entries: [] }
    }
  }

  private toGroupMessage (kind: 'group' | 'channel', id: string, m: StoredMessage): GroupMessage {
    return { id: m.id, group: id, kind, from: m.from ?? m.peer, direction: m.direction, text: m.text, sentAt: m.sentAt, storedAt: m.storedAt, state: m.state, mailboxes: m.mailboxes }
  }
}
