/**
 * Sessions: the PQXDH-style hybrid handshake (X25519 + ML-KEM-768, HKDF-SHA256)
 * that starts a Double Ratchet, and the prekey envelope that carries the
 * first messages with the sender's identity sealed inside.
 * PROTOCOL.md "Handshake" and "Prekey envelope".
 *
 * Initiator A (device keys IK_A), responder B (bundle: IK_B, SPK_B, PQSPK_B, OPK_B?):
 *
 * ```
 * EK_A = fresh X25519 key pair
 * DH1 = X25519(IK_A, SPK_B)   DH2 = X25519(EK_A, IK_B)
 * DH3 = X25519(EK_A, SPK_B)   DH4 = X25519(EK_A, OPK_B) (if B offered one)
 * (CT, SS) = ML-KEM-768.Encaps(PQSPK_B)
 * SK = HKDF-SHA256(salt = 0^32, ikm = 0xFF^32 || DH1 || DH2 || DH3 [|| DH4] || SS,
 *                  info = "Hypha PQXDH v1 X25519 ML-KEM-768 SHA-256", 32)
 * AD = IK_A || IK_B
 * K_seal = HKDF-SHA256(salt = EK_A || SPK_B, ikm = DH3 || SS, info = "Hypha sealed sender v1", 32)
 * ```
 *
 * Nothing in a prekey envelope names the sender: IK_A and A's signed device
 * list travel inside `sealed_sender`, under K_seal, which only B can derive.
 */

import { sha256 } from '@noble/hashes/sha2.js'
import { ml_kem768 as mlKem768 } from '@noble/post-quantum/ml-kem.js'
import { equals } from 'uint8arrays/equals'
import { fromString } from 'uint8arrays/from-string'
import { DecryptionError, InvalidRecordError, MalformedMessageError, UnknownPrekeyError, UnsupportedVersionError } from '../errors.ts'
import { findDevice, verifyDeviceList } from '../identity/device.ts'
import { generateX25519 } from '../identity/keys.ts'
import { KEM_CIPHERTEXT_LENGTH, MAX_ENVELOPE_BYTES, MAX_PREVIOUS_CHAINS, MAX_SKIPPED_MESSAGE_KEYS, PUBLIC_KEY_LENGTH } from '../protocol/constants.ts'
import { PrekeyEnvelope } from '../protocol/pb/envelope.ts'
import { SenderCertificate } from '../protocol/pb/identity.ts'
import { concat, hex, own, wipe } from '../utils/bytes.ts'
import { open, seal } from './aead.ts'
import { hkdfSha256, INFO } from './kdf.ts'
import { curves } from './primitives/index.ts'
import { systemRandom } from './random.ts'
import { completeSendingChain, initiatorState, owesSendingChain, ratchetDecrypt, ratchetEncrypt, recognizes, responderState } from './ratchet.ts'
import type { OneTimePrekey, SignedKemPrekey, SignedX25519Prekey, VerifiedBundle } from './prekeys.ts'
import type { RandomSource } from './random.ts'
import type { RatchetHeader, RatchetState } from './ratchet.ts'
import type { DeviceKeys, VerifiedDeviceList } from '../identity/device.ts'
import type { SignedDeviceList } from '../protocol/pb/identity.ts'
import type { SessionRecord } from '../protocol/pb/store.ts'

export const PREKEY_ENVELOPE_TYPE = 0x01

const F = new Uint8Array(32).fill(0xff)
const ZERO_SALT = new Uint8Array(32)

/** This device, as the handshake needs it */
export interface LocalDevice {
  userId: string
  keys: DeviceKeys
  /** This account's signed device list, which must list `keys` */
  deviceList: SignedDeviceList
}

/** The prekeys a device holds secrets for. One-time prekeys are removed only after a successful handshake. */
export interface PrekeyStore {
  signedPrekey(id: number): SignedX25519Prekey | undefined | Promise<SignedX25519Prekey | undefined>
  kemPrekey(id: number): SignedKemPrekey | undefined | Promise<SignedKemPrekey | undefined>
  oneTimePrekey(id: number): OneTimePrekey | undefined | Promise<OneTimePrekey | undefined>
  removeOneTimePrekey(id: number): void | Promise<void>
}

/** The peer device of a session */
export interface RemoteDevice {
  userId: string
  signingKey: Uint8Array
  identityKey: Uint8Array
}

/** The fields every prekey envelope of a session repeats until the first reply */
type PendingPrekey = Omit<PrekeyEnvelope, 'message'>

export interface SessionOptions {
  random?: RandomSource
}

/**
 * One Double Ratchet session with one remote device. Operations are queued,
 * so concurrent calls never interleave on the state.
 */
