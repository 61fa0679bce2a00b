/**
 * Every limit of the Hypha wire protocol, by name. PROTOCOL.md section
 * "Limits" quotes these values; change both together.
 */

/** Version of the crypto wire formats described in PROTOCOL.md */
export const PROTOCOL_VERSION = 1

/** XChaCha20-Poly1305: key, nonce and tag lengths (PROTOCOL.md "Primitives") */
export const KEY_LENGTH = 32
export const NONCE_LENGTH = 24
export const TAG_LENGTH = 16

/** Ed25519 and X25519 key and signature lengths */
export const PUBLIC_KEY_LENGTH = 32
export const SECRET_KEY_LENGTH = 32
export const SIGNATURE_LENGTH = 64

/** ML-KEM-768 (FIPS 203) sizes */
export const KEM_PUBLIC_KEY_LENGTH = 1184
export const KEM_SECRET_KEY_LENGTH = 2400
export const KEM_CIPHERTEXT_LENGTH = 1088
export const KEM_SEED_LENGTH = 64

/**
 * Double Ratchet bounds, the same as Signal's libsignal:
 * at most this many skipped message keys are kept per session (oldest evicted first)
 */
export const MAX_SKIPPED_MESSAGE_KEYS = 2_000

/** A message that would advance a chain by more than this many steps is rejected */
export const MAX_FORWARD_JUMP = 25_000

/**
 * Chain steps computed for messages not yet authenticated (skipping ahead in
 * a ratchet or sender-key chain), per device (process): at most
 * CHAIN_STEP_BURST at once, then CHAIN_STEP_RATE a second. Anyone who saw one
 * envelope of a session can forge its header with a counter up to
 * MAX_FORWARD_JUMP ahead, which costs the receiver that many HMAC steps before
 * the tag refuses it; the budget bounds that work (RateLimitedError).
 */
export const CHAIN_STEP_BURST = 4 * MAX_FORWARD_JUMP
export const CHAIN_STEP_RATE = 2_000

/**
 * Steps a message may skip without drawing on that budget: the small gaps of
 * reordering and loss, so that a flood of forgeries never delays an honest
 * message that arrives a little out of order (a forgery within it costs a
 * millisecond or two)
 */
export const CHAIN_STEP_FREE = 64

/** Remote ratchet keys of finished chains remembered per session, to tell a late replay (DuplicateMessageError) from a new chain */
export const MAX_PREVIOUS_CHAINS = 128

/** Bytes of the recipient's ratchet key repeated in each ratchet message so it finds the session */
export const RATCHET_HINT_LENGTH = 4

/** Largest envelope (prekey, ratchet or sender-key message) accepted, in bytes */
export const MAX_ENVELOPE_BYTES = 256 * 1024

/** Largest plaintext: it fits an envelope with room for every header (a prekey envelope with a full 8 KiB device list adds under 10 KiB) */
export const MAX_PLAINTEXT_BYTES = MAX_ENVELOPE_BYTES - 16 * 1024

/** Devices one account may list */
export const MAX_DEVICES = 16

/** Largest encoded device list (a SIWE proof is ~700 bytes; 16 devices of ~100 bytes) */
export const MAX_DEVICE_LIST_BYTES = 8 * 1024

/** Largest encoded prekey bundle (an ML-KEM-768 key is 1,184 bytes; a bundle is about 1.5 KiB) */
export const MAX_BUNDLE_BYTES = 4 * 1024

/** Longest user id string accepted */
export const MAX_USER_ID_LENGTH = 128

/** Longest display name kept in a backup */
export const MAX_NAME_LENGTH = 64

/** Base keys of accepted prekey envelopes remembered to reject replays, per device */
export const MAX_SEEN_BASE_KEYS = 10_000

/** One-time prekeys a device keeps published at once */
export const MAX_ONE_TIME_PREKEYS = 100

/** Safety numbers: SHA-512 iterations over each side's key (as Signal) */
export const FINGERPRINT_ITERATIONS = 5_200

