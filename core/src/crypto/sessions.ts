/**
 * All the sessions of one device: picks the session for an outgoing message,
 * routes an incoming envelope to its session (or accepts a new one), and
 * rejects replays of prekey envelopes.
 *
 * In memory; the store issue persists the same state.
 */

import { fromString } from 'uint8arrays/from-string'
import { DecryptionError, DuplicateMessageError, MessageTooLargeError, MalformedMessageError, UnknownSessionError, UnsupportedVersionError } from '../errors.ts'
import { MAX_ENVELOPE_BYTES, MAX_SEEN_BASE_KEYS } from '../protocol/constants.ts'
import { hex, own } from '../utils/bytes.ts'
import { RATCHET_MESSAGE_TYPE, parseRatchetMessage } from './ratchet.ts'
import { PREKEY_ENVELOPE_TYPE, Session, acceptSession, decodePrekeyEnvelope, initiateSession } from './session.ts'
import type { VerifiedBundle } from './prekeys.ts'
import type { LocalDevice, PrekeyStore, RemoteDevice, SessionOptions } from './session.ts'
import type { DeviceSessions, SessionManagerRecord } from '../protocol/pb/store.ts'

/** Sessions kept per remote device: the newest is used to send; older ones still decrypt late messages */
export const MAX_SESSIONS_PER_DEVICE = 4

export interface DecryptedMessage {
  plaintext: Uint8Array
  /** The device that sent it, authenticated by the session */
  sender: RemoteDevice
  /** True when this message started a new session */
  newSession: boolean
}

export class SessionManager {
  private readonly self: LocalDevice
  private readonly prekeys: PrekeyStore
  private readonly options: SessionOptions
  /** remote device signing key (hex) -> sessions, most recently used first */
  private readonly byDevice = new Map<string, Session[]>()
  /** base keys (hex) of accepted prekey envelopes, oldest first, with their session while it is kept */
  private readonly seenBaseKeys = new Map<string, Session | undefined>()
  /** What changed since the last `changes()`: devices (hex) whose sessions changed, and the replay memory */
  private readonly dirtyDevices = new Set<string>()
  private dirtyBaseKeys = false

  constructor (self: LocalDevice, prekeys: PrekeyStore, options: SessionOptions = {}) {
    this.self = self
    this.prekeys = prekeys
    this.options = options
  }

  /** The session used to send to this device, if any */
  session (remoteSigningKey: Uint8Array): Session | undefined {
    return this.byDevice.get(hex(remoteSigningKey))?.[0]
  }

  /** Starts a session from a verified bundle; it becomes the one used to send */
  async initiate (bundle: VerifiedBundle): Promise<Session> {
    const session = await initiateSession(this.self, bundle, this.options)
    this.promote(session)
    return session
  }

  /** Encrypts for a device with an existing session; UnknownSessionError when there is none */
  async encrypt (remoteSigningKey: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    const session = this.session(remoteSigningKey)
    if (session == null) { throw new UnknownSessionError('no session with this device: fetch its bundle and initiate one') }
    this.dirtyDevices.add(hex(remoteSigningKey))
    return session.encrypt(plaintext)
  }

  /**
   * Decrypts any 1:1 envelope. Typed errors: MessageTooLargeError,
   * UnsupportedVersionError, MalformedMessageError, UnknownSessionError,
   * UnknownPrekeyError, DecryptionError, DuplicateMessageError,
   * TooManySkippedMessagesError, InvalidSignatureError/InvalidRecordError
   * (a bad sender certificate).
   */
  async decrypt (envelope: Uint8Array): Promise<DecryptedMessage> {
    if (envelope.length > MAX_ENVELOPE_BYTES) {
      throw new MessageTooLargeError(`envelope of ${envelope.length} bytes is over the ${MAX_ENVELOPE_BYTES}-byte limit`)
    }
    if (envelope.length === 0) { throw new MalformedMessageError('empty envelope') }
    if (envelope[0] === PREKEY_ENVELOPE_TYPE) { return this.decryptPrekey(envelope) }
    if (envelope[0] === RATCHET_MESSAGE_TYPE) { return this.decryptRatchet(envelope) }
    throw new UnsupportedVersionError(`unknown envelope type 0x${envelope[0].toString(16).padStart(2, '0')}`)
  }