export class Session {
  readonly remote: RemoteDevice
  /** The initiator's base key (hex is a handy id for the session) */
  readonly baseKey: Uint8Array
  private readonly state: RatchetState
  private pending?: PendingPrekey
  /**
   * Responder: `prekeyEnvelopeHead` of the envelope that started the session.
   * Later prekey envelopes of the session must repeat every field but the
   * message: the ratchet authenticates only the message, so without this
   * check an envelope with an altered KEM ciphertext, sealed sender or prekey
   * id would still be accepted (with the same content, under a new envelope id).
   */
  private readonly prekeyHead?: Uint8Array
  private readonly random: RandomSource
  private queue: Promise<unknown> = Promise.resolve()

  constructor (remote: RemoteDevice, baseKey: Uint8Array, state: RatchetState, pending: PendingPrekey | undefined, options: SessionOptions = {}, prekeyHead?: Uint8Array) {
    this.remote = remote
    this.baseKey = baseKey
    this.state = state
    this.pending = pending
    this.random = options.random ?? systemRandom
    this.prekeyHead = prekeyHead
  }

  /** True unless this session was started by a prekey envelope whose fields (all but the message) differ from `envelope`'s */
  startedBy (envelope: PrekeyEnvelope): boolean {
    return this.prekeyHead == null || equals(this.prekeyHead, prekeyEnvelopeHead(envelope))
  }

  /** True until the responder has answered: outgoing messages are prekey envelopes */
  get awaitingReply (): boolean {
    return this.pending != null
  }

  /** Encrypts `plaintext` into a wire envelope (0x01 prekey envelope or 0x02 ratchet message) */
  async encrypt (plaintext: Uint8Array): Promise<Uint8Array> {
    return this.serialize(async () => {
      await completeSendingChain(this.state)
      const message = ratchetEncrypt(this.state, plaintext, this.random)
      if (this.pending == null) { return message }
      return encodePrekeyEnvelope({ ...this.pending, message: own(message) })
    })
  }

  /** Decrypts a ratchet message (0x02) of this session */
  async decrypt (message: Uint8Array): Promise<Uint8Array> {
    return this.serialize(async () => {
      const plaintext = await ratchetDecrypt(this.state, message, this.random)
      // the responder answered: the handshake is complete
      this.pending = undefined
      if (owesSendingChain(this.state)) {
        // the next sending chain, off the path of this message: queued, so it runs right after
        void this.serialize(async () => completeSendingChain(this.state))
      }
      return plaintext
    })
  }

  /** Messages of this session known to be missing: keys kept for messages skipped by a later one (gap detection) */
  get missing (): number {
    return this.state.skipped.size
  }

  /** Cheap check, without crypto: could this session's keys open a message with this header? */
  recognizes (header: RatchetHeader): boolean {
    return recognizes(this.state, header)
  }

  /** The session as a record to store (secrets included: store it like a private key) */
  toRecord (): SessionRecord {
    const st = this.state
    return {
      remoteUserId: this.remote.userId,
      remoteSigningKey: own(this.remote.signingKey),
      remoteIdentityKey: own(this.remote.identityKey),
      baseKey: own(this.baseKey),
      ad: own(st.ad),
      rootKey: own(st.rootKey),
      dhsSecret: own(st.dhs.secretKey),
      dhsPublic: own(st.dhs.publicKey),
      dhr: st.dhr == null ? undefined : own(st.dhr),
      cks: st.cks == null ? undefined : own(st.cks),
      ns: st.ns,
      ckr: st.ckr == null ? undefined : own(st.ckr),
      nr: st.nr,
      pn: st.pn,
      skipped: [...st.skipped].map(([id, key]) => ({ id, key: own(key) })),
      previous: st.previous.map(h => own(fromString(h, 'base16'))),
      pending: this.pending == null ? undefined : PrekeyEnvelope.encode({ ...this.pending, message: new Uint8Array(0) }),
      prekeyHead: this.prekeyHead == null ? undefined : own(this.prekeyHead)
    }
  }

  /** A session from its stored record */
  static fromRecord (record: SessionRecord, options: SessionOptions = {}): Session {
    const copy = (b: Uint8Array): Uint8Array => Uint8Array.from(b)
    const state: RatchetState = {
      ad: copy(record.ad),
      rootKey: copy(record.rootKey),
      dhs: { secretKey: copy(record.dhsSecret), publicKey: copy(record.dhsPublic) },
      dhr: record.dhr == null ? undefined : copy(record.dhr),
      cks: record.cks == null ? undefined : copy(record.cks),
      ns: record.ns,
      ckr: record.ckr == null ? undefined : copy(record.ckr),
      nr: record.nr,
      pn: record.pn,
      skipped: new Map(record.skipped.slice(-MAX_SKIPPED_MESSAGE_KEYS).map(k => [k.id, copy(k.key)])),
      previous: record.previous.slice(-MAX_PREVIOUS_CHAINS).map(b => hex(b))
    }
    let pending: PendingPrekey | undefined
    if (record.pending != null) {
      const { message, ...rest } = PrekeyEnvelope.decode(record.pending)
      pending = rest
    }
    return new Session(
      { userId: record.remoteUserId, signingKey: copy(record.remoteSigningKey), identityKey: copy(record.remoteIdentityKey) },
      copy(record.baseKey),
      state,
      pending,
      options,
      record.prekeyHead == null ? undefined : copy(record.prekeyHead)
    )
  }

