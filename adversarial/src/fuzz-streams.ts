/**
 * The mailbox and rendezvous handlers of a real hub (the shipped bootstrap
 * node), fuzzed over real libp2p streams from raw client nodes: random bytes,
 * random frame bodies, oversized length prefixes, cut-short frames, the other
 * protocol's messages and mutations of valid requests. Each case is one
 * stream; the client writes its bytes, closes its side and reads until the
 * hub closes or resets the stream.
 *
 * A response is judged by an oracle written here, independently of the
 * hub's code (node:crypto for hashes and signatures): a DEPOSIT answered OK
 * must carry a stamp that meets the difficulty, a FETCH or ACK answered OK
 * must be signed by its inbox key over the challenge of its stream, a
 * REGISTER answered OK must carry the sender's own signed peer record and
 * bounds-respecting namespace and TTL. A stream the hub ends is judged by the
 * error the hub ended it with (observed on the hub's side of the stream).
 *
 * Honest traffic from another peer before and after the barrage shows the
 * hub kept serving and lost nothing.
 */

import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto'
import {
  MailboxRequest, MailboxResponse, RendezvousMessage, RequestType, constants as coreConstants, createKeyPairAccount, curves, mailboxConstants,
  mailboxTag, mintStamp, rendezvousConstants, utcDay
} from '@hypha/core'
import { createPeerNode, dialBootstrap } from '@hypha/node'
import fc from 'fast-check'
import { HungError, canonicalJson, countError, newTally } from './fuzz-harness.ts'
import { applyMutation, mutationArbitrary, writeVarint } from './fuzz-mutate.ts'
import { SUITE_STAMP_DIFFICULTY, startHub } from './mesh.ts'
import { isTyped } from './report.ts'
import type { Tally } from './fuzz-harness.ts'
import type { Mutation, MutationOp } from './fuzz-mutate.ts'
import type { Hub } from './mesh.ts'
import type { KeyPair } from '@hypha/core'
import type { PeerNode } from '@hypha/node'
import type { Connection, Stream } from '@libp2p/interface'

const { Status } = MailboxResponse
const { MessageType, ResponseStatus } = RendezvousMessage
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const hexOf = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')

/* ---------------- framing ---------------- */

function varint (value: bigint | number): Uint8Array {
  return Uint8Array.from(writeVarint(BigInt(value)))
}

function concat (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(Buffer.concat(parts))
}

function frame (body: Uint8Array): Uint8Array {
  return concat(varint(body.length), body)
}

/** The complete frames at the start of `bytes` (what a length-prefixed reader with `max` would take), and what follows */
function splitFrames (bytes: Uint8Array, max: number): Uint8Array[] {
  const frames: Uint8Array[] = []
  let offset = 0
  while (offset < bytes.length) {
    let len = 0n
    let i = 0
    for (; i < 9 && offset + i < bytes.length; i++) {
      len |= BigInt(bytes[offset + i] & 0x7f) << BigInt(7 * i)
      if ((bytes[offset + i] & 0x80) === 0) { break }
    }
    if (offset + i >= bytes.length || i >= 9 || len > BigInt(max)) { break }
    const start = offset + i + 1
    if (start + Number(len) > bytes.length) { break }
    frames.push(bytes.subarray(start, start + Number(len)))
    offset = start + Number(len)
  }
  return frames
}

/** Reads a stream's bytes as they come; frames are taken off the front */
class Wire {
  private buffer = new Uint8Array(0)
  private waiting?: () => void
  done = false
  error?: Error

  constructor (readonly stream: Stream) {
    void (async () => {
      try {
        for await (const chunk of stream) {
          this.buffer = concat(this.buffer, chunk instanceof Uint8Array ? chunk : chunk.subarray())
          this.waiting?.()
        }
      } catch (err: any) {
        this.error = err
      } finally {
        this.done = true
        this.waiting?.()
      }
    })()
  }

  private async wait (deadline: number): Promise<void> {
    await new Promise<void>(resolve => {
      const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))
      this.waiting = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    this.waiting = undefined
    if (Date.now() >= deadline && !this.done) { throw new HungStreamError('the hub did not answer or close the stream in time') }
  }

  /** The next complete frame, or undefined when the stream ended first */
  async frame (deadline: number): Promise<Uint8Array | undefined> {
    for (;;) {
      const [first] = splitFrames(this.buffer, Number.MAX_SAFE_INTEGER)
      if (first != null) {
        const consumed = first.byteOffset - this.buffer.byteOffset + first.length
        const out = Uint8Array.from(first)
        this.buffer = this.buffer.slice(consumed)
        return out
      }
      if (this.done) { return undefined }
      await this.wait(deadline)
    }
  }

  /** Every frame until the stream ends */
  async rest (deadline: number): Promise<Uint8Array[]> {
    const frames: Uint8Array[] = []
    for (;;) {
      const next = await this.frame(deadline)
      if (next == null) { return frames }
      frames.push(next)
    }
  }
}

/** The hub did not answer or close a stream in time: a crash */
class HungStreamError extends HungError {}

async function send (stream: Stream, bytes: Uint8Array): Promise<void> {
  try {
    // in slices, so a large frame does not overrun the write buffer
    for (let offset = 0; offset < bytes.length; offset += 64 * 1024) {
      if (!stream.send(bytes.subarray(offset, offset + 64 * 1024))) { await stream.onDrain() }
    }
    await stream.close()
  } catch {
    // the hub may reset the stream before everything was written: that is its answer
  }
}

/* ---------------- the oracle's own checks ---------------- */

const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex')

function ed25519Verify (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) { return false }
  try {
    return verifySignature(null, message, createPublicKey({ key: Buffer.concat([SPKI_ED25519, publicKey]), format: 'der', type: 'spki' }), signature)
  } catch {
    return false
  }
}

