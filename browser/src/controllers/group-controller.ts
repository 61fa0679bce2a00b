/**
 * The state and the actions of a group or channel view: the GroupInfo (or
 * ChannelInfo) and the messages, reloaded on the client's `group` events for
 * it and on network changes; the contacts (for names and the invite picker);
 * messages on their way out; the read marker. It loads with the group
 * screens, not with the app (the conversation list needs only
 * `HyphaClient.groupConversations`).
 */

import { constants } from '@hypha/core'
import { EventsController } from './events-controller.ts'
import { SerialLoad } from './serial-load.ts'
import type { HyphaClient } from '../hypha-client.ts'
import type { ChannelInfo, Contact, GroupInfo, GroupMessage, GroupSendResult, Messenger } from '@hypha/core'
import type { ReactiveController, ReactiveControllerHost } from 'lit'

export type GroupKind = 'group' | 'channel'

/** Messages shown at most (the newest); the store keeps more */
export const MAX_RENDERED_GROUP_MESSAGES = 500

/** A message typed in this view whose send has not returned yet */
export interface OutgoingGroupMessage {
  localId: string
  text: string
  createdAt: number
}

function messengerOf (client: HyphaClient | undefined): Messenger {
  const messenger = client?.messenger
  if (messenger == null) { throw new Error('not signed in yet') }
  return messenger
}

/** The message text as core takes it, or a RangeError that says why not */
function checkText (text: string): void {
  if (text.trim() === '') { throw new RangeError('the message is empty') }
  if (new TextEncoder().encode(text).length > constants.MAX_PLAINTEXT_BYTES) {
    throw new RangeError(`a message has at most ${constants.MAX_PLAINTEXT_BYTES} bytes`)
  }
}

/** What an error from core says to a person */
export function describeGroupError (err: any): string {
  switch (err?.name) {
    case 'GroupPermissionError': return `Not allowed: ${String(err.message)}`
    case 'GroupNotFoundError': return 'This group or channel is not known on this device.'
    case 'InvalidInviteError': return `Not a channel invite: ${String(err.message)}`
    case 'ContactNotFoundError': return `Not found on the mesh: ${String(err.message)}`
    default: return String(err?.message ?? err)
  }
}

/** A new group: the creator is its admin; members get it at once (a 1:1 invitation each) */
export async function createGroup (client: HyphaClient, name: string, members: string[]): Promise<GroupInfo> {
  const trimmed = name.trim()
  if (trimmed === '') { throw new RangeError('give the group a name') }
  const info = await messengerOf(client).createGroup(trimmed, members)
  client.groupChanged(info.id)
  return info
}

/** A new channel this user posts to; its invite link lets others read it */
export async function createChannel (client: HyphaClient, name: string): Promise<ChannelInfo> {
  const trimmed = name.trim()
  if (trimmed === '') { throw new RangeError('give the channel a name') }
  const info = await messengerOf(client).createChannel(trimmed)
  client.groupChanged(info.id)
  return info
}

/** Joins a channel from its invite: `hypha://channel/...`, the app's `#/channel/...` link, or the fragment alone */
export async function joinChannel (client: HyphaClient, invite: string): Promise<ChannelInfo> {
  const trimmed = invite.trim()
  if (trimmed === '') { throw new RangeError('paste a channel invite link') }
  const info = await messengerOf(client).joinChannel(trimmed)
  client.groupChanged(info.id)
  return info
}

export class GroupController implements ReactiveController {
  info?: GroupInfo | ChannelInfo
  messages: GroupMessage[] = []
  contacts: Contact[] = []
  outgoing: OutgoingGroupMessage[] = []
  /** The last failed action, in words */
  error?: string

  private readonly host: ReactiveControllerHost
  private readonly client: () => HyphaClient | undefined
  private kind: GroupKind = 'group'
  private id = ''
  private readonly loader = new SerialLoad(async () => this.loadOnce())
  private nextLocalId = 0

  private readonly onVisible = (): void => { void this.markRead() }

  constructor (host: ReactiveControllerHost, client: () => HyphaClient | undefined) {
    this.host = host
    this.client = client
    host.addController(this)
    // this group's changes, the network (a send may fail or go through), contact renames (names of senders)
    // eslint-disable-next-line no-new
    new EventsController(host, client, ['group', 'network', 'conversation'], event => {
      if (event.type === 'conversation') {
        void this.loadContacts()
      } else if (event.type === 'network' || (event as CustomEvent<{ id: string }>).detail.id === this.id) {
        void this.load()
      }
    })
  }

  hostConnected (): void {
    document.addEventListener('visibilitychange', this.onVisible)
    void this.loadContacts()
  }

  hostDisconnected (): void {
    document.removeEventListener('visibilitychange', this.onVisible)
  }

  /** Shows another group or channel */
  select (kind: GroupKind, id: string): void {
    if (kind === this.kind && id === this.id) { return }
    this.kind = kind
    this.id = id
    this.info = undefined
    this.messages = []
    this.outgoing = []
    this.error = undefined
    void this.load()
  }

