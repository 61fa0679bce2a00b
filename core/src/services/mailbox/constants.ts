/**
 * The mailbox protocol's identifier and the domain-separation strings of
 * everything it hashes or signs (PROTOCOL.md section 18). The limits are in
 * `src/protocol/constants.ts`, with the rest of the protocol's limits.
 */

import { MAILBOX_PROTOCOL } from '../../protocol/constants.ts'

export { MAILBOX_PROTOCOL }

/** `tag = SHA-256(utf8(MAILBOX_TAG_CONTEXT) || inbox key)`: names an inbox without naming its key */
export const MAILBOX_TAG_CONTEXT = 'hypha-mailbox-tag/1'

/** `SHA-256(utf8(STAMP_CONTEXT) || tag || envelope hash || u32be(day) || nonce)` must start with `difficulty` zero bits */
export const STAMP_CONTEXT = 'hypha-stamp/1'

/** `depositor id = SHA-256(utf8(MAILBOX_DEPOSITOR_CONTEXT) || peer id multihash)[0..16]`: who deposited, for the depositor's share (node storage only) */
export const MAILBOX_DEPOSITOR_CONTEXT = 'hypha-mailbox-depositor/1'

/** Length of a depositor id */
export const DEPOSITOR_ID_LENGTH = 16

/** Signed by the mailbox node's libp2p key: a storage receipt */
export const RECEIPT_CONTEXT = 'hypha-mailbox-receipt/1'

/** Signed by the inbox key: a FETCH */
export const FETCH_CONTEXT = 'hypha-mailbox-fetch/1'

/** Signed by the inbox key: an ACK */
export const ACK_CONTEXT = 'hypha-mailbox-ack/1'

/** Signed by the device signing key: a mailbox-list DHT record */
export const MAILBOX_LIST_CONTEXT = 'hypha-mailbox-list/1'

/** Length of an inbox tag, an envelope hash and an inbox key */
export const INBOX_TAG_LENGTH = 32
export const HASH_LENGTH = 32

/** Length of the opaque cursor a mailbox node hands out: u64be(sequence number of the last entry seen) */
export const CURSOR_LENGTH = 8

/** Milliseconds in a UTC day: stamps name their day as floor(ms / DAY_MS) */
export const DAY_MS = 24 * 60 * 60 * 1000
