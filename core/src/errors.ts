/**
 * Named errors. Callers and tests switch on `.name`, never on the message.
 *
 * Input checks on raw bytes (wrong lengths, wrong types) throw the built-in
 * `TypeError`/`RangeError`; the classes below are protocol failures.
 */

/** A base class whose instances and constructor are named `name`: `class X extends namedError('X') {}` */
export function namedError (name: string): new (message: string) => Error {
  const NamedError = class extends Error {
    constructor (message: string) {
      super(message)
      this.name = name
    }
  }
  Object.defineProperty(NamedError, 'name', { value: name })
  return NamedError
}

/** A signature did not verify: bundle, device list, SIWE message, sender-key message */
export class InvalidSignatureError extends namedError('InvalidSignatureError') {}

/** A public key is malformed or low-order (X25519 result would be all zero) */
export class InvalidPublicKeyError extends namedError('InvalidPublicKeyError') {}

/** An AEAD tag did not verify: the bytes were altered or the key is wrong */
export class DecryptionError extends namedError('DecryptionError') {}

/** Bytes that do not parse as the structure they claim to be */
export class MalformedMessageError extends namedError('MalformedMessageError') {}

/** A message was larger than the protocol allows */
export class MessageTooLargeError extends namedError('MessageTooLargeError') {}

/** A version or type byte this implementation does not speak */
export class UnsupportedVersionError extends namedError('UnsupportedVersionError') {}

/** The message key was already used (a replay or a duplicate) or has been evicted */
export class DuplicateMessageError extends namedError('DuplicateMessageError') {}

/** A message would skip more chain steps than MAX_FORWARD_JUMP */
export class TooManySkippedMessagesError extends namedError('TooManySkippedMessagesError') {}

/** A prekey envelope names a prekey this device does not have (or a one-time prekey already used) */
export class UnknownPrekeyError extends namedError('UnknownPrekeyError') {}

/** No session matches an incoming message */
export class UnknownSessionError extends namedError('UnknownSessionError') {}

/** A device list or prekey bundle is inconsistent (wrong user, unknown device, stale version...) */
export class InvalidRecordError extends namedError('InvalidRecordError') {}

/** A Sign-In with Ethereum authorization is not the one Hypha expects (wrong chain, address, statement...) */
export class InvalidSiweMessageError extends namedError('InvalidSiweMessageError') {}

/** A user id that is neither a valid did:key (Ed25519) nor a did:pkh (eip155:1) */
export class InvalidUserIdError extends namedError('InvalidUserIdError') {}

/** A backup could not be opened with the passphrase given (or it was altered) */
export class WrongPassphraseError extends namedError('WrongPassphraseError') {}

/** A backup file that is not a Hypha backup, or has parameters out of bounds */
export class InvalidBackupError extends namedError('InvalidBackupError') {}

/**
 * A rendezvous point answered with a status other than OK. `.status` is the
 * spec's ResponseStatus name: 'E_INVALID_NAMESPACE', 'E_INVALID_SIGNED_PEER_RECORD',
 * 'E_INVALID_TTL', 'E_INVALID_COOKIE', 'E_NOT_AUTHORIZED', 'E_INTERNAL_ERROR'
 * or 'E_UNAVAILABLE'
 */
export class RendezvousError extends namedError('RendezvousError') {
  readonly status: string

  constructor (message: string, status = 'E_INTERNAL_ERROR') {
    super(message)
    this.status = status
  }
}

/** A rendezvous frame that does not parse, is too large, is cut short, or has a type that does not belong where it came */
export class InvalidRendezvousMessageError extends namedError('InvalidRendezvousMessageError') {}

/** A contact, or a contact's records, could not be found */
export class ContactNotFoundError extends namedError('ContactNotFoundError') {}

/** A database that holds no identity yet */
export class NoIdentityError extends namedError('NoIdentityError') {}

/* ---- Mailboxes: a refusal from a mailbox node, or a client-side check of what it sent ---- */

/** An inbox is over its count or byte quota on a mailbox node, or the node is full */
export class QuotaExceededError extends namedError('QuotaExceededError') {}

/** An envelope over the mailbox node's size limit */
export class EnvelopeTooLargeError extends namedError('EnvelopeTooLargeError') {}

/** A deposit stamp with too few leading zero bits, a stale day or a nonce too long */
export class InvalidStampError extends namedError('InvalidStampError') {}

/** A FETCH or ACK whose signature does not verify, or with no fresh challenge on its stream */
export class UnauthorizedError extends namedError('UnauthorizedError') {}

/** A peer deposited faster than the mailbox node's rate limit */
export class RateLimitedError extends namedError('RateLimitedError') {}

/** A mailbox frame that does not parse, is too large, is cut short, or lacks or misuses a field */
export class InvalidMailboxMessageError extends namedError('InvalidMailboxMessageError') {}

/** A storage receipt that does not verify against the mailbox node that was dialled, or does not match the deposit */
export class InvalidReceiptError extends namedError('InvalidReceiptError') {}

/**
 * A mailbox node failed for a reason of its own (status E_INTERNAL_ERROR).
 * `.status` is the response status name.
 */
export class MailboxError extends namedError('MailboxError') {
  readonly status: string

  constructor (message: string, status = 'E_INTERNAL_ERROR') {
    super(message)
    this.status = status
  }
}

/* ---- Groups and channels ---- */

/** No group or channel by that id or name on this device */
export class GroupNotFoundError extends namedError('GroupNotFoundError') {}

/** An operation or message its author may not make: not an admin, not a member, removed, or not the channel's owner */
export class GroupPermissionError extends namedError('GroupPermissionError') {}

/** A group message under a sender key this device does not hold (yet) or that was revoked */
export class UnknownSenderKeyError extends namedError('UnknownSenderKeyError') {}

/** A channel invite link that does not parse or holds invalid keys */
export class InvalidInviteError extends namedError('InvalidInviteError') {}

/** A group's log or member list would grow past its limit (MAX_GROUP_OPS, MAX_GROUP_LOG_BYTES, MAX_GROUP_MEMBERS) */
export class GroupFullError extends namedError('GroupFullError') {}