function sha256 (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const hash = createHash('sha256')
  for (const part of parts) { hash.update(part) }
  return Uint8Array.from(hash.digest())
}

function leadingZeroBits (bytes: Uint8Array): number {
  let bits = 0
  for (const byte of bytes) {
    if (byte === 0) {
      bits += 8
      continue
    }
    return bits + Math.clz32(byte) - 24
  }
  return bits
}

function u32be (n: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n)
  return out
}

function u16be (n: number): Uint8Array {
  return Uint8Array.of(n >>> 8, n & 0xff)
}

/** PROTOCOL.md section 18: what an inbox key signs for FETCH, after its context */
function fetchMessage (mailbox: Uint8Array, challenge: Uint8Array, cursor: Uint8Array, limit: number): Uint8Array {
  return concat(u16be(mailbox.length), mailbox, challenge, u16be(cursor.length), cursor, u32be(limit))
}

/** PROTOCOL.md section 18: what an inbox key signs for ACK, after its context */
function ackMessage (mailbox: Uint8Array, challenge: Uint8Array, hashes: Uint8Array[]): Uint8Array {
  return concat(u16be(mailbox.length), mailbox, challenge, u16be(hashes.length), ...hashes)
}

/** PROTOCOL.md section 18, DEPOSIT: why a deposit is not one a mailbox may store (undefined when it may) */
function depositFlaw (deposit: MailboxRequest['deposit']): string | undefined {
  if (deposit == null) { return 'no deposit' }
  const { tag, envelope, stamp } = deposit
  if (tag?.length !== 32) { return 'tag is not 32 bytes' }
  if (envelope == null || envelope.length === 0 || envelope.length > coreConstants.MAILBOX_MAX_ENVELOPE_BYTES) { return 'envelope empty or too large' }
  if (stamp?.day == null) { return 'no stamp day' }
  const nonce = stamp.nonce ?? new Uint8Array(0)
  if (nonce.length > coreConstants.MAX_STAMP_NONCE_BYTES) { return 'stamp nonce too long' }
  const today = Math.floor(Date.now() / 86_400_000)
  if (stamp.day !== today && stamp.day !== today - 1) { return 'stale stamp day' }
  const bits = leadingZeroBits(sha256(utf8(mailboxConstants.STAMP_CONTEXT), tag, sha256(envelope), u32be(stamp.day), nonce))
  return bits >= SUITE_STAMP_DIFFICULTY ? undefined : `stamp of ${bits} bits`
}

const json = canonicalJson

/* ---------------- raw clients and the hub's side ---------------- */

interface Fixture {
  hub: Hub
  hubPeerId: Uint8Array
  /** Raw client nodes: cases run on each in turn, several nodes at once */
  clients: PeerNode[]
  honest: PeerNode
  /** Errors the hub ended streams with, by remote peer */
  ended: Map<string, Error[]>
  restore(): Promise<void>
}

/**
 * Observes the errors the hub's mailbox and rendezvous handlers end streams
 * with: the handlers are the hub's own, registered again with their own
 * options, with `stream.abort` watched.
 */
async function observeHandlers (hub: Hub, ended: Map<string, Error[]>): Promise<() => Promise<void>> {
  const services = hub.node.services as unknown as Record<string, { handleStream(stream: Stream, connection: Connection): Promise<void> }>
  const handlers = [
    { protocol: mailboxConstants.MAILBOX_PROTOCOL, service: services.mailbox, maxInboundStreams: coreConstants.MAILBOX_MAX_INBOUND_STREAMS },
    { protocol: rendezvousConstants.RENDEZVOUS_PROTOCOL, service: services.rendezvous, maxInboundStreams: rendezvousConstants.MAX_INBOUND_STREAMS }
  ]
  for (const { protocol, service, maxInboundStreams } of handlers) {
    await hub.node.unhandle(protocol)
    await hub.node.handle(protocol, async (stream, connection) => {
      const abort = stream.abort.bind(stream)
      stream.abort = (err: Error) => {
        const key = connection.remotePeer.toString()
        ended.set(key, [...(ended.get(key) ?? []), err])
        abort(err)
      }
      await service.handleStream(stream, connection)
    }, { maxInboundStreams })
  }
  return async () => {
    for (const { protocol, service, maxInboundStreams } of handlers) {
      await hub.node.unhandle(protocol)
      await hub.node.handle(protocol, service.handleStream, { maxInboundStreams })
    }
  }
}

async function clientNode (hub: Hub): Promise<PeerNode> {
  const node = await createPeerNode({ bootstrap: [hub.addr], allowLoopback: true, listen: ['/ip4/127.0.0.1/tcp/0'] })
  const { connected } = await dialBootstrap(node, [hub.addr])
  if (connected === 0) { throw new Error('fuzz client: the hub is not reachable') }
  return node
}

async function startFixture (clients: number): Promise<Fixture> {
  // deposits are stamped and checked here, not rate limited (the flood area measures the limiter)
  const hub = await startHub({ mailbox: { depositBurst: 1_000_000 } })
  const ended = new Map<string, Error[]>()
  try {
    const restore = await observeHandlers(hub, ended)
    const nodes = await Promise.all(Array.from({ length: clients + 1 }, async () => clientNode(hub)))
    return { hub, hubPeerId: hub.node.peerId.toMultihash().bytes, clients: nodes.slice(1), honest: nodes[0], ended, restore }
  } catch (err) {
    await hub.stop()
    throw err
  }
}

async function stopFixture (fixture: Fixture): Promise<void> {
  await Promise.allSettled([...fixture.clients, fixture.honest].map(async node => node.stop()))
  await fixture.hub.stop()
}

