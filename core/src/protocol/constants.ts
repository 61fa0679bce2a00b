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

/** How long a send keeps retrying a publish that found no peer on the topic (ms) */
export const PUBLISH_TIMEOUT = 15_000