  private async decryptPrekey (envelope: Uint8Array): Promise<DecryptedMessage> {
    const parsed = decodePrekeyEnvelope(envelope)
    const baseKey = hex(parsed.baseKey)
    const known = this.seenBaseKeys.get(baseKey)
    if (known == null && this.seenBaseKeys.has(baseKey)) {
      throw new DuplicateMessageError('this prekey envelope\'s session was already accepted (and has since been dropped)')
    }
    if (known != null) {
      // a later prekey envelope of a session we have, or a replay: the ratchet tells which, once the
      // envelope is shown to repeat the one that started the session (the ratchet checks only the message)
      if (!known.startedBy(parsed)) {
        throw new DecryptionError('prekey envelope differs from the one that started its session: altered')
      }
      const plaintext = await known.decrypt(parsed.message)
      this.promote(known)
      return { plaintext, sender: known.remote, newSession: false }
    }
    const accepted = await acceptSession(this.self, this.prekeys, envelope, this.options)
    this.seenBaseKeys.set(hex(parsed.baseKey), accepted.session)
    this.dirtyBaseKeys = true
    while (this.seenBaseKeys.size > MAX_SEEN_BASE_KEYS) {
      this.seenBaseKeys.delete(this.seenBaseKeys.keys().next().value as string)
    }
    this.promote(accepted.session)
    return { plaintext: accepted.plaintext, sender: accepted.session.remote, newSession: true }
  }

  private async decryptRatchet (envelope: Uint8Array): Promise<DecryptedMessage> {
    const { header } = parseRatchetMessage(envelope)
    let lastError: Error | undefined
    for (const sessions of this.byDevice.values()) {
      for (const session of sessions) {
        if (!session.recognizes(header)) { continue }
        try {
          const plaintext = await session.decrypt(envelope)
          this.promote(session)
          return { plaintext, sender: session.remote, newSession: false }
        } catch (err: any) {
          // a 4-byte hint can collide: keep looking, report the most telling error
          if (lastError == null || err.name === DuplicateMessageError.name || !(err instanceof DecryptionError)) { lastError = err }
        }
      }
    }
    throw lastError ?? new UnknownSessionError('no session matches this message')
  }

  /**
   * Messages known to be missing, by remote device (hex signing key): a later
   * message of the same chain arrived, so the ratchet keeps their keys.
   */
  missing (): Map<string, number> {
    const out = new Map<string, number>()
    for (const [device, sessions] of this.byDevice) {
      const count = sessions.reduce((n, s) => n + s.missing, 0)
      if (count > 0) { out.set(device, count) }
    }
    return out
  }

  /** Every session and the replay memory, to store (secrets included) */
  toRecord (): SessionManagerRecord {
    return {
      devices: [...this.byDevice].map(([key, sessions]) => ({
        remoteSigningKey: own(fromString(key, 'base16')),
        sessions: sessions.map(s => s.toRecord())
      })),
      seenBaseKeys: [...this.seenBaseKeys.keys()].map(k => own(fromString(k, 'base16')))
    }
  }

  /**
   * What changed since the last call, to store: the sessions of each device
   * that changed (all of that device's sessions) and, when it changed, the
   * replay memory. A write then costs one device, not every contact.
   */
  changes (): { devices: DeviceSessions[], seenBaseKeys?: Uint8Array[] } {
    const devices: DeviceSessions[] = []
    for (const key of this.dirtyDevices) {
      devices.push({ remoteSigningKey: own(fromString(key, 'base16')), sessions: (this.byDevice.get(key) ?? []).map(s => s.toRecord()) })
    }
    this.dirtyDevices.clear()
    const seenBaseKeys = this.dirtyBaseKeys ? [...this.seenBaseKeys.keys()].map(k => own(fromString(k, 'base16'))) : undefined
    this.dirtyBaseKeys = false
    return { devices, seenBaseKeys }
  }

  /** Restores what `toRecord` stored */
  static fromRecord (self: LocalDevice, prekeys: PrekeyStore, record: SessionManagerRecord, options: SessionOptions = {}): SessionManager {
    const manager = new SessionManager(self, prekeys, options)
    const byBaseKey = new Map<string, Session>()
    for (const device of record.devices) {
      const sessions = device.sessions.slice(0, MAX_SESSIONS_PER_DEVICE).map(r => Session.fromRecord(r, options))
      manager.byDevice.set(hex(device.remoteSigningKey), sessions)
      for (const session of sessions) {
        byBaseKey.set(hex(session.baseKey), session)
      }
    }
    for (const key of record.seenBaseKeys.slice(-MAX_SEEN_BASE_KEYS)) {
      manager.seenBaseKeys.set(hex(key), byBaseKey.get(hex(key)))
    }
    return manager
  }

  private promote (session: Session): void {
    const key = hex(session.remote.signingKey)
    const list = (this.byDevice.get(key) ?? []).filter(s => s !== session)
    list.unshift(session)
    for (const dropped of list.splice(MAX_SESSIONS_PER_DEVICE)) {
      this.forget(dropped)
    }
    this.byDevice.set(key, list)
    this.dirtyDevices.add(key)
  }

  /** Forget a session dropped from the device list, keeping its base key for replay detection */
  private forget (session: Session): void {
    const key = hex(session.baseKey)
    if (this.seenBaseKeys.get(key) === session) {
      this.seenBaseKeys.set(key, undefined)
      this.dirtyBaseKeys = true
    }
  }
}
