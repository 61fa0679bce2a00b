/**
 * The in-process fuzz targets: every decoder a node runs on bytes from the
 * network (or from a file), each with valid messages made by the shipped
 * code and with the action the node takes on what it does not refuse.
 *
 * Envelopes: a prekey (sealed sender) envelope and ratchet messages,
 * decrypted by a real SessionManager; group messages (sender keys), key
 * packages and channel posts, through the steps the group engine takes. Each
 * first goes through the gossip validator (`checkInboxEnvelope`), whose
 * passes are counted but are not acceptance.
 *
 * Group operations: `verifyOp` then a real MembershipLog. DHT records:
 * `validateRecord` (kad-dht's validator), and for bundles the fetcher's
 * `verifyBundle` too. Backups: `importBackup`, and the payload decoder behind
 * its AEAD.
 */

import {
  BackupFile, MembershipLog, OpKind, SenderKey, SenderKeyReceiver, SessionManager, SignedGroupOp, bundleKey, checkInboxEnvelope, constants,
  createIdentity, createMailboxList, currentBundle, decodeBundle, decodeIdentity, decodeKeyPackage, decodeMailboxList, decodeSignedDeviceList,
  deviceListKey, encodeBundle, encodeIdentity, encodeKeyPackages, encodeMailboxList, encodeSignedDeviceList, entryHint, exportBackup,
  generateDeviceKeys, groupHint, importBackup, localDevice, mailboxListKey, openChannelPost, parseGroupEnvelope, parseSenderKeyMessage,
  prekeyStore, sealChannelPost, signOp, systemRandom, validateRecord, verifyBundle, verifyDeviceList, verifyOp, wrapGroupMessage
} from '@hypha/core'
import { ACTED, canonicalJson } from './fuzz-harness.ts'
import type { Action, Target } from './fuzz-harness.ts'
import type { GroupOp, KeyPair, LocalIdentity, VerifiedDeviceList, VerifiedOp } from '@hypha/core'

const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')

function bump (notes: Map<string, number>, key: string): void {
  notes.set(key, (notes.get(key) ?? 0) + 1)
}

/**
 * The relay's check first, as gossipsub runs it before anything else: a pass
 * is counted (it is not acceptance); a typed refusal is what a relay does,
 * but the node's own decoder still gets the bytes (mailboxes hand envelopes
 * over without the gossip validator), so both must hold.
 */
function gossipCheck (notes: Map<string, number>, bytes: Uint8Array): void {
  try {
    checkInboxEnvelope(bytes)
    bump(notes, 'passed the gossip check')
  } catch (err: any) {
    if (err?.name == null || !['MessageTooLargeError', 'UnsupportedVersionError', 'MalformedMessageError'].includes(err.name)) { throw err }
  }
}

/** A copy of an identity whose one-time prekeys can be spent (and wiped) without touching the original */
function freshCopy (identity: LocalIdentity): LocalIdentity {
  return {
    ...identity,
    oneTimePrekeys: identity.oneTimePrekeys.map(k => ({ id: k.id, keyPair: { secretKey: Uint8Array.from(k.keyPair.secretKey), publicKey: Uint8Array.from(k.keyPair.publicKey) } }))
  }
}

const MAX_ENVELOPE = constants.MAX_ENVELOPE_BYTES