/** What one case came to, worst first */
type Outcome = 'accepted' | 'untyped' | 'crash' | 'rejected' | 'equivalent' | 'valid' | 'ignored'
const SEVERITY: Outcome[] = ['accepted', 'untyped', 'crash', 'rejected', 'equivalent', 'valid', 'ignored']

interface Verdict {
  outcome: Outcome
  why: string
  error?: unknown
}

function worst (verdicts: Verdict[]): Verdict {
  return verdicts.sort((a, b) => SEVERITY.indexOf(a.outcome) - SEVERITY.indexOf(b.outcome))[0] ?? { outcome: 'ignored', why: 'no response, stream closed' }
}

function count (tally: Tally, verdict: Verdict, where: string): void {
  switch (verdict.outcome) {
    case 'accepted':
      tally.tried++
      tally.accepted++
      if (tally.findings.length < 5) { tally.findings.push(`${where}: ${verdict.why}`) }
      return
    case 'untyped':
    case 'crash':
    case 'rejected':
      countError(tally, verdict.error, where)
      tally.tried++
      return
    case 'equivalent':
      tally.tried++
      tally.equivalent++
      return
    case 'valid':
      tally.tried++
      tally.byDesign++
      tally.designs.set(verdict.why, (tally.designs.get(verdict.why) ?? 0) + 1)
      return
    default:
      tally.tried++
      tally.ignored++
      tally.ignores.set(verdict.why, (tally.ignores.get(verdict.why) ?? 0) + 1)
  }
}

/** The errors the hub ended a stream with: typed (InvalidMailboxMessageError, InvalidRendezvousMessageError) or a defect */
function endedVerdicts (errors: Error[]): Verdict[] {
  return errors.map(err => ({ outcome: (isTyped(err) ? 'rejected' : 'untyped') as Outcome, why: `stream ended: ${err.name}`, error: err }))
}

/** A status refusal as the error the client throws for it (statusError); E_INTERNAL_ERROR to a bad request is a defect */
class StatusRefusal extends Error {
  constructor (name: string, message: string) {
    super(message)
    this.name = name
  }
}

/* ---------------- cases ---------------- */

/** A fuzz case, before the challenge of its stream is known */
type CaseSpec =
  | { kind: 'raw', prelude: boolean, bytes: Uint8Array }
  | { kind: 'frame', prelude: boolean, body: Uint8Array }
  | { kind: 'oversized', claim: bigint, tail: Uint8Array }
  | { kind: 'big' }
  | { kind: 'truncated', base: number, cut: number }
  | { kind: 'foreign', which: number }
  | { kind: 'mutation', base: number, mutation: Mutation, framing: boolean }

const MUTATION_KINDS = new Set(['mutation'])

function caseArbitrary (bases: number, options: { big: boolean }): fc.Arbitrary<CaseSpec> {
  const claims = [
    BigInt(coreConstants.MAILBOX_MAX_FRAME_BYTES) + 1n, BigInt(rendezvousConstants.MAX_MESSAGE_SIZE) + 1n, 0x7fffffffn, 0xffffffffn, 1n << 53n, (1n << 63n) - 1n
  ]
  return fc.oneof(
    { weight: 10, arbitrary: fc.record({ kind: fc.constant('raw' as const), prelude: fc.boolean(), bytes: fc.uint8Array({ minLength: 0, maxLength: 1024, size: 'max' }) }) },
    { weight: 14, arbitrary: fc.record({ kind: fc.constant('frame' as const), prelude: fc.boolean(), body: fc.uint8Array({ minLength: 0, maxLength: 1024, size: 'max' }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('oversized' as const), claim: fc.constantFrom(...claims), tail: fc.uint8Array({ maxLength: 64 }) }) },
    { weight: options.big ? 1 : 0, arbitrary: fc.constant({ kind: 'big' as const }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('truncated' as const), base: fc.nat({ max: bases - 1 }), cut: fc.nat() }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('foreign' as const), which: fc.nat() }) },
    { weight: 66, arbitrary: fc.record({ kind: fc.constant('mutation' as const), base: fc.nat({ max: bases - 1 }), mutation: mutationArbitrary(1, { pbOffset: 0 }), framing: fc.nat({ max: 9 }).map(n => n < 3) }) }
  )
}

function framingOps (ops: MutationOp[]): MutationOp[] {
  return ops.map(op => op.kind.startsWith('pb') ? { ...op, kind: 'flip' } : op)
}

/** The bytes of a case on the wire, given the valid request of its base */
function caseBytes (spec: CaseSpec, valid: (base: number) => Uint8Array, foreign: Uint8Array[], maxFrame: number): Uint8Array {
  switch (spec.kind) {
    case 'raw': return spec.bytes
    case 'frame': return frame(spec.body)
    case 'oversized': return concat(varint(spec.claim), spec.tail)
    case 'big': return frame(new Uint8Array(maxFrame + 1).fill(0x0a))
    case 'truncated': {
      const whole = frame(valid(spec.base))
      return whole.subarray(0, spec.cut % whole.length)
    }
    case 'foreign': return frame(foreign[spec.which % foreign.length])
    default: {
      const body = valid(spec.base)
      if (spec.framing) {
        return applyMutation([frame(body)], { base: 0, ops: framingOps(spec.mutation.ops) })
      }
      return frame(applyMutation([body], { base: 0, ops: spec.mutation.ops }, { pbOffset: 0 }))
    }
  }
}

/* ---------------- mailbox ---------------- */

interface MailboxBase {
  name: string
  /** A CHALLENGE first on the stream, and the request built with it */
  challenge: boolean
  build(challenge: Uint8Array): Promise<Uint8Array>
}

async function sign (key: KeyPair, context: string, message: Uint8Array): Promise<Uint8Array> {
  return (await curves()).ed25519Sign(key.secretKey, concat(utf8(context), message))
}

