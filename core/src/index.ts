/**
 * @packageDocumentation
 *
 * Hypha's core: identities (did:key key pairs and did:pkh Ethereum wallets),
 * device lists, safety numbers and encrypted backups; the PQXDH-style hybrid
 * handshake (X25519 + ML-KEM-768), the Double Ratchet, sealed prekey
 * envelopes and group sender keys. Isomorphic: the same code runs in Node.js
 * and in a browser tab. PROTOCOL.md (repository root) gives every byte.
 *
 * @example
 *
 * ```TypeScript
 * import { createIdentity, currentBundle, localDevice, prekeyStore, verifyBundle, verifyDeviceList, SessionManager } from '@hypha/core'
 *
 * const alice = await createIdentity({ name: 'Alice' })
 * const bob = await createIdentity({ name: 'Bob' })
 *
 * // Alice fetched Bob's device list and bundle (from the DHT, later) and checks them
 * const bobDevices = await verifyDeviceList(bob.deviceList, bob.userId)
 * const bundle = await verifyBundle(currentBundle(bob), bobDevices)
 *
 * const aliceSessions = new SessionManager(localDevice(alice), prekeyStore(alice))
 * const bobSessions = new SessionManager(localDevice(bob), prekeyStore(bob))
 *
 * await aliceSessions.initiate(bundle)
 * const envelope = await aliceSessions.encrypt(bundle.signingKey, new TextEncoder().encode('hello'))
 * const { plaintext, sender } = await bobSessions.decrypt(envelope)
 * // sender.userId === alice.userId
 * ```
 */

export * from './errors.ts'
export * as constants from './protocol/constants.ts'

export { curves, nobleCurves, webCryptoCurves } from './crypto/primitives/index.ts'
export type { Curves } from './crypto/primitives/index.ts'
export { seal, open, SEAL_OVERHEAD } from './crypto/aead.ts'
export { systemRandom } from './crypto/random.ts'
export type { RandomSource } from './crypto/random.ts'

export { parseUserId, didKeyFromPublicKey, didPkhFromAddress, checksumAddress } from './identity/did.ts'
export type { ParsedUserId } from './identity/did.ts'
export {
  createKeyPairAccount, keyPairAccountFromSecret, walletAccount, walletAccountFromUserId, generateDeviceKeys,
  signDeviceList, authorizeDeviceList, verifyDeviceList, findDevice, encodeSignedDeviceList, decodeSignedDeviceList
} from './identity/device.ts'
export type { Account, KeyPairAccount, WalletAccount, WalletSigner, DeviceKeys, DeviceRecordFields, VerifiedDeviceList } from './identity/device.ts'
export { renderSiweMessage, verifySiweProof, recoverPersonalSigner, personalMessageHash, deviceListResource } from './identity/siwe.ts'
export type { SiweFields, SiweProofFields } from './identity/siwe.ts'
export { fingerprint, safetyNumber, formatSafetyNumber, safetyQrPayload, verifySafetyQr } from './identity/fingerprint.ts'
export { createIdentity, createWalletIdentity, checkIdentity, localDevice, currentBundle, prekeyStore } from './identity/identity.ts'
export type { LocalIdentity, CreateIdentityOptions } from './identity/identity.ts'
export { exportBackup, importBackup } from './identity/backup.ts'
export { encodeIdentity, decodeIdentity } from './identity/identity-record.ts'
export { SessionManagerRecord, SessionRecord } from './protocol/pb/store.ts'
export type { ExportBackupOptions } from './identity/backup.ts'
export type { KeyPair } from './identity/keys.ts'

export { createBundle, encodeBundle, decodeBundle, verifyBundle, generateSignedPrekey, generateKemPrekey, generateOneTimePrekeys } from './crypto/prekeys.ts'
export type { VerifiedBundle, SignedX25519Prekey, SignedKemPrekey, OneTimePrekey } from './crypto/prekeys.ts'
export { Session, initiateSession, acceptSession, PREKEY_ENVELOPE_TYPE } from './crypto/session.ts'
export type { LocalDevice, PrekeyStore, RemoteDevice, SessionOptions, AcceptedSession } from './crypto/session.ts'
export { SessionManager, MAX_SESSIONS_PER_DEVICE } from './crypto/sessions.ts'
export type { DecryptedMessage } from './crypto/sessions.ts'
export { parseRatchetMessage, RATCHET_MESSAGE_TYPE } from './crypto/ratchet.ts'
export { SenderKey, SenderKeyReceiver, parseSenderKeyMessage, SENDER_KEY_MESSAGE_TYPE } from './crypto/sender-keys.ts'