  get group (): GroupInfo | undefined {
    return this.info?.kind === 'group' ? this.info : undefined
  }

  get channel (): ChannelInfo | undefined {
    return this.info?.kind === 'channel' ? this.info : undefined
  }

  /** Contacts' aliases by user id, for the names of senders and members */
  get aliases (): Map<string, string> {
    const aliases = new Map<string, string>()
    for (const contact of this.contacts) {
      if (contact.alias != null && contact.alias !== '') { aliases.set(contact.userId, contact.alias) }
    }
    return aliases
  }

  /** Loads the group or channel again; a change during a load makes one more (SerialLoad) */
  async load (): Promise<void> {
    await this.loader.request()
  }

  /** One load: the group or channel and its messages; then everything shown is read */
  private async loadOnce (): Promise<void> {
    const client = this.client()
    const { kind, id } = this
    if (client?.messenger == null || id === '') { return }
    try {
      const messenger = client.messenger
      const info = kind === 'group' ? await messenger.group(id) : await messenger.channel(id)
      const messages = await client.groupHistory({ kind, id })
      if (kind !== this.kind || id !== this.id) { return }
      this.info = info
      this.messages = messages.slice(-MAX_RENDERED_GROUP_MESSAGES)
      this.host.requestUpdate()
    } catch (err: any) {
      this.error = describeGroupError(err)
      this.host.requestUpdate()
      return
    }
    await this.markRead()
  }

  private async loadContacts (): Promise<void> {
    try {
      const messenger = this.client()?.messenger
      if (messenger == null) { return }
      this.contacts = await messenger.contacts()
      this.host.requestUpdate()
    } catch {
      // the database closed (the page is going away)
    }
  }

  private async markRead (): Promise<void> {
    const client = this.client()
    if (document.visibilityState !== 'visible' || client == null || this.id === '') { return }
    await client.markGroupRead({ kind: this.kind, id: this.id }).catch(() => {})
  }

  /**
   * Sends to the group, or posts to the channel (its owner only). Refuses
   * offline: a group message goes out at once or not at all, so that the
   * order every member sees is the order it was written in.
   *
   * @throws {RangeError} for an empty or too long text
   */
  send (text: string): void {
    checkText(text)
    const client = this.client()
    if (client?.online !== true) { throw new Error('offline: the message was not sent; try again once online') }
    const messenger = messengerOf(client)
    const { kind, id } = this
    const entry: OutgoingGroupMessage = { localId: `local-${++this.nextLocalId}`, text, createdAt: Date.now() }
    this.outgoing.push(entry)
    this.error = undefined
    this.host.requestUpdate()
    const sent: Promise<GroupSendResult> = kind === 'group' ? messenger.sendToGroup(id, text) : messenger.postToChannel(id, text)
    sent.then(result => {
      const { successes, failures } = result.stored
      if (result.published === 0 && successes.length === 0) {
        this.error = 'No peer and no mailbox took the message.'
      } else if (successes.length === 0 && failures.length > 0) {
        this.error = `Sent to the members online, but no mailbox kept it for the others (${failures[0].error.name}).`
      }
    }, (err: any) => {
      this.error = `Not sent: ${describeGroupError(err)}`
    }).finally(() => {
      this.outgoing = this.outgoing.filter(o => o !== entry)
      client.groupChanged(id)
    })
  }

  /** Runs an admin or member action, then reloads; a failure becomes `error` (and false) */
  private async act (action: (messenger: Messenger) => Promise<unknown>): Promise<boolean> {
    const client = this.client()
    try {
      this.error = undefined
      await action(messengerOf(client))
      return true
    } catch (err: any) {
      this.error = describeGroupError(err)
      return false
    } finally {
      if (client != null) { client.groupChanged(this.id) }
      this.host.requestUpdate()
    }
  }

  /** Adds members (admins only) */
  async invite (members: string[]): Promise<boolean> {
    if (members.length === 0) {
      this.error = 'Pick a contact or paste a user id.'
      this.host.requestUpdate()
      return false
    }
    const id = this.id
    return this.act(async messenger => messenger.addToGroup(id, members))
  }

  /** Removes a member (admins only); every sender key rotates */
  async remove (member: string): Promise<boolean> {
    const id = this.id
    return this.act(async messenger => messenger.removeFromGroup(id, member))
  }

  /** Makes a member an admin (admins only) */
  async promote (member: string): Promise<boolean> {
    const id = this.id
    return this.act(async messenger => messenger.promoteInGroup(id, member))
  }

  /** Leaves the group; its messages stay, read-only */
  async leave (): Promise<boolean> {
    const id = this.id
    return this.act(async messenger => messenger.leaveGroup(id))
  }

  /** Removes a reader from the channel (its owner only); the channel key rotates */
  async removeReader (reader: string): Promise<boolean> {
    const id = this.id
    return this.act(async messenger => messenger.removeFromChannel(id, reader))
  }
}