async function mailboxBases (fixture: Fixture): Promise<MailboxBase[]> {
  const inbox = (await createKeyPairAccount()).keyPair
  const tag = mailboxTag(inbox.publicKey)
  const deposits: Uint8Array[] = []
  for (let i = 0; i < 3; i++) {
    const envelope = Uint8Array.from([0x02, ...crypto.getRandomValues(new Uint8Array(80 + i * 40))])
    const stamp = await mintStamp(tag, sha256(envelope), SUITE_STAMP_DIFFICULTY, utcDay())
    deposits.push(MailboxRequest.encode({ type: RequestType.DEPOSIT, deposit: { tag: Uint8Array.from(tag), envelope, stamp: { day: stamp.day, nonce: Uint8Array.from(stamp.nonce) } } }))
  }
  const hash = sha256(MailboxRequest.decode(deposits[0]).deposit?.envelope ?? new Uint8Array(0))
  return [
    { name: 'INFO', challenge: false, build: async () => MailboxRequest.encode({ type: RequestType.INFO }) },
    ...deposits.map(bytes => ({ name: 'DEPOSIT', challenge: false, build: async () => bytes })),
    {
      name: 'FETCH',
      challenge: true,
      build: async challenge => {
        const cursor = new Uint8Array(0)
        const signature = await sign(inbox, mailboxConstants.FETCH_CONTEXT, fetchMessage(fixture.hubPeerId, challenge, cursor, 10))
        return MailboxRequest.encode({ type: RequestType.FETCH, fetch: { inboxKey: Uint8Array.from(inbox.publicKey), signature: Uint8Array.from(signature), cursor, limit: 10 } })
      }
    },
    {
      name: 'ACK',
      challenge: true,
      build: async challenge => {
        const signature = await sign(inbox, mailboxConstants.ACK_CONTEXT, ackMessage(fixture.hubPeerId, challenge, [hash]))
        return MailboxRequest.encode({ type: RequestType.ACK, ack: { inboxKey: Uint8Array.from(inbox.publicKey), signature: Uint8Array.from(signature), hashes: [hash] } })
      }
    }
  ]
}

const CASE_DEADLINE = 15_000

/** A refusal: the error the mailbox client throws for its status; E_INTERNAL_ERROR (the hub failed on a bad request) and unknown statuses are defects */
function mailboxRefusal (status: MailboxResponse.Status, response: MailboxResponse): Verdict {
  if (status === Status.E_INTERNAL_ERROR) { return { outcome: 'untyped', why: 'E_INTERNAL_ERROR', error: new StatusRefusal('E_INTERNAL_ERROR', response.statusText ?? '') } }
  // the errors the mailbox client throws for these statuses (statusError)
  const names = new Map<MailboxResponse.Status, string>([
    [Status.E_ENVELOPE_TOO_LARGE, 'EnvelopeTooLargeError'],
    [Status.E_INVALID_STAMP, 'InvalidStampError'],
    [Status.E_QUOTA_EXCEEDED, 'QuotaExceededError'],
    [Status.E_STORAGE_FULL, 'QuotaExceededError'],
    [Status.E_RATE_LIMITED, 'RateLimitedError'],
    [Status.E_UNAUTHORIZED, 'UnauthorizedError']
  ])
  const name = names.get(status)
  return name == null
    ? { outcome: 'untyped', why: `unknown status ${status}`, error: new StatusRefusal(`status ${status}`, response.statusText ?? '') }
    : { outcome: 'rejected', why: name, error: new StatusRefusal(name, response.statusText ?? '') }
}

/** Whether a FETCH or ACK answered OK was signed by its inbox key over the stream's fresh challenge (which it spends) */
function signedOverChallenge (request: MailboxRequest, state: { challenge?: Uint8Array }, hubPeerId: Uint8Array): boolean {
  const challenge = state.challenge
  state.challenge = undefined
  if (challenge == null) { return false }
  const fetch = request.type === RequestType.FETCH
  const fields = fetch ? request.fetch : request.ack
  const message = fetch
    ? concat(utf8(mailboxConstants.FETCH_CONTEXT), fetchMessage(hubPeerId, challenge, request.fetch?.cursor ?? new Uint8Array(0), request.fetch?.limit ?? 0))
    : concat(utf8(mailboxConstants.ACK_CONTEXT), ackMessage(hubPeerId, challenge, request.ack?.hashes ?? []))
  return fields?.inboxKey != null && fields.signature != null && ed25519Verify(fields.signature, message, fields.inboxKey)
}

/** Judges the hub's answer to one mailbox request that it answered */
export function judgeMailbox (request: MailboxRequest | undefined, response: MailboxResponse, state: { challenge?: Uint8Array }, hubPeerId: Uint8Array, original?: MailboxRequest): Verdict {
  const status = response.status ?? Status.OK
  if (status !== Status.OK) { return mailboxRefusal(status, response) }
  if (request == null) { return { outcome: 'untyped', why: 'an OK response to no request', error: new StatusRefusal('UnexpectedResponse', 'OK to nothing') } }
  if (original != null && json(request) === json(original)) { return { outcome: 'equivalent', why: 'same fields' } }
  switch (request.type) {
    case RequestType.INFO: return { outcome: 'valid', why: 'INFO (public)' }
    case RequestType.CHALLENGE: return { outcome: 'valid', why: 'CHALLENGE (public)' }
    case RequestType.DEPOSIT: {
      const flaw = depositFlaw(request.deposit)
      return flaw == null
        ? { outcome: 'valid', why: 'DEPOSIT whose stamp still meets the difficulty (checked here)' }
        : { outcome: 'accepted', why: `DEPOSIT stored although ${flaw}` }
    }
    case RequestType.FETCH:
    case RequestType.ACK: {
      return signedOverChallenge(request, state, hubPeerId)
        ? { outcome: 'valid', why: 'a FETCH/ACK still signed over its challenge' }
        : { outcome: 'accepted', why: `${request.type === RequestType.FETCH ? 'FETCH' : 'ACK'} answered OK without a valid signature over a fresh challenge` }
    }
    default:
      return { outcome: 'accepted', why: `OK to a request of type ${String(request.type)}` }
  }
}

