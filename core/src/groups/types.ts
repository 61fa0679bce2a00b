/**
 * What the Messenger shows of groups and channels (PROTOCOL.md "Groups" and
 * "Channels"). Ids are 64 hex digits; they are secrets of the members (the
 * topic is derived from them), so they are shown to members only.
 */

import type { MailboxReceipt } from '../services/mailbox/index.ts'
import type { DeliveryState } from '../store/messenger-store.ts'

export interface GroupMember {
  userId: string
  admin: boolean
  /** How many devices of the member the log names */
  devices: number
}

export interface GroupInfo {
  kind: 'group'
  /** The group id (64 hex digits) */
  id: string
  name: string
  /** Current members, by user id */
  members: GroupMember[]
  /** True while this user is a member */
  member: boolean
  /** True while this user is an admin */
  admin: boolean
  createdBy: string
  createdAt: number
  /** The gossipsub topic */
  topic: string
}

export interface ChannelInfo {
  kind: 'channel'
  /** The channel id (64 hex digits) */
  id: string
  name: string
  /** True when this device holds the channel's posting key */
  admin: boolean
  /** The user id that posts */
  owner: string
  /** Readers the owner knows of (they announced themselves on joining); empty for readers */
  readers: string[]
  /** The invite link: it holds the channel key, so it is shared like a secret */
  invite: string
  topic: string
}

/** A message in a group or a channel */
export interface GroupMessage {
  /** 32 hex digits */
  id: string
  /** The group or channel id */
  group: string
  kind: 'group' | 'channel'
  /** The user id that sent it */
  from: string
  direction: 'in' | 'out'
  text: string
  /** Sender's clock, ms */
  sentAt: number
  /** This device's clock, ms */
  storedAt: number
  /** Outgoing: sending, sent or stored (no per-member delivery receipts in groups) */
  state?: DeliveryState
  /** Outgoing: mailbox nodes that signed a storage receipt for it */
  mailboxes?: number
}

export interface GroupSendResult {
  id: string
  /** 1 when the publish reached at least one peer of the topic */
  published: number
  stored: { successes: MailboxReceipt[], failures: Array<{ peer: string, error: Error }> }
  /** True with at least MIN_STORED_RECEIPTS storage receipts */
  durable: boolean
}

/** An operation or message that a member refused (forged, not allowed, from a non-member) */
export interface GroupRejection {
  group: string
  kind: 'group' | 'channel'
  /** The typed error's name, e.g. GroupPermissionError, InvalidSignatureError, UnknownSenderKeyError */
  reason: string
  message: string
}