/** Prekey envelopes (0x01): Bob has never seen them; acted on = his SessionManager decrypts one */
export async function prekeyEnvelopeTarget (): Promise<Target> {
  const [alice, carol, bob] = await Promise.all([
    createIdentity({ name: 'alice', oneTimePrekeys: 1 }), createIdentity({ name: 'carol', oneTimePrekeys: 1 }), createIdentity({ name: 'bob', oneTimePrekeys: 2 })
  ])
  const bobDevices = await verifyDeviceList(bob.deviceList, bob.userId)
  const withOneTime = await verifyBundle(currentBundle(bob), bobDevices)
  const withoutOneTime = { ...withOneTime, oneTimePrekey: undefined }
  const aliceSessions = new SessionManager(localDevice(alice), prekeyStore(alice))
  const carolSessions = new SessionManager(localDevice(carol), prekeyStore(carol))
  await aliceSessions.initiate(withOneTime)
  await carolSessions.initiate(withoutOneTime)
  const pool = [
    await aliceSessions.encrypt(withOneTime.signingKey, text('hello bob')),
    // the second prekey envelope of the session: same handshake, message 1
    await aliceSessions.encrypt(withOneTime.signingKey, text('are you there?')),
    await carolSessions.encrypt(withOneTime.signingKey, text('hi from carol'))
  ]
  const notes = new Map<string, number>()
  let bobNow = freshCopy(bob)
  let sessions = new SessionManager(localDevice(bobNow), prekeyStore(bobNow))
  return {
    name: 'prekey envelope (0x01, sealed sender)',
    pool,
    mutation: { pbOffset: 1 },
    prefixes: [Uint8Array.of(0x01)],
    maxBytes: MAX_ENVELOPE,
    notes,
    async accept (bytes) {
      gossipCheck(notes, bytes)
      await sessions.decrypt(bytes)
      return ACTED
    },
    async reset () {
      bobNow = freshCopy(bob)
      sessions = new SessionManager(localDevice(bobNow), prekeyStore(bobNow))
    }
  }
}

/**
 * A target decrypted by Bob's SessionManager restored from `saved` (a
 * session he holds): acted on = it decrypts; each case starts from `saved`
 */
function savedSessionTarget (name: string, pool: Uint8Array[], mutation: Target['mutation'], prefix: number, bob: LocalIdentity, saved: ReturnType<SessionManager['toRecord']>): Target {
  const bobLocal = localDevice(bob)
  const bobPrekeys = prekeyStore(bob)
  const notes = new Map<string, number>()
  let sessions = SessionManager.fromRecord(bobLocal, bobPrekeys, saved)
  return {
    name,
    pool,
    mutation,
    prefixes: [Uint8Array.of(prefix)],
    maxBytes: MAX_ENVELOPE,
    notes,
    async accept (bytes) {
      gossipCheck(notes, bytes)
      await sessions.decrypt(bytes)
      return ACTED
    },
    async reset () {
      sessions = SessionManager.fromRecord(bobLocal, bobPrekeys, saved)
    }
  }
}

/**
 * Later prekey envelopes (0x01) of a session Bob already accepted: they go to
 * that session, not to a new handshake, so every field but the message must
 * be the first envelope's
 */
export async function knownPrekeyEnvelopeTarget (): Promise<Target> {
  const [alice, bob] = await Promise.all([createIdentity({ name: 'alice', oneTimePrekeys: 1 }), createIdentity({ name: 'bob', oneTimePrekeys: 1 })])
  const bundle = await verifyBundle(currentBundle(bob), await verifyDeviceList(bob.deviceList, bob.userId))
  const a = new SessionManager(localDevice(alice), prekeyStore(alice))
  const b = new SessionManager(localDevice(bob), prekeyStore(bob))
  await a.initiate(bundle)
  await b.decrypt(await a.encrypt(bundle.signingKey, text('first')))
  const pool = [await a.encrypt(bundle.signingKey, text('second')), await a.encrypt(bundle.signingKey, text('third, still before any reply'))]
  return savedSessionTarget('prekey envelope (0x01) of a known session', pool, { pbOffset: 1 }, 0x01, bob, b.toRecord())
}

/**
 * Ratchet messages (0x02) of an established session that Bob has not
 * decrypted yet: one whose key Bob keeps as skipped, one further along the
 * current chain, one starting a new chain (a DH ratchet step)
 */