/** Backup: scrypt cost (N = 2^logN, r, p) used for new files, and the range accepted when reading */
export const BACKUP_SCRYPT_LOG_N = 17
export const BACKUP_SCRYPT_R = 8
export const BACKUP_SCRYPT_P = 1
export const MIN_BACKUP_SCRYPT_LOG_N = 15
export const MAX_BACKUP_SCRYPT_LOG_N = 18
export const BACKUP_SALT_LENGTH = 32

/** Largest backup file read */
export const MAX_BACKUP_BYTES = 1024 * 1024

/** EIP-155 chain id that wallet accounts sign for (Ethereum mainnet) */
export const SIWE_CHAIN_ID = 1

/** Longest SIWE message accepted for verification */
export const MAX_SIWE_MESSAGE_LENGTH = 2_048

/* ---- The mesh (PROTOCOL.md "Mesh") ---- */

/** kad-dht protocol of the Hypha mesh (a private DHT, not the IPFS one) */
export const DHT_PROTOCOL = '/hypha/kad/1.0.0'

/** DHT record key prefixes; the validator/selector key is their first segment, 'hypha' */
export const DEVICE_LIST_RECORD_PREFIX = '/hypha/devices/'
export const BUNDLE_RECORD_PREFIX = '/hypha/bundle/'

/** Largest DHT record value accepted by Hypha's validator */
export const MAX_RECORD_BYTES = 16 * 1024

/** Gossipsub topic of an inbox bucket: prefix + two hex digits */
export const INBOX_TOPIC_PREFIX = 'hypha/inbox/1/'

/** Inbox buckets: the first byte of SHA-256(inbox key) picks one of 256 topics, each shared by many recipients */
export const INBOX_BUCKETS = 256

/**
 * Inbox envelopes a node accepts from one gossipsub neighbour (the peer that
 * handed it the envelope: StrictNoSign names no author), all inbox topics
 * together: a token bucket of INBOX_PUBLISH_BURST, refilled at
 * INBOX_PUBLISH_RATE a second. Past it the envelope is rejected, which costs
 * that neighbour gossipsub score (INBOX_INVALID_WEIGHT).
 */
export const INBOX_PUBLISH_RATE = 50
export const INBOX_PUBLISH_BURST = 100

/**
 * What a relay gets on top of INBOX_PUBLISH_RATE: a neighbour subscribed to
 * every inbox bucket (as bootstrap nodes are) forwards the traffic of many
 * peers over one link. Its status is looked up again after
 * INBOX_RELAY_RECHECK ms.
 */
export const INBOX_RELAY_RATE = 1_000
export const INBOX_RELAY_BURST = 2_000
export const INBOX_RELAY_RECHECK = 5_000

/** Neighbours whose inbox rate a node tracks (least recently used forgotten: a forgotten one starts full) */
export const INBOX_MAX_RATE_PEERS = 10_000

/**
 * A device paces its own inbox publishes (sends, receipts, group control) to
 * INBOX_SEND_RATE a second after a burst of INBOX_SEND_BURST: half of what its
 * neighbours accept, so that honest use is never rejected, whatever it sends.
 */
export const INBOX_SEND_RATE = 25
export const INBOX_SEND_BURST = 50

/**
 * Gossipsub score of the inbox topics: only rejected envelopes count (P4),
 * the square of their number per topic times INBOX_INVALID_WEIGHT (times the
 * topic weight INBOX_TOPIC_WEIGHT), decaying by INBOX_INVALID_DECAY every
 * second (a half-life of about 69 s). Time in mesh and delivery counts
 * (P1-P3b) are off: inbox traffic is sparse, and a quiet honest peer must not
 * lose score.
 */
export const INBOX_TOPIC_WEIGHT = 1
export const INBOX_INVALID_WEIGHT = -1
export const INBOX_INVALID_DECAY = 0.99