/** The verdicts on the hub's responses, matched in order with the request frames sent */
function mailboxVerdicts (responses: Uint8Array[], requests: Uint8Array[], state: { challenge?: Uint8Array }, hubPeerId: Uint8Array, original?: MailboxRequest): Verdict[] {
  return responses.map((answer, i) => {
    let response: MailboxResponse
    let request: MailboxRequest | undefined
    try {
      response = MailboxResponse.decode(answer)
    } catch (err) {
      return { outcome: 'untyped', why: 'a response that does not decode', error: err }
    }
    try {
      request = requests[i] == null ? undefined : MailboxRequest.decode(requests[i])
    } catch {
      // the hub answered it, so it decoded there: left undefined, an OK to it would be counted as a defect
    }
    if (request?.type === RequestType.CHALLENGE && response.challenge != null) { state.challenge = response.challenge }
    return judgeMailbox(request, response, state, hubPeerId, original)
  })
}

/** Sends CHALLENGE first on the stream: the challenge the hub answers */
async function challengeOf (stream: Stream, wire: Wire, deadline: number): Promise<Uint8Array | undefined> {
  stream.send(frame(MailboxRequest.encode({ type: RequestType.CHALLENGE })))
  const answer = await wire.frame(deadline)
  return answer == null ? undefined : MailboxResponse.decode(answer).challenge
}

async function runMailboxCase (fixture: Fixture, client: PeerNode, spec: CaseSpec, bases: MailboxBase[], foreign: Uint8Array[]): Promise<Verdict> {
  const deadline = Date.now() + CASE_DEADLINE
  const key = client.peerId.toString()
  fixture.ended.delete(key)
  let stream: Stream
  try {
    stream = await client.dialProtocol(fixture.hub.node.peerId, mailboxConstants.MAILBOX_PROTOCOL, { signal: AbortSignal.timeout(CASE_DEADLINE) })
  } catch (err: any) {
    return { outcome: 'crash', why: 'the hub did not open a mailbox stream', error: new HungStreamError(`no stream: ${err.message}`) }
  }
  const wire = new Wire(stream)
  try {
    const base = spec.kind === 'truncated' || spec.kind === 'mutation' ? bases[spec.base] : undefined
    const prelude = base?.challenge === true || ((spec.kind === 'raw' || spec.kind === 'frame') && spec.prelude)
    const state: { challenge?: Uint8Array } = {}
    if (prelude) {
      state.challenge = await challengeOf(stream, wire, deadline)
      if (state.challenge == null) { return { outcome: 'crash', why: 'no challenge', error: new HungStreamError('no answer to CHALLENGE') } }
    }
    const built = base == null ? new Uint8Array(0) : await base.build(state.challenge ?? new Uint8Array(32))
    const bytes = caseBytes(spec, () => built, foreign, coreConstants.MAILBOX_MAX_FRAME_BYTES)
    await send(stream, bytes)
    const responses = await wire.rest(deadline)
    const verdicts = endedVerdicts(fixture.ended.get(key) ?? [])
    const requests = splitFrames(bytes, coreConstants.MAILBOX_MAX_FRAME_BYTES)
    const original = spec.kind === 'mutation' && base != null ? MailboxRequest.decode(built) : undefined
    verdicts.push(...mailboxVerdicts(responses, requests, state, fixture.hubPeerId, original))
    if (verdicts.length === 0 && wire.error != null) {
      // reset without a hub-side abort we saw: the stream's own failure
      verdicts.push({ outcome: 'rejected', why: 'stream reset', error: wire.error })
    }
    if (verdicts.length === 0) {
      // PROTOCOL.md section 18: after a request, the end of the stream (or a frame cut short by it) is the client closing its side
      return prelude
        ? { outcome: 'ignored', why: 'stream closed after the CHALLENGE: what followed ended before a whole frame' }
        : { outcome: 'ignored', why: 'no response, stream closed' }
    }
    return worst(verdicts)
  } catch (err: any) {
    stream.abort(err)
    return { outcome: 'crash', why: err.message, error: err }
  }
}

/* ---------------- rendezvous ---------------- */

interface RendezvousBases {
  requests: Uint8Array[]
  /** The raw client's own signed peer record, by client */
  ownRecord: Map<string, Uint8Array>
  cookies: Set<string>
}

type FieldKind = 'bytes' | 'varint'

/**
 * Decodes the fields of `schema` as protons does: a known field is read as
 * its schema type whatever wire type it carries, the last occurrence wins,
 * unknown fields are skipped by their wire type. Undefined when it does not parse.
 */
