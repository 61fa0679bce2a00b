/**
 * A group's membership log (PROTOCOL.md "Membership log"): signed operations
 * (create, add, remove, leave, promote) that name their parents, so the log
 * is a DAG. Every member keeps the same set of operations and computes the
 * same state from it:
 *
 * 1. An operation is accepted only if its signature verifies, its parents are
 * known, its lamport is one more than its parents' highest, and its author
 * may make it in the state of its own causal past (so acceptance does not
 * depend on the order operations arrive in).
 * 2. The state is a replay of every accepted operation in one total order,
 * (lamport, hash); an operation whose author may not make it at its place in
 * that order (say an admin removed by a concurrent operation ordered first)
 * has no effect. Two admins acting at once converge.
 */

import { sha256 } from '@noble/hashes/sha2.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'
import { equals } from 'uint8arrays/equals'
import { fromString } from 'uint8arrays/from-string'
import { GroupFullError, GroupPermissionError, InvalidSignatureError, MalformedMessageError } from '../errors.ts'
import { signWithContext, verifyWithContext } from '../identity/keys.ts'
import {
  GROUP_ID_LENGTH, MAX_DEVICES, MAX_GROUP_LOG_BYTES, MAX_GROUP_MEMBERS, MAX_GROUP_NAME_LENGTH, MAX_GROUP_OPS, MAX_MAILBOXES_PER_LIST,
  MAX_OP_PARENTS, MAX_OP_TARGETS, MAX_PEER_ID_BYTES, MAX_PENDING_OPS, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH
} from '../protocol/constants.ts'
import { GroupOp, SignedGroupOp } from '../protocol/pb/group.ts'
import { hex, own } from '../utils/bytes.ts'
import type { KeyPair } from '../identity/keys.ts'
import type { GroupMemberEntry } from '../protocol/pb/group.ts'

export const GROUP_OP_CONTEXT = utf8ToBytes('hypha/v1/group-op')
const MAX_USER_ID_LENGTH = 256
const HASH_LENGTH = 32

export { GroupOp }
export const OpKind = GroupOp.Kind

export interface MemberState {
  userId: string
  /** Hex device signing keys */
  devices: string[]
  admin: boolean
}

export interface GroupState {
  name: string
  createdBy: string
  createdAt: number
  /** Peer ids (multihash bytes) of the group's mailbox nodes */
  mailboxes: Uint8Array[]
  members: Map<string, MemberState>
}

/** An operation whose signature and structure were checked */
export interface VerifiedOp {
  /** hex SHA-256 of the encoded SignedGroupOp */
  hash: string
  /** The encoded SignedGroupOp, as sent */
  bytes: Uint8Array
  op: GroupOp
}

/** Signs an operation with a device key */
export async function signOp (device: KeyPair, op: GroupOp): Promise<VerifiedOp> {
  const opBytes = GroupOp.encode(op)
  const signature = await signWithContext(device.secretKey, GROUP_OP_CONTEXT, opBytes)
  const bytes = SignedGroupOp.encode({ op: opBytes, signature: own(signature) })
  return { hash: hex(sha256(bytes)), bytes, op: GroupOp.decode(opBytes) }
}