/**
 * Gossipsub score thresholds (gossipsub's defaults, named): below
 * GOSSIP_THRESHOLD a peer gets no gossip (IHAVE/IWANT), below
 * PUBLISH_THRESHOLD nothing is published to it, below GRAYLIST_THRESHOLD
 * everything it sends is ignored. Nine rejected envelopes on one topic
 * (-81) graylist a peer.
 */
export const GOSSIP_THRESHOLD = -10
export const PUBLISH_THRESHOLD = -50
export const GRAYLIST_THRESHOLD = -80

/** Rendezvous protocol (libp2p/specs rendezvous.md) */
export const RENDEZVOUS_PROTOCOL = '/rendezvous/1.0.0'

/** Contacts one device keeps */
export const MAX_CONTACTS = 10_000

/** Messages kept per conversation (the oldest go first) */
export const MAX_HISTORY_PER_CONTACT = 10_000

/** Envelope ids remembered in memory to drop gossip duplicates before decrypting */
export const MAX_SEEN_ENVELOPES = 10_000

/** Republish this device's DHT records this often (ms) */
export const RECORD_REPUBLISH_INTERVAL = 60 * 60 * 1000

/**
 * Delivery receipts are batched per sender device: one receipt goes back once
 * no message from that device came in for RECEIPT_DELAY ms, at the latest
 * RECEIPT_MAX_DELAY ms after the first one it acknowledges, or as soon as it
 * holds MAX_RECEIPT_IDS ids. A burst of messages then turns the Double
 * Ratchet once instead of once per message.
 */
export const RECEIPT_DELAY = 100
export const RECEIPT_MAX_DELAY = 1_000
export const MAX_RECEIPT_IDS = 64

/**
 * Delivery receipts owed (written with their messages, deleted once sent)
 * that a device reads back when it starts: those a crash cut off
 */
export const MAX_OWED_RECEIPTS = 10_000

/**
 * Outgoing messages stored but not yet published nor deposited (state
 * "sending": a crash, or no peer at all, came in between) that a device sends
 * again when it starts, oldest first
 */
export const MAX_OUTBOX = 1_000

/** Envelopes waiting in a device's receive pipeline (processed one at a time, in arrival order) */
export const MAX_RECEIVE_QUEUE = 1_000

/** How long a send keeps retrying a publish that found no peer on the topic (ms) */
export const PUBLISH_TIMEOUT = 15_000

/** Mailboxes a device picks for its mailbox list (among connected nodes that run the service) */
export const MAILBOXES_PER_DEVICE = 3

/**
 * A deposit refused with RateLimitedError, cut by a stream or connection
 * that closed under it, or whose mailbox node refused the dial (restarting),
 * is tried again after DEPOSIT_RETRY_DELAY ms (times the attempt),
 * MAX_DEPOSIT_ATTEMPTS in all
 */
export const DEPOSIT_RETRY_DELAY = 1_000
export const MAX_DEPOSIT_ATTEMPTS = 3

/** Mailbox receipts a sender needs for each device before it counts a message "stored" */
export const MIN_STORED_RECEIPTS = 2

/** How long a contact device's mailbox list is cached before it is fetched from the DHT again (ms) */
export const MAILBOX_LIST_CACHE_TTL = 10 * 60 * 1000

/** Contact devices whose mailbox lists are cached */
export const MAX_CACHED_MAILBOX_LISTS = 1_000

/** A listening device fetches from its mailboxes this often (ms) */
export const MAILBOX_SYNC_INTERVAL = 5 * 60 * 1000

/** Entries one sync reads from one mailbox at most (pages of MAILBOX_MAX_PAGE_SIZE) */
export const MAX_SYNC_ENTRIES_PER_MAILBOX = 20_000

/* ---- Mailboxes (PROTOCOL.md "Mailboxes") ---- */

/** Protocol id of the offline mailbox service that bootstrap nodes run */
export const MAILBOX_PROTOCOL = '/hypha/mailbox/1.0.0'