function protonsFields (bytes: Uint8Array, schema: Record<number, FieldKind>): Map<number, bigint | Uint8Array> | undefined {
  const out = new Map<number, bigint | Uint8Array>()
  let offset = 0
  const varintAt = (): bigint | undefined => {
    let value = 0n
    for (let i = 0; i < 10 && offset < bytes.length; i++) {
      const byte = bytes[offset++]
      value |= BigInt(byte & 0x7f) << BigInt(7 * i)
      if ((byte & 0x80) === 0) { return value }
    }
    return undefined
  }
  const bytesAt = (): Uint8Array | undefined => {
    const len = varintAt()
    if (len == null || len > BigInt(bytes.length - offset)) { return undefined }
    const value = bytes.subarray(offset, offset + Number(len))
    offset += Number(len)
    return value
  }
  while (offset < bytes.length) {
    const tag = varintAt()
    if (tag == null) { return undefined }
    const no = Number(tag >> 3n)
    const kind = schema[no]
    const wt = Number(tag & 7n)
    let value: bigint | Uint8Array | undefined
    if (kind === 'bytes' || (kind == null && wt === 2)) {
      value = bytesAt()
    } else if (kind === 'varint' || wt === 0) {
      value = varintAt()
    }
    if (kind == null && wt !== 0 && wt !== 2) {
      if (wt === 1 || wt === 5) {
        offset += wt === 1 ? 8 : 4
        if (offset > bytes.length) { return undefined }
        continue
      }
      return undefined
    }
    if (value == null) { return undefined }
    if (kind != null) { out.set(no, value) }
  }
  return out
}

/**
 * A signed peer record's meaning as libp2p reads it (RecordEnvelope: public
 * key 1, payload type 2, payload 3, signature 5; the key a PublicKey of type
 * 1 and data 2): two byte strings with the same meaning are the same record
 */
function envelopeFields (bytes: Uint8Array): string | undefined {
  const envelope = protonsFields(bytes, { 1: 'bytes', 2: 'bytes', 3: 'bytes', 5: 'bytes' })
  const keyBytes = envelope?.get(1)
  if (envelope == null || !(keyBytes instanceof Uint8Array)) { return undefined }
  const key = protonsFields(keyBytes, { 1: 'varint', 2: 'bytes' })
  if (key == null) { return undefined }
  return json({ keyType: key.get(1), keyData: key.get(2), payloadType: envelope.get(2), payload: envelope.get(3), signature: envelope.get(5) })
}

function namespaceOk (ns: string | undefined, allowEmpty: boolean): boolean {
  const length = Buffer.byteLength(ns ?? '', 'utf8')
  return (allowEmpty || length > 0) && length <= rendezvousConstants.MAX_NAMESPACE_LENGTH
}

/** Whether an OK'd REGISTER was one a rendezvous point may take: the sender's own record, a namespace and TTL in bounds (why not, when not) */
function registerFlaw (register: RendezvousMessage.Register, ownRecord: Uint8Array): string | undefined {
  const ttl = register.ttl ?? 0n
  const mine = envelopeFields(ownRecord)
  if (mine == null || register.signedPeerRecord == null || envelopeFields(register.signedPeerRecord) !== mine) { return 'not the sender\'s own signed record' }
  if (ttl !== 0n && (ttl < BigInt(rendezvousConstants.MIN_TTL) || ttl > BigInt(rendezvousConstants.MAX_TTL))) { return `ttl ${ttl}` }
  if (!namespaceOk(register.ns, false)) { return 'namespace out of bounds' }
  return undefined
}

/** A DISCOVER answered OK: a public query, unless its namespace is over the limit */
function discoverVerdict (discover: RendezvousMessage.Discover, cookies: Set<string>): Verdict {
  if (!namespaceOk(discover.ns, true)) { return { outcome: 'accepted', why: 'DISCOVER of a namespace over the limit' } }
  if (discover.cookie != null && discover.cookie.length > 0 && !cookies.has(hexOf(discover.cookie))) {
    return { outcome: 'valid', why: 'DISCOVER with a made-up cookie: a cookie is an unauthenticated position in a public listing (by design)' }
  }
  return { outcome: 'valid', why: 'DISCOVER (public)' }
}

/** A refusal: RendezvousError on the client; E_INTERNAL_ERROR (the point failed on a bad request) is a defect */
function rendezvousRefusal (status: RendezvousMessage.ResponseStatus, statusText?: string): Verdict {
  if (status === ResponseStatus.E_INTERNAL_ERROR) { return { outcome: 'untyped', why: 'E_INTERNAL_ERROR', error: new StatusRefusal('E_INTERNAL_ERROR', statusText ?? '') } }
  return { outcome: 'rejected', why: `RendezvousError ${String(status)}`, error: new StatusRefusal('RendezvousError', statusText ?? '') }
}

export function judgeRendezvous (request: RendezvousMessage | undefined, response: RendezvousMessage, ownRecord: Uint8Array, cookies: Set<string>, original?: RendezvousMessage): Verdict {
  const body = response.type === MessageType.DISCOVER_RESPONSE ? response.discoverResponse : response.registerResponse
  if ((response.type !== MessageType.REGISTER_RESPONSE && response.type !== MessageType.DISCOVER_RESPONSE) || body == null) { return { outcome: 'untyped', why: `a response of type ${String(response.type)}`, error: new StatusRefusal('UnexpectedResponse', String(response.type)) } }
  const status = body.status ?? ResponseStatus.OK
  if (status !== ResponseStatus.OK) { return rendezvousRefusal(status, body.statusText) }
  if (response.type === MessageType.DISCOVER_RESPONSE && response.discoverResponse?.cookie != null) { cookies.add(hexOf(response.discoverResponse.cookie)) }
  if (request == null) { return { outcome: 'untyped', why: 'an OK response to no request', error: new StatusRefusal('UnexpectedResponse', 'OK to nothing') } }
  if (original != null && json(request) === json(original)) { return { outcome: 'equivalent', why: 'same fields' } }
  if (request.type === MessageType.REGISTER && response.type === MessageType.REGISTER_RESPONSE) {
    const flaw = registerFlaw(request.register ?? {}, ownRecord)
    return flaw == null
      ? { outcome: 'valid', why: 'REGISTER of its own record, namespace and TTL in bounds' }
      : { outcome: 'accepted', why: `REGISTER accepted: ${flaw}` }
  }
  if (request.type === MessageType.DISCOVER && response.type === MessageType.DISCOVER_RESPONSE) { return discoverVerdict(request.discover ?? {}, cookies) }
  return { outcome: 'accepted', why: `response ${String(response.type)} to request ${String(request.type)}` }
}