/** Decodes an operation and checks its lengths, its group and its signature (not yet whether its author may make it) */
export async function verifyOp (bytes: Uint8Array, groupId: Uint8Array): Promise<VerifiedOp> {
  let signed: SignedGroupOp
  let op: GroupOp
  try {
    signed = SignedGroupOp.decode(bytes)
    op = GroupOp.decode(signed.op, { limits: { parents: MAX_OP_PARENTS, targets: MAX_OP_TARGETS, mailboxes: MAX_MAILBOXES_PER_LIST, targets$: { devices: MAX_DEVICES } } })
  } catch (err: any) {
    throw new MalformedMessageError(`group operation does not decode: ${err.message}`)
  }
  // one encoding per operation: the log knows an operation by the hash of its bytes, so a re-encoding would be a second copy of it
  if (!equals(SignedGroupOp.encode(signed), bytes)) { throw new MalformedMessageError('group operation is not canonically encoded') }
  if (op.groupId.length !== GROUP_ID_LENGTH || hex(op.groupId) !== hex(groupId)) { throw new MalformedMessageError('group operation is for another group') }
  if (signed.signature.length !== SIGNATURE_LENGTH) { throw new MalformedMessageError(`group operation signature must be ${SIGNATURE_LENGTH} bytes`) }
  if (op.authorDevice.length !== PUBLIC_KEY_LENGTH) { throw new MalformedMessageError('group operation author device must be 32 bytes') }
  if (op.author.length === 0 || op.author.length > MAX_USER_ID_LENGTH) { throw new MalformedMessageError('group operation author is empty or too long') }
  if (op.name.length > MAX_GROUP_NAME_LENGTH) { throw new MalformedMessageError(`group name longer than ${MAX_GROUP_NAME_LENGTH}`) }
  if (op.parents.some(p => p.length !== HASH_LENGTH)) { throw new MalformedMessageError('group operation parent is not a 32-byte hash') }
  if (op.mailboxes.some(m => m.length === 0 || m.length > MAX_PEER_ID_BYTES)) { throw new MalformedMessageError('group operation names an invalid mailbox') }
  for (const target of op.targets) { checkTarget(target) }
  if (!(await verifyWithContext(signed.signature, GROUP_OP_CONTEXT, signed.op, op.authorDevice))) {
    throw new InvalidSignatureError('group operation signature does not verify')
  }
  return { hash: hex(sha256(bytes)), bytes: own(bytes), op }
}

function checkTarget (target: GroupMemberEntry): void {
  if (target.userId.length === 0 || target.userId.length > MAX_USER_ID_LENGTH) { throw new MalformedMessageError('group member user id is empty or too long') }
  if (target.devices.some(d => d.length !== PUBLIC_KEY_LENGTH)) { throw new MalformedMessageError('group member device key must be 32 bytes') }
}

function order (a: VerifiedOp, b: VerifiedOp): number {
  return a.op.lamport - b.op.lamport || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0)
}

/** Whether the author of `op` may make it in `state` (why not, when not) */
export function refusal (state: GroupState, op: GroupOp): string | undefined {
  const author = state.members.get(op.author)
  if (author == null) { return `${op.author} is not a member` }
  if (!author.devices.includes(hex(op.authorDevice))) { return 'the signing device is not one of the author\'s devices in the log' }
  switch (op.kind) {
    case OpKind.ADD:
    case OpKind.REMOVE:
    case OpKind.PROMOTE:
      return author.admin ? undefined : `${op.author} is not an admin`
    case OpKind.LEAVE:
      return undefined
    default:
      return 'a group has one create operation'
  }
}

/** Applies an operation its author may make; false when it changes nothing (or would overfill the group) */
function apply (state: GroupState, op: GroupOp): boolean {
  switch (op.kind) {
    case OpKind.ADD: {
      const added = op.targets.filter(t => !state.members.has(t.userId) && t.devices.length > 0)
      if (state.members.size + new Set(added.map(t => t.userId)).size > MAX_GROUP_MEMBERS) { return false }
      for (const t of added) { state.members.set(t.userId, { userId: t.userId, devices: t.devices.map(d => hex(d)), admin: false }) }
      return added.length > 0
    }
    case OpKind.REMOVE: {
      let changed = false
      for (const t of op.targets) { changed = state.members.delete(t.userId) || changed }
      return changed
    }
    case OpKind.LEAVE:
      return state.members.delete(op.author)
    case OpKind.PROMOTE: {
      let changed = false
      for (const t of op.targets) {
        const m = state.members.get(t.userId)
        if (m != null && !m.admin) {
          m.admin = true
          changed = true
        }
      }
      return changed
    }
    default:
      return false
  }
}

