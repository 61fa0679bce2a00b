/**
 * Named errors of the browser app. The UI and the tests switch on `.name`,
 * never on the message.
 */

import { namedError as named } from '@hypha/core'

/** `config.json` (or a saved setting) is not what the app expects */
export class InvalidConfigError extends named('InvalidConfigError') {}

/** A bootstrap address the browser cannot use: not a multiaddr, not ws/wss, no `/p2p/<peer id>` */
export class InvalidBootstrapAddressError extends named('InvalidBootstrapAddressError') {}

/** No bootstrap node could be reached, or none serves the DHT */
export class BootstrapError extends named('BootstrapError') {}

/** The key store (IndexedDB `hypha-keys`) could not be read or written */
export class KeyStoreError extends named('KeyStoreError') {}

/** The stored data key does not open the database: the keys and the messages come from different installs */
export class KeyMismatchError extends named('KeyMismatchError') {}

/** What was typed as a contact is neither a user id nor an invite link */
export class InvalidContactInputError extends named('InvalidContactInputError') {}

/** A backup file over the size limit, or a passphrase too short */
export class BackupInputError extends named('BackupInputError') {}

/** The wallet refused, has no account, or answered with something unusable */
export class WalletError extends named('WalletError') {}

/** An in-memory queue is full (see the constant named in the message) */
export class QueueFullError extends named('QueueFullError') {}

/** A contact was found at the rendezvous points but could not be reached */
export class DirectConnectionError extends named('DirectConnectionError') {}