export async function ratchetTarget (): Promise<Target> {
  const [alice, bob] = await Promise.all([createIdentity({ name: 'alice', oneTimePrekeys: 1 }), createIdentity({ name: 'bob', oneTimePrekeys: 1 })])
  const bobDevices = await verifyDeviceList(bob.deviceList, bob.userId)
  const bundle = await verifyBundle(currentBundle(bob), bobDevices)
  const a = new SessionManager(localDevice(alice), prekeyStore(alice))
  const b = new SessionManager(localDevice(bob), prekeyStore(bob))
  const toBob = bundle.signingKey
  await a.initiate(bundle)
  const first = await b.decrypt(await a.encrypt(toBob, text('hello')))
  const toAlice = first.sender.signingKey
  await a.decrypt(await b.encrypt(toAlice, text('hi alice')))
  const m2 = await a.encrypt(toBob, text('message 2'))
  const skipped = await a.encrypt(toBob, text('message 3, skipped'))
  const m3b = await a.encrypt(toBob, text('message 4'))
  const sameChain = await a.encrypt(toBob, text('message 5, same chain'))
  await b.decrypt(m2)
  await b.decrypt(m3b)
  await a.decrypt(await b.encrypt(toAlice, text('reply')))
  const newChain = await a.encrypt(toBob, text('message 6, new chain'))
  return savedSessionTarget('ratchet message (0x02)', [skipped, sameChain, newChain], {}, 0x02, bob, b.toRecord())
}

/** Group messages (0x04 + a 0x03 sender-key message): the steps of GroupEngine.receive, then the member's SenderKeyReceiver */
export async function groupMessageTarget (): Promise<Target> {
  const groupId = systemRandom(32)
  const hint = hex(groupHint(groupId))
  const key = await SenderKey.create()
  const distribution = key.distribution()
  const skipped = wrapGroupMessage(groupId, await key.encrypt(text('first, skipped')))
  const delivered = await key.encrypt(text('second'))
  const forward = wrapGroupMessage(groupId, await key.encrypt(text('third')))
  const receiver = SenderKeyReceiver.fromDistribution(distribution)
  await receiver.decrypt(delivered)
  const saved = receiver.toRecord()
  const notes = new Map<string, number>()
  let current = SenderKeyReceiver.fromRecord(saved)
  return {
    name: 'group message (0x04, sender key)',
    pool: [skipped, forward],
    mutation: {},
    // random bytes after the type, after the group's hint, and after the member's key id (they then reach the signature check)
    prefixes: [Uint8Array.of(0x04), Uint8Array.from([0x04, ...groupHint(groupId), 0x03]), forward.subarray(0, 1 + 8 + 5)],
    maxBytes: MAX_ENVELOPE,
    notes,
    async accept (bytes) {
      gossipCheck(notes, bytes)
      const parsed = parseGroupEnvelope(bytes)
      if (parsed.hint !== hint) { return { acted: false, why: 'not one of its groups' } }
      if (parsed.type !== constants.GROUP_MESSAGE_TYPE) { return { acted: false, why: 'not a group message type' } }
      const { header } = parseSenderKeyMessage(parsed.body)
      if (header.keyId !== current.keyId) { return { acted: false, why: 'unknown sender key: held' } }
      await current.decrypt(parsed.body)
      return ACTED
    },
    async reset () {
      current = SenderKeyReceiver.fromRecord(saved)
    }
  }
}