function initialState (create: GroupOp): GroupState {
  const creator = create.targets.find(t => t.userId === create.author)
  return {
    name: create.name,
    createdBy: create.author,
    createdAt: Number(create.createdAt),
    mailboxes: create.mailboxes,
    members: new Map([[create.author, { userId: create.author, devices: (creator?.devices ?? [create.authorDevice]).map(d => hex(d)), admin: true }]])
  }
}

function cloneState (state: GroupState): GroupState {
  return { ...state, members: new Map([...state.members].map(([k, v]) => [k, { ...v, devices: [...v.devices] }])) }
}

export type AddResult =
  | { status: 'added', applied: VerifiedOp[] }
  | { status: 'duplicate' }
  | { status: 'pending' }

export class MembershipLog {
  readonly groupId: Uint8Array
  private readonly ops = new Map<string, VerifiedOp>()
  private readonly pending = new Map<string, VerifiedOp>()
  private readonly children = new Set<string>()
  private bytes = 0
  private root: VerifiedOp
  /** The current state: every accepted operation replayed in (lamport, hash) order */
  state: GroupState

  private constructor (groupId: Uint8Array, root: VerifiedOp) {
    this.groupId = groupId
    this.root = root
    this.ops.set(root.hash, root)
    this.bytes = root.bytes.length
    this.state = initialState(root.op)
  }

  /** A log from its create operation, checked */
  static create (root: VerifiedOp): MembershipLog {
    const op = root.op
    if (op.kind !== OpKind.CREATE || op.parents.length > 0 || op.lamport !== 1) { throw new MalformedMessageError('a group log starts with a create operation without parents') }
    const creator = op.targets.find(t => t.userId === op.author)
    if (op.targets.length !== 1 || creator == null || !creator.devices.some(d => hex(d) === hex(op.authorDevice))) {
      throw new MalformedMessageError('a create operation names its author and the signing device as the only member')
    }
    return new MembershipLog(op.groupId, root)
  }

  /** Rebuilds a log from its operations (an invitation or storage); the create operation must be among them */
  static async fromOps (groupId: Uint8Array, encoded: Uint8Array[]): Promise<{ log: MembershipLog, rejected: Error[] }> {
    const verified: VerifiedOp[] = []
    const rejected: Error[] = []
    for (const bytes of encoded.slice(0, MAX_GROUP_OPS + MAX_PENDING_OPS)) {
      try {
        verified.push(await verifyOp(bytes, groupId))
      } catch (err: any) {
        rejected.push(err)
      }
    }
    const roots = verified.filter(v => v.op.kind === OpKind.CREATE)
    if (roots.length !== 1) { throw new MalformedMessageError(`a group log has exactly one create operation, not ${roots.length}`) }
    const log = MembershipLog.create(roots[0])
    for (const v of verified.filter(v => v !== roots[0]).sort(order)) {
      try {
        log.insert(v)
      } catch (err: any) {
        rejected.push(err)
      }
    }
    return { log, rejected }
  }

  get rootHash (): string {
    return this.root.hash
  }

  get size (): number {
    return this.ops.size
  }

  /** Every accepted operation in replay order (what an invitation carries) */
  all (): VerifiedOp[] {
    return [...this.ops.values()].sort(order)
  }

  has (hash: string): boolean {
    return this.ops.has(hash)
  }

  /** Operations no other operation names as a parent */
  heads (): VerifiedOp[] {
    return [...this.ops.values()].filter(v => !this.children.has(v.hash)).sort(order)
  }

  /** The next operation of this device: parents are the current heads */
  next (fields: { kind: GroupOp.Kind, author: string, authorDevice: Uint8Array, targets?: GroupMemberEntry[] }): GroupOp {
    const heads = this.heads().slice(-MAX_OP_PARENTS)
    return {
      groupId: own(this.groupId),
      kind: fields.kind,
      lamport: Math.max(...heads.map(h => h.op.lamport)) + 1,
      parents: heads.map(h => fromString(h.hash, 'base16')),
      author: fields.author,
      authorDevice: own(fields.authorDevice),
      targets: fields.targets ?? [],
      name: '',
      mailboxes: [],
      createdAt: BigInt(Date.now())
    }
  }