/** DHT record key prefix of a device's mailbox list: prefix + hex(SHA-256(user id)) + '/' + hex(signing key) */
export const MAILBOX_LIST_RECORD_PREFIX = '/hypha/mailboxes/'

/** Mailboxes one device names in its mailbox list */
export const MAX_MAILBOXES_PER_LIST = 8

/** Longest peer id (multihash bytes) in a mailbox list or receipt; an Ed25519 peer id is 38 bytes */
export const MAX_PEER_ID_BYTES = 64

/**
 * Default stamp difficulty, in leading zero bits of SHA-256: 2^17 attempts
 * on average. Measured with mintStamp on the project machine (Node 24.21,
 * 2 cores, `@noble/hashes` 2.4: one SHA-256 compression per attempt, ~0.42 us):
 * 57 ms per stamp on average over 300 stamps (16 bits: 25 ms, 18 bits: 113 ms).
 */
export const MAILBOX_STAMP_DIFFICULTY = 17

/** Highest difficulty a mailbox may ask and a client agrees to mint (2^24 attempts, several seconds) */
export const MAX_STAMP_DIFFICULTY = 24

/** Longest stamp nonce accepted */
export const MAX_STAMP_NONCE_BYTES = 32

/** How long a mailbox keeps an envelope, in seconds (30 days) */
export const MAILBOX_RETENTION = 30 * 24 * 60 * 60

/** Largest envelope a mailbox stores: the largest envelope there is */
export const MAILBOX_MAX_ENVELOPE_BYTES = MAX_ENVELOPE_BYTES

/** Envelopes and envelope bytes one inbox may hold on one mailbox node */
export const MAILBOX_QUOTA_COUNT = 10_000
export const MAILBOX_QUOTA_BYTES = 64 * 1024 * 1024

/**
 * One depositor (remote peer id) may hold at most 1/MAILBOX_DEPOSITOR_SHARE
 * of an inbox's quota, count and bytes (1 turns the share off), so a peer
 * flooding one inbox leaves room for every other sender; never less than
 * MAILBOX_DEPOSITOR_MIN_ENVELOPES envelopes (small quotas behave as whole
 * quotas) and one envelope of the largest size (within the quota)
 */
export const MAILBOX_DEPOSITOR_SHARE = 8
export const MAILBOX_DEPOSITOR_MIN_ENVELOPES = 16

/** Envelopes and envelope bytes one mailbox node holds in all, every inbox together */
export const MAILBOX_MAX_TOTAL_COUNT = 1_000_000
export const MAILBOX_MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024

/** Entries and bytes (encoded entries) of one FETCH page */
export const MAILBOX_MAX_PAGE_SIZE = 64
export const MAILBOX_MAX_PAGE_BYTES = 1024 * 1024

/** Entries one FETCH reads at most, expired ones it skips included */
export const MAILBOX_MAX_FETCH_SCAN = 1_000

/** Hashes one ACK may name */
export const MAILBOX_MAX_ACK_HASHES = 256

/** Room in a frame for everything but envelopes (tag, stamp, cursor, status, field headers) */
export const MAILBOX_FRAME_OVERHEAD = 1024

/** Largest length-prefixed mailbox frame, either way: a full FETCH page and its headers */
export const MAILBOX_MAX_FRAME_BYTES = MAILBOX_MAX_PAGE_BYTES + MAILBOX_FRAME_OVERHEAD

/**
 * Deposits per remote peer: a token bucket of MAILBOX_DEPOSIT_BURST tokens,
 * one more every MAILBOX_DEPOSIT_INTERVAL ms (240 a minute). Each deposit also
 * costs its sender a stamp (about 50 ms of work), so a burst of a few hundred
 * chat messages from one peer goes through and a flood does not.
 */
export const MAILBOX_DEPOSIT_BURST = 240
export const MAILBOX_DEPOSIT_INTERVAL = 250

/** Token buckets a mailbox node keeps (least recently used dropped first) */
export const MAILBOX_MAX_RATE_BUCKETS = 10_000