async function runRendezvousCase (fixture: Fixture, client: PeerNode, spec: CaseSpec, bases: RendezvousBases, foreign: Uint8Array[]): Promise<Verdict> {
  const deadline = Date.now() + CASE_DEADLINE
  const key = client.peerId.toString()
  fixture.ended.delete(key)
  let stream: Stream
  try {
    stream = await client.dialProtocol(fixture.hub.node.peerId, rendezvousConstants.RENDEZVOUS_PROTOCOL, { signal: AbortSignal.timeout(CASE_DEADLINE) })
  } catch (err: any) {
    return { outcome: 'crash', why: 'the hub did not open a rendezvous stream', error: new HungStreamError(`no stream: ${err.message}`) }
  }
  const wire = new Wire(stream)
  try {
    const built = spec.kind === 'truncated' || spec.kind === 'mutation' ? bases.requests[spec.base] : new Uint8Array(0)
    const bytes = caseBytes(spec, () => built, foreign, rendezvousConstants.MAX_MESSAGE_SIZE)
    await send(stream, bytes)
    const responses = await wire.rest(deadline)
    const verdicts = endedVerdicts(fixture.ended.get(key) ?? [])
    const requests: RendezvousMessage[] = []
    for (const f of splitFrames(bytes, rendezvousConstants.MAX_MESSAGE_SIZE)) {
      try {
        const m = RendezvousMessage.decode(f)
        // UNREGISTER has no response
        if (m.type !== MessageType.UNREGISTER) { requests.push(m) }
      } catch {
        break
      }
    }
    const original = spec.kind === 'mutation' ? RendezvousMessage.decode(built) : undefined
    const ownRecord = bases.ownRecord.get(key) ?? new Uint8Array(0)
    responses.forEach((answer, i) => {
      let response: RendezvousMessage
      try {
        response = RendezvousMessage.decode(answer)
      } catch (err) {
        verdicts.push({ outcome: 'untyped', why: 'a response that does not decode', error: err })
        return
      }
      verdicts.push(judgeRendezvous(requests[i], response, ownRecord, bases.cookies, original))
    })
    if (verdicts.length === 0 && wire.error != null) {
      verdicts.push({ outcome: 'rejected', why: 'stream reset', error: wire.error })
    }
    if (verdicts.length === 0 && responses.length === 0 && splitFrames(bytes, rendezvousConstants.MAX_MESSAGE_SIZE).length > 0) {
      return { outcome: 'valid', why: 'UNREGISTER (no response; only the sender\'s own registrations)' }
    }
    return worst(verdicts)
  } catch (err: any) {
    stream.abort(err)
    return { outcome: 'crash', why: err.message, error: err }
  }
}

/* ---------------- the barrage ---------------- */

export interface StreamFuzzResult {
  random: Tally
  mutations: Tally
  honest: { tried: number, ok: number, lost: number, crashes: number, detail: string }
  seconds: number
}

export interface StreamFuzzOptions {
  cases: number
  seed: number
  clients: number
  big: boolean
}

async function barrage (fixture: Fixture, specs: CaseSpec[], run: (client: PeerNode, spec: CaseSpec) => Promise<Verdict>, where: string): Promise<{ random: Tally, mutations: Tally }> {
  const random = newTally()
  const mutations = newTally()
  let next = 0
  await Promise.all(fixture.clients.map(async client => {
    while (next < specs.length) {
      const spec = specs[next++]
      const verdict = await run(client, spec)
      count(MUTATION_KINDS.has(spec.kind) ? mutations : random, verdict, `${where} ${spec.kind}`)
    }
  }))
  return { random, mutations }
}

/** The mailbox handler: an honest deposit before, the barrage, then the honest peer fetches it and deposits again */
export async function fuzzMailboxStreams (options: StreamFuzzOptions): Promise<StreamFuzzResult> {
  const started = performance.now()
  const fixture = await startFixture(options.clients)
  try {
    const hub = fixture.hub.node.peerId
    const inbox = (await createKeyPairAccount()).keyPair
    const tag = mailboxTag(inbox.publicKey)
    const before = Uint8Array.from([0x02, ...crypto.getRandomValues(new Uint8Array(120))])
    await fixture.honest.services.mailbox.deposit(hub, tag, before)

    const bases = await mailboxBases(fixture)
    const foreign = [
      RendezvousMessage.encode({ type: MessageType.DISCOVER, discover: { ns: 'fuzz', limit: 5n } }),
      RendezvousMessage.encode({ type: MessageType.REGISTER, register: { ns: 'fuzz', ttl: 7200n, signedPeerRecord: new Uint8Array(40) } }),
      MailboxResponse.encode({ type: RequestType.INFO, status: Status.OK, info: { difficulty: 8 } }),
      MailboxResponse.encode({ type: RequestType.FETCH, status: Status.E_UNAUTHORIZED, statusText: 'no' })
    ]
    const specs = fc.sample(caseArbitrary(bases.length, { big: options.big }), { numRuns: options.cases, seed: options.seed })
    const { random, mutations } = await barrage(fixture, specs, async (client, spec) => runMailboxCase(fixture, client, spec, bases, foreign), 'mailbox')

    // the hub still serves: the envelope deposited before is there, a new deposit goes through
    let ok = 0
    let lost = 0
    let crashes = 0
    const notes: string[] = []
    try {
      const after = Uint8Array.from([0x02, ...crypto.getRandomValues(new Uint8Array(120))])
      await fixture.honest.services.mailbox.deposit(hub, tag, after, { signal: AbortSignal.timeout(20_000) })
      ok++
      const page = await fixture.honest.services.mailbox.fetch(hub, inbox, { signal: AbortSignal.timeout(20_000) })
      const held = new Set(page.entries.map(e => hexOf(e.envelope)))
      for (const envelope of [before, after]) {
        if (held.has(hexOf(envelope))) { ok++ } else { lost++ }
      }
    } catch (err: any) {
      crashes++
      notes.push(`honest client failed after the barrage: ${err.name}: ${err.message}`)
    }
    return {
      random,
      mutations,
      honest: { tried: 3, ok, lost, crashes, detail: ['honest deposit before the barrage fetched after it, a new deposit stored and fetched', ...notes].join('; ') },
      seconds: (performance.now() - started) / 1000
    }
  } finally {
    await fixture.restore().catch(() => {})
    await stopFixture(fixture)
  }
}