  private async serialize<T> (fn: () => T | Promise<T>): Promise<T> {
    const run = this.queue.then(fn)
    this.queue = run.catch(() => {})
    return run
  }
}

/** SHA-256 of a prekey envelope's fields but its message: the same in every prekey envelope of a session */
export function prekeyEnvelopeHead (envelope: PrekeyEnvelope): Uint8Array {
  return sha256(PrekeyEnvelope.encode({ ...envelope, message: new Uint8Array(0) }))
}

export function encodePrekeyEnvelope (envelope: PrekeyEnvelope): Uint8Array {
  return concat([Uint8Array.of(PREKEY_ENVELOPE_TYPE), PrekeyEnvelope.encode(envelope)])
}

export function decodePrekeyEnvelope (bytes: Uint8Array): PrekeyEnvelope {
  if (bytes.length === 0 || bytes[0] !== PREKEY_ENVELOPE_TYPE) { throw new UnsupportedVersionError(`not a prekey envelope (type ${bytes[0]})`) }
  if (bytes.length > MAX_ENVELOPE_BYTES) { throw new MalformedMessageError('prekey envelope too large') }
  let envelope: PrekeyEnvelope
  try {
    envelope = PrekeyEnvelope.decode(bytes.subarray(1))
  } catch (err: any) {
    throw new MalformedMessageError(`prekey envelope does not decode: ${err.message}`)
  }
  // one encoding per envelope: protobuf decoders tolerate variants (wire types, field order)
  if (!equals(PrekeyEnvelope.encode(envelope), bytes.subarray(1))) { throw new MalformedMessageError('prekey envelope is not canonically encoded') }
  if (envelope.baseKey.length !== PUBLIC_KEY_LENGTH) { throw new MalformedMessageError(`prekey envelope base key must be 32 bytes, got length=${envelope.baseKey.length}`) }
  if (envelope.kemCiphertext.length !== KEM_CIPHERTEXT_LENGTH) { throw new MalformedMessageError(`prekey envelope KEM ciphertext must be ${KEM_CIPHERTEXT_LENGTH} bytes, got length=${envelope.kemCiphertext.length}`) }
  return envelope
}

function sessionAd (initiatorIdentity: Uint8Array, responderIdentity: Uint8Array): Uint8Array {
  return concat([initiatorIdentity, responderIdentity])
}

function sharedKey (dhs: Uint8Array[], kemSecret: Uint8Array): Uint8Array {
  const ikm = concat([F, ...dhs, kemSecret])
  const sk = hkdfSha256(ikm, ZERO_SALT, INFO.handshake, 32)
  wipe(ikm)
  return sk
}

function sealKey (baseKey: Uint8Array, signedPrekey: Uint8Array, dh3: Uint8Array, kemSecret: Uint8Array): Uint8Array {
  const ikm = concat([dh3, kemSecret])
  const key = hkdfSha256(ikm, concat([baseKey, signedPrekey]), INFO.sealedSender, 32)
  wipe(ikm)
  return key
}

/**
 * Starts a session toward a device whose bundle was verified (`verifyBundle`).
 * The session's messages are prekey envelopes until the first reply.
 */