/** Key packages (0x05): Bob's entry is a prekey envelope; acted on = his entry decrypts */
export async function keyPackageTarget (): Promise<Target> {
  const [alice, bob, carol] = await Promise.all([
    createIdentity({ name: 'alice', oneTimePrekeys: 1 }), createIdentity({ name: 'bob', oneTimePrekeys: 1 }), createIdentity({ name: 'carol', oneTimePrekeys: 1 })
  ])
  const groupId = systemRandom(32)
  const hint = hex(groupHint(groupId))
  const a = new SessionManager(localDevice(alice), prekeyStore(alice))
  const bobBundle = await verifyBundle(currentBundle(bob), await verifyDeviceList(bob.deviceList, bob.userId))
  const carolBundle = await verifyBundle(currentBundle(carol), await verifyDeviceList(carol.deviceList, carol.userId))
  await a.initiate(bobBundle)
  await a.initiate(carolBundle)
  const bobEntry = { hint: entryHint(groupId, bob.device.signing.publicKey), envelope: await a.encrypt(bobBundle.signingKey, text('group control for bob')) }
  const carolEntry = { hint: entryHint(groupId, carol.device.signing.publicKey), envelope: await a.encrypt(carolBundle.signingKey, text('group control for carol')) }
  const pool = [...encodeKeyPackages(groupId, [bobEntry, carolEntry]), ...encodeKeyPackages(groupId, [carolEntry, bobEntry])]
  const mine = hex(bobEntry.hint)
  const notes = new Map<string, number>()
  let bobNow = freshCopy(bob)
  let sessions = new SessionManager(localDevice(bobNow), prekeyStore(bobNow))
  const myEntry = (bytes: Uint8Array): { hint: string, envelope: Uint8Array } | undefined => {
    const parsed = parseGroupEnvelope(bytes)
    if (parsed.hint !== hint || parsed.type !== constants.KEY_PACKAGE_TYPE) { return undefined }
    const entry = decodeKeyPackage(parsed.body).find(e => hex(e.hint) === mine)
    return entry == null ? undefined : { hint: parsed.hint, envelope: entry.envelope }
  }
  return {
    name: 'key package (0x05)',
    pool,
    mutation: { pbOffset: 1 + 8 },
    prefixes: [Uint8Array.of(0x05), Uint8Array.from([0x05, ...groupHint(groupId)])],
    maxBytes: MAX_ENVELOPE,
    notes,
    async accept (bytes) {
      gossipCheck(notes, bytes)
      const parsed = parseGroupEnvelope(bytes)
      if (parsed.hint !== hint) { return { acted: false, why: 'not one of its groups' } }
      if (parsed.type !== constants.KEY_PACKAGE_TYPE) { return { acted: false, why: 'not a key package type' } }
      const entry = decodeKeyPackage(parsed.body).find(e => hex(e.hint) === mine)
      if (entry == null) { return { acted: false, why: 'no entry for this device' } }
      await sessions.decrypt(entry.envelope)
      return ACTED
    },
    sameMeaning: 'this device\'s entry unchanged; the other entries are other members\' business',
    // what Bob acts on is his entry: the other entries are other members' business
    meaning (bytes) {
      try {
        const entry = myEntry(bytes)
        return entry == null ? undefined : `${entry.hint}/${hex(entry.envelope)}`
      } catch {
        return undefined
      }
    },
    async reset () {
      bobNow = freshCopy(bob)
      sessions = new SessionManager(localDevice(bobNow), prekeyStore(bobNow))
    }
  }
}

/** Channel posts (0x06): the steps of GroupEngine.receive for a channel (hint, epoch key), then openChannelPost */
export async function channelPostTarget (): Promise<Target> {
  const channelId = systemRandom(32)
  const hint = hex(groupHint(channelId))
  const key = systemRandom(32)
  const owner = (await generateDeviceKeys()).signing
  const epoch = 3
  const pool = [
    await sealChannelPost(channelId, epoch, key, owner, text('news'), systemRandom),
    await sealChannelPost(channelId, epoch, key, owner, text('more news, a longer post'), systemRandom)
  ]
  const notes = new Map<string, number>()
  return {
    name: 'channel post (0x06)',
    pool,
    mutation: {},
    prefixes: [Uint8Array.of(0x06), Uint8Array.from([0x06, ...groupHint(channelId), 0, 0, 0, epoch])],
    maxBytes: MAX_ENVELOPE,
    notes,
    async accept (bytes) {
      gossipCheck(notes, bytes)
      const parsed = parseGroupEnvelope(bytes)
      if (parsed.hint !== hint) { return { acted: false, why: 'not one of its channels' } }
      if (parsed.type !== constants.CHANNEL_POST_TYPE) { return { acted: false, why: 'not a channel post type' } }
      const postEpoch = new DataView(bytes.buffer, bytes.byteOffset + 9, 4).getUint32(0)
      if (postEpoch !== epoch) { return { acted: false, why: 'no key for that epoch' } }
      await openChannelPost(bytes, key, owner.publicKey)
      return ACTED
    }
  }
}

interface Member { userId: string, device: KeyPair }

async function member (): Promise<Member> {
  const identity = await createIdentity({ oneTimePrekeys: 0 })
  return { userId: identity.userId, device: identity.device.signing }
}

/**
 * Group operations: a log holds CREATE (by Alice) and Alice adding Bob; the
 * valid operations it has not seen are Alice adding Carol, Alice promoting
 * Bob and Bob leaving. Acted on = MembershipLog.add applies one.
 */