/** The rendezvous handler: an honest registration before, the barrage, then the honest peer discovers it and registers again */
export async function fuzzRendezvousStreams (options: StreamFuzzOptions): Promise<StreamFuzzResult> {
  const started = performance.now()
  const fixture = await startFixture(options.clients)
  try {
    const hub = fixture.hub.node.peerId
    await fixture.honest.services.rendezvous.register(hub, 'fuzz/honest')

    // each raw client's own signed peer record, as the hub stored it
    const ownRecord = new Map<string, Uint8Array>()
    for (const client of fixture.clients) {
      await client.services.rendezvous.register(hub, 'fuzz/own')
    }
    const listed = await fixture.honest.services.rendezvous.discover(hub, 'fuzz/own')
    for (const registration of listed.registrations) { ownRecord.set(registration.peerId.toString(), registration.signedPeerRecord) }
    const honestRecord = (await fixture.honest.services.rendezvous.discover(hub, 'fuzz/honest')).registrations[0]?.signedPeerRecord
    if (honestRecord == null || ownRecord.size !== fixture.clients.length) { throw new Error('rendezvous fuzz: the setup registrations are missing') }
    const someRecord = ownRecord.values().next().value as Uint8Array
    const cookies = new Set<string>([hexOf(listed.cookie)])
    const requests = [
      RendezvousMessage.encode({ type: MessageType.REGISTER, register: { ns: 'fuzz/a', ttl: 0n, signedPeerRecord: Uint8Array.from(someRecord) } }),
      RendezvousMessage.encode({ type: MessageType.REGISTER, register: { ns: 'fuzz/b', ttl: 7200n, signedPeerRecord: Uint8Array.from(someRecord) } }),
      // another peer's record: refused whatever the mutation (E_NOT_AUTHORIZED)
      RendezvousMessage.encode({ type: MessageType.REGISTER, register: { ns: 'fuzz/c', ttl: 7200n, signedPeerRecord: Uint8Array.from(honestRecord) } }),
      RendezvousMessage.encode({ type: MessageType.DISCOVER, discover: { ns: 'fuzz/own', limit: 10n, cookie: Uint8Array.from(listed.cookie) } }),
      RendezvousMessage.encode({ type: MessageType.UNREGISTER, unregister: { ns: 'fuzz/zzz' } })
    ]
    const foreign = [
      MailboxRequest.encode({ type: RequestType.INFO }),
      MailboxRequest.encode({ type: RequestType.CHALLENGE }),
      RendezvousMessage.encode({ type: MessageType.REGISTER_RESPONSE, registerResponse: { status: ResponseStatus.OK, ttl: 7200n } }),
      RendezvousMessage.encode({ type: MessageType.DISCOVER_RESPONSE, discoverResponse: { status: ResponseStatus.OK, registrations: [] } })
    ]
    const bases: RendezvousBases = { requests, ownRecord, cookies }
    const specs = fc.sample(caseArbitrary(requests.length, { big: options.big }), { numRuns: options.cases, seed: options.seed })
    // the REGISTER bases carry one client's record: a case on another client is a REGISTER of someone else's record
    const { random, mutations } = await barrage(fixture, specs, async (client, spec) => {
      const own = ownRecord.get(client.peerId.toString())
      const mine = own == null ? bases : { ...bases, requests: bases.requests.map((r, i) => i < 2 ? RendezvousMessage.encode({ ...RendezvousMessage.decode(r), register: { ...RendezvousMessage.decode(r).register, signedPeerRecord: Uint8Array.from(own) } }) : r) }
      return runRendezvousCase(fixture, client, spec, mine, foreign)
    }, 'rendezvous')

    let ok = 0
    let lost = 0
    let crashes = 0
    const notes: string[] = []
    try {
      const found = await fixture.honest.services.rendezvous.discover(hub, 'fuzz/honest', { signal: AbortSignal.timeout(20_000) })
      if (found.registrations.some(r => r.peerId.equals(fixture.honest.peerId))) { ok++ } else { lost++ }
      await fixture.honest.services.rendezvous.register(hub, 'fuzz/after', { signal: AbortSignal.timeout(20_000) })
      const again = await fixture.honest.services.rendezvous.discover(hub, 'fuzz/after', { signal: AbortSignal.timeout(20_000) })
      if (again.registrations.some(r => r.peerId.equals(fixture.honest.peerId))) { ok++ } else { lost++ }
    } catch (err: any) {
      crashes++
      notes.push(`honest client failed after the barrage: ${err.name}: ${err.message}`)
    }
    return {
      random,
      mutations,
      honest: { tried: 2, ok, lost, crashes, detail: ['honest registration before the barrage discovered after it, a new registration stored and discovered', ...notes].join('; ') },
      seconds: (performance.now() - started) / 1000
    }
  } finally {
    await fixture.restore().catch(() => {})
    await stopFixture(fixture)
  }
}