export async function initiateSession (self: LocalDevice, bundle: VerifiedBundle, options: SessionOptions = {}): Promise<Session> {
  const random = options.random ?? systemRandom
  const x = await curves()
  const ek = await generateX25519(random)
  const spk = bundle.signedPrekey.publicKey
  const [dh1, dh2, dh3, dh4] = await Promise.all([
    x.x25519(self.keys.identity.secretKey, spk),
    x.x25519(ek.secretKey, bundle.identityKey),
    x.x25519(ek.secretKey, spk),
    bundle.oneTimePrekey == null ? undefined : x.x25519(ek.secretKey, bundle.oneTimePrekey.publicKey)
  ])
  const { cipherText, sharedSecret } = mlKem768.encapsulate(bundle.kemPrekey.publicKey, random(32))
  const sk = sharedKey(dh4 == null ? [dh1, dh2, dh3] : [dh1, dh2, dh3, dh4], sharedSecret)
  const kSeal = sealKey(ek.publicKey, spk, dh3, sharedSecret)
  const certificate = SenderCertificate.encode({ deviceList: self.deviceList, signingKey: own(self.keys.signing.publicKey) })
  const sealedSender = seal(kSeal, certificate, ek.publicKey, random)
  const ad = sessionAd(self.keys.identity.publicKey, bundle.identityKey)
  const state = await initiatorState(sk, ad, spk, random)
  wipe(dh1, dh2, dh3, dh4, sharedSecret, sk, kSeal, ek.secretKey)
  return new Session(
    { userId: bundle.userId, signingKey: bundle.signingKey, identityKey: bundle.identityKey },
    ek.publicKey,
    state,
    {
      signedPrekeyId: bundle.signedPrekey.id,
      kemPrekeyId: bundle.kemPrekey.id,
      oneTimePrekeyId: bundle.oneTimePrekey?.id,
      baseKey: own(ek.publicKey),
      kemCiphertext: own(cipherText),
      sealedSender: own(sealedSender)
    },
    { random }
  )
}

export interface AcceptedSession {
  session: Session
  plaintext: Uint8Array
  /** The sender's verified device list */
  senderDeviceList: VerifiedDeviceList
}

/**
 * The responder side: opens a prekey envelope, checks the sender's
 * certificate, derives the session and decrypts the first message. The
 * one-time prekey, if any, is removed only once all of that succeeded.
 */
export async function acceptSession (self: LocalDevice, prekeys: PrekeyStore, bytes: Uint8Array, options: SessionOptions = {}): Promise<AcceptedSession> {
  const envelope = decodePrekeyEnvelope(bytes)
  const spk = await prekeys.signedPrekey(envelope.signedPrekeyId)
  if (spk == null) { throw new UnknownPrekeyError(`no signed prekey ${envelope.signedPrekeyId}`) }
  const kem = await prekeys.kemPrekey(envelope.kemPrekeyId)
  if (kem == null) { throw new UnknownPrekeyError(`no KEM prekey ${envelope.kemPrekeyId}`) }
  const opk = envelope.oneTimePrekeyId == null ? undefined : await prekeys.oneTimePrekey(envelope.oneTimePrekeyId)
  if (envelope.oneTimePrekeyId != null && opk == null) { throw new UnknownPrekeyError(`no one-time prekey ${envelope.oneTimePrekeyId} (already used?)`) }

  const x = await curves()
  const ek = envelope.baseKey
  const dh3 = await x.x25519(spk.keyPair.secretKey, ek)
  const kemSecret = mlKem768.decapsulate(envelope.kemCiphertext, kem.secretKey)
  const kSeal = sealKey(ek, spk.keyPair.publicKey, dh3, kemSecret)
  let certificate: SenderCertificate
  try {
    certificate = SenderCertificate.decode(open(kSeal, envelope.sealedSender, ek))
  } catch (err) {
    if (err instanceof DecryptionError) { throw new DecryptionError('sealed sender does not open: not for this device, or altered') }
    throw new MalformedMessageError('sealed sender certificate does not decode')
  }
  if (certificate.deviceList == null) { throw new InvalidRecordError('sender certificate has no device list') }
  const senderDeviceList = await verifyDeviceList(certificate.deviceList)
  const device = findDevice(senderDeviceList, certificate.signingKey)
  if (device == null) { throw new InvalidRecordError('sender device is not in its account\'s device list') }

  const [dh1, dh2, dh4] = await Promise.all([
    x.x25519(spk.keyPair.secretKey, device.identityKey),
    x.x25519(self.keys.identity.secretKey, ek),
    opk == null ? undefined : x.x25519(opk.keyPair.secretKey, ek)
  ])
  const sk = sharedKey(dh4 == null ? [dh1, dh2, dh3] : [dh1, dh2, dh3, dh4], kemSecret)
  wipe(dh1, dh2, dh3, dh4, kemSecret, kSeal)
  // the signed prekey stays with the device; the session gets its own copy
  const ratchetKey = { secretKey: Uint8Array.from(spk.keyPair.secretKey), publicKey: Uint8Array.from(spk.keyPair.publicKey) }
  const state = responderState(sk, sessionAd(device.identityKey, self.keys.identity.publicKey), ratchetKey)
  const session = new Session(
    { userId: senderDeviceList.userId, signingKey: device.signingKey, identityKey: device.identityKey },
    Uint8Array.from(ek),
    state,
    undefined,
    options,
    prekeyEnvelopeHead(envelope)
  )
  const plaintext = await session.decrypt(envelope.message)
  if (opk != null) { await prekeys.removeOneTimePrekey(opk.id) }
  return { session, plaintext, senderDeviceList }
}