  /**
   * Adds a verified operation: 'pending' while a parent is missing (kept,
   * bounded), 'duplicate' when known. Throws GroupPermissionError when its
   * author may not make it in its causal past, MalformedMessageError for a
   * wrong lamport or a second create, GroupFullError past the log's limits.
   * On 'added', `applied` lists it and any pending operations it unblocked.
   */
  add (v: VerifiedOp): AddResult {
    if (this.ops.has(v.hash)) { return { status: 'duplicate' } }
    if (v.op.parents.some(p => !this.ops.has(hex(p)))) {
      if (!this.pending.has(v.hash)) {
        this.pending.set(v.hash, v)
        while (this.pending.size > MAX_PENDING_OPS) { this.pending.delete(this.pending.keys().next().value as string) }
      }
      return { status: 'pending' }
    }
    this.insert(v)
    const applied = [v]
    // operations waiting for this one
    for (let progress = true; progress;) {
      progress = false
      for (const [hash, p] of this.pending) {
        if (p.op.parents.every(parent => this.ops.has(hex(parent)))) {
          this.pending.delete(hash)
          try {
            this.insert(p)
            applied.push(p)
          } catch {}
          progress = true
        }
      }
    }
    return { status: 'added', applied }
  }

  private insert (v: VerifiedOp): void {
    if (this.ops.has(v.hash)) { return }
    const op = v.op
    if (op.kind === OpKind.CREATE) { throw new MalformedMessageError('a group has one create operation') }
    if (op.parents.length === 0) { throw new MalformedMessageError('a group operation names at least one parent') }
    const parents = op.parents.map(p => this.ops.get(hex(p)))
    if (parents.some(p => p == null)) { throw new MalformedMessageError('a group operation names an unknown parent') }
    const lamport = Math.max(...parents.map(p => p?.op.lamport ?? 0)) + 1
    if (op.lamport !== lamport) { throw new MalformedMessageError(`group operation lamport ${op.lamport}, its parents make it ${lamport}`) }
    if (this.ops.size >= MAX_GROUP_OPS || this.bytes + v.bytes.length > MAX_GROUP_LOG_BYTES) {
      throw new GroupFullError(`the group log is full (${MAX_GROUP_OPS} operations, ${MAX_GROUP_LOG_BYTES} bytes)`)
    }
    const why = refusal(this.causalState(op), op)
    if (why != null) { throw new GroupPermissionError(`group operation refused: ${why}`) }
    this.ops.set(v.hash, v)
    this.bytes += v.bytes.length
    for (const p of op.parents) { this.children.add(hex(p)) }
    this.state = this.replay([...this.ops.values()])
  }

  /** The state an operation's author saw: its ancestors replayed */
  private causalState (op: GroupOp): GroupState {
    const heads = this.heads()
    if (heads.length === op.parents.length && heads.every(h => op.parents.some(p => hex(p) === h.hash))) {
      return this.state
    }
    const ancestors = new Map<string, VerifiedOp>()
    const stack = op.parents.map(p => hex(p))
    while (stack.length > 0) {
      const hash = stack.pop() as string
      if (ancestors.has(hash)) { continue }
      const a = this.ops.get(hash)
      if (a == null) { continue }
      ancestors.set(hash, a)
      for (const p of a.op.parents) { stack.push(hex(p)) }
    }
    return this.replay([...ancestors.values()])
  }

  private replay (ops: VerifiedOp[]): GroupState {
    const state = initialState(this.root.op)
    for (const v of ops.sort(order)) {
      if (v.op.kind === OpKind.CREATE) { continue }
      if (refusal(state, v.op) == null) { apply(state, v.op) }
    }
    return state
  }

  /** A copy of the current state (to compare before and after a change) */
  snapshot (): GroupState {
    return cloneState(this.state)
  }
}