export { deviceListKey, bundleKey, userIdHash, parseRecordKey, validateRecord, hyphaValidator, hyphaSelector, hyphaRecords, RECORD_NAMESPACE } from './services/records/index.ts'
export type { HyphaRecordKey, ValidatedRecord } from './services/records/index.ts'

export { Messenger, inboxTopic, envelopeId, saveIdentity } from './messenger.ts'
export type { MessengerInit, MessengerMesh, MessengerPresence, MessengerEvents, ReceivedMessage, SendResult } from './messenger.ts'
export { MessengerStore } from './store/messenger-store.ts'
export type { Contact, StoredMessage, DeliveryState, Direction } from './store/messenger-store.ts'
export { dhtOptions, gossipsubOptions, pingOptions, inboxTopics, inboxEnvelopeValidator, checkInboxEnvelope, inboxTopicScoreParams, PublishPacer } from './services/mesh-options.ts'
export type { InboxValidator, InboxValidatorInit, InboxTopicScoreParams } from './services/mesh-options.ts'

export { rendezvousServer, rendezvousClient, rendezvousNamespace } from './services/rendezvous/index.ts'
export type {
  RendezvousServer, RendezvousServerInit, RendezvousServerComponents, RendezvousClient, RendezvousInit, RendezvousClientComponents,
  RegisterOptions, RegisterResult, DiscoverOptions, DiscoverResult, RendezvousRegistration
} from './services/rendezvous/index.ts'
export * as rendezvousConstants from './services/rendezvous/constants.ts'
export { rendezvousPresence } from './services/rendezvous/presence.ts'
export type { PresenceNode } from './services/rendezvous/presence.ts'

export { mailboxServer, mailboxClient, mailboxTag, verifyReceipt, mintStamp, checkStamp, stampBits, utcDay } from './services/mailbox/index.ts'
export type {
  MailboxServer, MailboxServerInit, MailboxServerComponents, MailboxClient, MailboxClientInit, MailboxClientComponents, MailboxInfo,
  MailboxPage, MailboxPageEntry, DepositOptions, DepositAllResult, FetchOptions, MailboxReceipt, MailboxReceiptFields, MailboxSigner, Stamp, MailboxUsage
} from './services/mailbox/index.ts'
export * as mailboxConstants from './services/mailbox/constants.ts'
export { TokenBuckets } from './services/mailbox/rate-limit.ts'
export type { TokenBucketsInit } from './services/mailbox/rate-limit.ts'
export { mailboxListKey, createMailboxList, encodeMailboxList, decodeMailboxList, verifyMailboxList } from './services/records/index.ts'
export type { VerifiedMailboxList } from './services/records/index.ts'
export { SignedMailboxList, MailboxRequest, MailboxResponse, RequestType } from './protocol/pb/mailbox.ts'
export { Message as RendezvousMessage } from './protocol/pb/rendezvous.ts'
export { BackupFile } from './protocol/pb/backup.ts'
export { libp2pMailboxes } from './services/mailbox-peers.ts'
export type { MailboxNode } from './services/mailbox-peers.ts'
export type { MessengerMailboxes, SyncResult } from './messenger.ts'
export { atRestCipher, sealedEncoding } from './store/at-rest.ts'
export type { AtRest } from './store/at-rest.ts'
export { dialBootstrap, waitForDht, waitForMailboxes, waitUntil, upgradeToWebRTC, BOOTSTRAP_DIAL_ATTEMPTS, BOOTSTRAP_DIAL_BACKOFF, WEBRTC_UPGRADE_ATTEMPTS, WEBRTC_ATTEMPT_TIMEOUT } from './services/join-mesh.ts'
export type { DialBootstrapOptions } from './services/join-mesh.ts'
export { GroupEngine, parseChannelInvite, channelInviteLink, CHANNEL_LINK_PREFIX } from './groups/engine.ts'
export type { GroupHost } from './groups/engine.ts'
export { MembershipLog, signOp, verifyOp, OpKind } from './groups/log.ts'
export type { GroupState, MemberState, VerifiedOp } from './groups/log.ts'
export { groupTopic, groupHint, entryHint, groupInboxKey, wrapGroupMessage, encodeKeyPackages, decodeKeyPackage, parseGroupEnvelope, sealChannelPost, openChannelPost } from './groups/wire.ts'
export type { GroupInfo, GroupMember, ChannelInfo, GroupMessage, GroupSendResult, GroupRejection } from './groups/types.ts'
export { GroupOp, SignedGroupOp, GroupContent, GroupControl, ChannelInvite, ChannelPost, ChannelControl } from './protocol/pb/group.ts'
export { KeyPackage } from './protocol/pb/key-package.ts'