export async function groupOpTarget (): Promise<Target> {
  const [alice, bob, carol] = await Promise.all([member(), member(), member()])
  const groupId = systemRandom(32)
  const entry = (m: Member): { userId: string, devices: Array<Uint8Array<ArrayBuffer>> } => ({ userId: m.userId, devices: [Uint8Array.from(m.device.publicKey)] })
  const root = await signOp(alice.device, {
    groupId: Uint8Array.from(groupId),
    kind: OpKind.CREATE,
    lamport: 1,
    parents: [],
    author: alice.userId,
    authorDevice: Uint8Array.from(alice.device.publicKey),
    targets: [entry(alice)],
    name: 'fuzzed',
    mailboxes: [],
    createdAt: 1n
  })
  const base = MembershipLog.create(root)
  const addBob = await signOp(alice.device, base.next({ kind: OpKind.ADD, author: alice.userId, authorDevice: alice.device.publicKey, targets: [entry(bob)] }))
  base.add(addBob)
  const next = (author: Member, kind: GroupOp.Kind, targets: Member[]): GroupOp => base.next({ kind, author: author.userId, authorDevice: author.device.publicKey, targets: targets.map(entry) })
  const pool = [
    (await signOp(alice.device, next(alice, OpKind.ADD, [carol]))).bytes,
    (await signOp(alice.device, next(alice, OpKind.PROMOTE, [bob]))).bytes,
    (await signOp(bob.device, next(bob, OpKind.LEAVE, []))).bytes
  ]
  const fresh = (): MembershipLog => {
    const log = MembershipLog.create(root)
    log.add(addBob)
    return log
  }
  let log = fresh()
  return {
    name: 'group operation (verifyOp + MembershipLog)',
    pool,
    mutation: { pbOffset: 0 },
    prefixes: [Uint8Array.of(0x0a), Uint8Array.of(0x0a, 0x80, 0x01)],
    maxBytes: constants.MAX_GROUP_LOG_BYTES,
    async accept (bytes) {
      const verified: VerifiedOp = await verifyOp(bytes, groupId)
      const result = log.add(verified)
      if (result.status === 'duplicate') { return { acted: false, why: 'already in the log' } }
      if (result.status === 'pending') { return { acted: false, why: 'held: a parent is unknown' } }
      return ACTED
    },
    // the log knows an operation by the hash of its bytes: two encodings are two operations
    meaning (bytes) {
      try {
        const signed = SignedGroupOp.decode(bytes)
        return `${hex(signed.op)}/${hex(signed.signature)}/${hex(new Uint8Array(bytes))}`
      } catch {
        return undefined
      }
    },
    async reset () {
      log = fresh()
    }
  }
}

/** did:pkh device list from PROTOCOL.md section 17 (the wallet vector): a real SIWE authorization */
const WALLET_USER_ID = 'did:pkh:eip155:1:0xAc275Fcd7ea9a46cD02B39fb94e374E872c96DD5'
const WALLET_DEVICE_LIST = '0a85010a3b6469643a706b683a6569703135353a313a30784163323735466364376561396134366344303242333966623934653337344538373263393644443510011a440a20fccda2dd2e61e3097bcc9e4a80ca539ee6309c689d37a47cf731af67ba2887f21220b5af441390fdad18152e212dd1a5f0bca6661be782daafc394eebd0f00e4376a1a9b010a0e6170702e68797068612e74657374121768747470733a2f2f6170702e68797068612e746573742f180122116879706861566563746f724e6f6e6365312a18323032362d31312d32325430303a30303a30302e3030305a3241edeff5189a617d51a8de467ad9cd155942ab120b518f89f9f37335f75dbaf54e1faeed9a2803a8e00a7fd3fcf223f8d2ec050758f9f22d2c5659ed2e2ec8976c1b'

const json = canonicalJson

/** An identity-multihash peer id of an Ed25519 key: what mailbox lists name */
function peerIdBytes (): Uint8Array {
  return Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20, ...systemRandom(32)])
}

interface RecordFixture {
  name: string
  key: Uint8Array
  values: Uint8Array[]
  meaning(value: Uint8Array): string | undefined
  /** The fetcher's check after the DHT's, where there is one (bundles) */
  fetcher?(value: Uint8Array): Promise<void>
  byDesign?(value: Uint8Array, original: Uint8Array): string | undefined
}