/** FETCH/ACK challenge: random bytes, valid on its stream, once, for MAILBOX_CHALLENGE_TTL ms */
export const MAILBOX_CHALLENGE_BYTES = 32
export const MAILBOX_CHALLENGE_TTL = 30_000

/** Requests a mailbox node answers on one stream before closing it (a client sends two) */
export const MAILBOX_MAX_REQUESTS_PER_STREAM = 32

/** The server waits at most this long for each request on a stream, and for each response to be written (ms) */
export const MAILBOX_STREAM_TIMEOUT = 20_000

/** A client call (dial, requests, stamp) fails after this long (ms) */
export const MAILBOX_CLIENT_TIMEOUT = 30_000

/** Concurrent mailbox streams per connection */
export const MAILBOX_MAX_INBOUND_STREAMS = 16
export const MAILBOX_MAX_OUTBOUND_STREAMS = 16

/** How often a mailbox node deletes expired envelopes (ms), and how many per database batch */
export const MAILBOX_SWEEP_INTERVAL = 5 * 60 * 1000
export const MAILBOX_SWEEP_BATCH = 1_000

/** A client remembers a mailbox's INFO this long (ms), for at most this many mailboxes */
export const MAILBOX_INFO_TTL = 10 * 60 * 1000
export const MAILBOX_INFO_CACHE_SIZE = 256

/* ---- Groups and channels (PROTOCOL.md "Groups", "Channels") ---- */

/** Envelope types on an inbox bucket besides 0x01/0x02: a group message, a key package, a channel post */
export const GROUP_MESSAGE_TYPE = 0x04
export const KEY_PACKAGE_TYPE = 0x05
export const CHANNEL_POST_TYPE = 0x06

/** Length of the group (or channel) hint after the type byte, and of a key package entry's device hint */
export const GROUP_HINT_LENGTH = 8

/** Group and channel ids are this many random bytes */
export const GROUP_ID_LENGTH = 32

/** Members of a group, at most */
export const MAX_GROUP_MEMBERS = 1_000

/** Operations in a group's membership log, and their encoded size together (an invitation carries the whole log) */
export const MAX_GROUP_OPS = 4_096
export const MAX_GROUP_LOG_BYTES = 200 * 1024

/** Parents an operation names, and targets one operation adds or removes */
export const MAX_OP_PARENTS = 16
export const MAX_OP_TARGETS = MAX_GROUP_MEMBERS

/** Operations held until their parents arrive */
export const MAX_PENDING_OPS = 256

/** Group messages held until their sender key arrives (all groups together, oldest dropped first) */
export const MAX_PENDING_GROUP_MESSAGES = 512

/** Sender keys kept per member device: the current one and the one before (messages in flight during a rotation) */
export const MAX_SENDER_KEYS_PER_DEVICE = 2

/** Longest group or channel name, in UTF-16 code units */
export const MAX_GROUP_NAME_LENGTH = 100

/** Groups and channels one device keeps */
export const MAX_GROUPS = 1_000
export const MAX_CHANNELS = 1_000

/** Entries in one key package (larger distributions go in several) */
export const MAX_KEY_PACKAGE_ENTRIES = 1_000

/** Readers a channel owner keeps track of (for key rotation) */
export const MAX_CHANNEL_READERS = 10_000

/** Channel keys a reader keeps: the current epoch and the one before */
export const MAX_CHANNEL_EPOCHS = 2

/** Envelopes fetched from one group or channel inbox at one mailbox per sync */
export const MAX_GROUP_SYNC_ENTRIES = 10_000

/**
 * Outbound ping streams per connection. libp2p's connection monitor pings
 * every connection every 10 s on the ping protocol, and the DHT's routing
 * table pings new contacts through the same service; with the service's
 * default of 1 the two collide, the monitor's ping fails with
 * TooManyOutboundProtocolStreamsError and the monitor closes the connection
 * (to a bootstrap node, say), dropping what is published meanwhile.
 */
export const PING_MAX_OUTBOUND_STREAMS = 4