/** The DHT records: device lists (did:key and did:pkh), a prekey bundle, a mailbox list */
async function recordFixtures (): Promise<RecordFixture[]> {
  const alice = await createIdentity({ name: 'alice', oneTimePrekeys: 2 })
  const aliceDevices: VerifiedDeviceList = await verifyDeviceList(alice.deviceList, alice.userId)
  const bundleMeaning = (value: Uint8Array): string | undefined => {
    try { return json(decodeBundle(value)) } catch { return undefined }
  }
  const listMeaning = (value: Uint8Array): string | undefined => {
    try { return json(decodeSignedDeviceList(value)) } catch { return undefined }
  }
  const otherOpk = { ...currentBundle(alice), oneTimePrekey: { id: alice.oneTimePrekeys[1].id, publicKey: Uint8Array.from(alice.oneTimePrekeys[1].keyPair.publicKey) } }
  return [
    { name: 'DHT record: device list (did:key)', key: deviceListKey(alice.userId), values: [encodeSignedDeviceList(alice.deviceList)], meaning: listMeaning },
    { name: 'DHT record: device list (did:pkh, SIWE)', key: deviceListKey(WALLET_USER_ID), values: [Uint8Array.from(Buffer.from(WALLET_DEVICE_LIST, 'hex'))], meaning: listMeaning },
    {
      name: 'DHT record: prekey bundle',
      key: bundleKey(alice.userId, alice.device.signing.publicKey),
      values: [encodeBundle(currentBundle(alice)), encodeBundle(otherOpk), encodeBundle({ ...currentBundle(alice), oneTimePrekey: undefined })],
      meaning: bundleMeaning,
      async fetcher (value) { await verifyBundle(decodeBundle(value), aliceDevices) },
      byDesign (value, original) {
        // one-time prekeys are unsigned (PROTOCOL.md section 6, as in Signal): any change there that leaves the rest intact is a valid bundle
        try {
          const changed = decodeBundle(value)
          const was = decodeBundle(original)
          return json({ ...changed, oneTimePrekey: undefined }) === json({ ...was, oneTimePrekey: undefined })
            ? 'the one-time prekey is unsigned by design (PROTOCOL.md section 6)'
            : undefined
        } catch {
          return undefined
        }
      }
    },
    {
      name: 'DHT record: mailbox list',
      key: mailboxListKey(alice.userId, alice.device.signing.publicKey),
      values: [
        encodeMailboxList(await createMailboxList(alice.device.signing, alice.userId, [peerIdBytes(), peerIdBytes()], 1_700_000_000_000)),
        encodeMailboxList(await createMailboxList(alice.device.signing, alice.userId, [peerIdBytes()], 1_700_000_000_001))
      ],
      meaning (value) {
        try { return json(decodeMailboxList(value)) } catch { return undefined }
      }
    }
  ]
}

/** One target per record kind: the value is fuzzed under its valid key; acted on = the DHT validator (and the fetcher, for bundles) accepts it */
export async function recordTargets (): Promise<Target[]> {
  const fixtures = await recordFixtures()
  const targets: Target[] = fixtures.map(fixture => {
    const notes = new Map<string, number>()
    return {
      name: fixture.name,
      pool: fixture.values,
      mutation: { pbOffset: 0 },
      prefixes: [Uint8Array.of(0x0a), Uint8Array.of(0x0a, 0x82, 0x01)],
      maxBytes: constants.MAX_RECORD_BYTES,
      notes,
      async accept (value) {
        await validateRecord(fixture.key, value)
        if (fixture.fetcher != null) {
          bump(notes, 'accepted by the DHT validator')
          await fixture.fetcher(value)
        }
        return ACTED
      },
      meaning: fixture.meaning,
      byDesign: fixture.byDesign
    }
  })
  // the keys too: a mutated key with each valid value
  const keyNotes = new Map<string, number>()
  targets.push({
    name: 'DHT record keys',
    pool: fixtures.map(f => f.key),
    mutation: {},
    prefixes: [text('/hypha/devices/'), text('/hypha/bundle/'), text('/hypha/mailboxes/')],
    maxBytes: 1024,
    notes: keyNotes,
    async accept (key) {
      let first: unknown
      for (const fixture of fixtures) {
        try {
          await validateRecord(key, fixture.values[0])
          return ACTED
        } catch (err) {
          first ??= err
          if ((err as Error)?.name !== 'InvalidRecordError' && (err as Error)?.name !== 'InvalidSignatureError') { throw err }
        }
      }
      throw first
    },
    meaning: key => Buffer.from(key).toString('utf8')
  })
  return targets
}

const PASSPHRASE = 'correct horse battery staple'

/**
 * Backup files: `importBackup` with the right passphrase. Random bytes and
 * most mutations fail before the KDF (scrypt, 2^15 here); mutations that
 * would reach it are run up to `kdfBudget` (in units of one 2^15 scrypt) and
 * drawn again after that.
 */
export async function backupTarget (kdfBudget: number): Promise<Target & { kdfRuns(): number }> {
  const identity = await createIdentity({ name: 'backed up', oneTimePrekeys: 2 })
  const pool = [await exportBackup(identity, PASSPHRASE, { logN: constants.MIN_BACKUP_SCRYPT_LOG_N })]
  const magic = pool[0].subarray(0, 8)
  let spent = 0
  let runs = 0
  const decodeFile = (bytes: Uint8Array): BackupFile | undefined => {
    if (bytes.length > constants.MAX_BACKUP_BYTES || bytes.length < 8 || !magic.every((b, i) => bytes[i] === b)) { return undefined }
    try { return BackupFile.decode(bytes.subarray(8)) } catch { return undefined }
  }
  const kdfCost = (bytes: Uint8Array): number => {
    const file = decodeFile(bytes)
    if (file == null || file.scryptLogN < constants.MIN_BACKUP_SCRYPT_LOG_N || file.scryptLogN > constants.MAX_BACKUP_SCRYPT_LOG_N ||
      file.scryptR !== constants.BACKUP_SCRYPT_R || file.scryptP !== constants.BACKUP_SCRYPT_P || file.salt.length !== constants.BACKUP_SALT_LENGTH) {
      return 0
    }
    return 2 ** (file.scryptLogN - constants.MIN_BACKUP_SCRYPT_LOG_N)
  }
  return {
    name: 'backup import (importBackup)',
    pool,
    mutation: { pbOffset: 8 },
    prefixes: [magic],
    maxBytes: constants.MAX_BACKUP_BYTES,
    async accept (bytes) {
      if (kdfCost(bytes) > 0) { runs++ }
      await importBackup(bytes, PASSPHRASE)
      return ACTED
    },
    meaning (bytes) {
      const file = decodeFile(bytes)
      return file == null ? undefined : json(file)
    },
    skip (bytes) {
      const cost = kdfCost(bytes)
      if (cost === 0) { return false }
      if (spent + cost > kdfBudget) { return true }
      spent += cost
      return false
    },
    kdfRuns: () => runs
  }
}

/**
 * The backup payload behind the AEAD (`decodeIdentity`, also how a device
 * reads its stored identity). Only the passphrase holder can make one, so
 * any payload that decodes to a whole identity (every public key re-derived,
 * the device list verified and listing the device) is what its author
 * wrote; the point here is that everything else is refused with a typed error.
 */
export async function backupPayloadTarget (): Promise<Target> {
  const identity = await createIdentity({ name: 'payload', oneTimePrekeys: 2 })
  const pool = [encodeIdentity(identity)]
  return {
    name: 'backup payload (decodeIdentity, behind the AEAD)',
    pool,
    mutation: { pbOffset: 0 },
    prefixes: [Uint8Array.of(0x0a)],
    maxBytes: constants.MAX_BACKUP_BYTES,
    async accept (bytes) {
      await decodeIdentity(bytes)
      return ACTED
    },
    async meaning (bytes) {
      try {
        return hex(encodeIdentity(await decodeIdentity(bytes)))
      } catch {
        return undefined
      }
    },
    sameMeaning: 'the same identity once decoded',
    byDesign: () => 'a whole identity: keys re-derived, device list verified (the payload is authenticated by the backup\'s AEAD)'
  }
}

export type { Action }
