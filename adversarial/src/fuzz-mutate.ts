/**
 * Structured mutations of valid messages for the fuzzer: byte-level changes
 * (bit flips, byte replacements, truncation, extension, insertion, deletion,
 * crossover with another valid message) and protobuf field-level changes.
 *
 * The protobuf changes work on the wire format without a schema: the message
 * is parsed into (field number, wire type, value) triples, nested messages
 * included, one field is dropped, duplicated, moved, renumbered, given another
 * wire type or value, or an unknown field is added, and the result is
 * re-encoded. That reaches every field of every Hypha message, nested ones
 * too, with the same code; the targets then decode the result with their own
 * protons codecs.
 *
 * Every choice comes from fast-check (`mutationArbitrary`), so a run is
 * reproducible from its seed.
 */

import fc from 'fast-check'
import { concat } from 'uint8arrays/concat'

/** Protobuf wire types: varint, fixed64, length-delimited, start group, end group, fixed32 (6 and 7 are invalid) */
export type WireType = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7

export interface PbField {
  no: number
  wt: WireType
  /** varint: the number; fixed64/fixed32/length-delimited: the bytes; groups and invalid types: empty */
  value: bigint | Uint8Array
  /** Extra continuation bytes on the varint (wt 0) or on the length (wt 2): a non-canonical encoding of the same value */
  pad?: number
  /** The parsed fields of a length-delimited value that is itself a message */
  sub?: PbField[]
}

const MAX_VARINT_BYTES = 10

function readVarint (bytes: Uint8Array, offset: number): { value: bigint, next: number } | undefined {
  let value = 0n
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (offset + i >= bytes.length) { return undefined }
    const byte = bytes[offset + i]
    value |= BigInt(byte & 0x7f) << BigInt(7 * i)
    if ((byte & 0x80) === 0) { return { value, next: offset + i + 1 } }
  }
  return undefined
}

/** Unsigned LEB128 (protobuf's) of the low 64 bits of `value`, with `pad` redundant zero groups (a non-canonical encoding) */
export function writeVarint (value: bigint, pad = 0): number[] {
  const out: number[] = []
  let v = value & ((1n << 64n) - 1n)
  do {
    let byte = Number(v & 0x7fn)
    v >>= 7n
    if (v !== 0n) { byte |= 0x80 }
    out.push(byte)
  } while (v !== 0n)
  for (let i = 0; i < pad; i++) {
    out[out.length - 1] |= 0x80
    out.push(0)
  }
  return out
}

/** The fields of a protobuf message, or undefined when the bytes are not one (groups refused) */
export function parsePb (bytes: Uint8Array): PbField[] | undefined {
  const fields: PbField[] = []
  let offset = 0
  while (offset < bytes.length) {
    const tag = readVarint(bytes, offset)
    if (tag == null || tag.value > 0xffffffffn) { return undefined }
    const no = Number(tag.value >> 3n)
    const wt = Number(tag.value & 7n) as WireType
    if (no === 0) { return undefined }
    offset = tag.next
    if (wt === 0) {
      const v = readVarint(bytes, offset)
      if (v == null) { return undefined }
      fields.push({ no, wt, value: v.value })
      offset = v.next
    } else if (wt === 1 || wt === 5) {
      const size = wt === 1 ? 8 : 4
      if (offset + size > bytes.length) { return undefined }
      fields.push({ no, wt, value: bytes.slice(offset, offset + size) })
      offset += size
    } else if (wt === 2) {
      const len = readVarint(bytes, offset)
      if (len == null || len.value > BigInt(bytes.length - len.next)) { return undefined }
      offset = len.next
      fields.push({ no, wt, value: bytes.slice(offset, offset + Number(len.value)) })
      offset += Number(len.value)
    } else {
      return undefined
    }
  }
  return fields
}

/** Encodes fields (their `sub` messages re-encoded first) */
export function encodePb (fields: PbField[]): Uint8Array {
  const out: number[] = []
  for (const field of fields) {
    out.push(...writeVarint(BigInt(field.no) << 3n | BigInt(field.wt)))
    const value = field.sub != null ? encodePb(field.sub) : field.value
    if (field.wt === 0) {
      out.push(...writeVarint(typeof value === 'bigint' ? value : 0n, field.pad))
    } else if (field.wt === 1 || field.wt === 5 || field.wt === 2) {
      const bytes = value instanceof Uint8Array ? value : new Uint8Array(0)
      if (field.wt === 2) { out.push(...writeVarint(BigInt(bytes.length), field.pad)) }
      for (const b of bytes) { out.push(b) }
    }
  }
  return Uint8Array.from(out)
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/**
 * Parses a message and, down to `depth` levels, the length-delimited values
 * that are messages themselves. Only canonical encodings are taken apart (a
 * string or a key that happens to parse rarely re-encodes to the same
 * bytes), so an unchanged tree re-encodes to exactly the input.
 */
export function parseTree (bytes: Uint8Array, depth = 4): PbField[] | undefined {
  const fields = parsePb(bytes)
  if (fields == null || !sameBytes(encodePb(fields), bytes)) { return undefined }
  if (depth > 0) {
    for (const field of fields) {
      if (field.wt === 2 && field.value instanceof Uint8Array && field.value.length > 1) {
        const sub = parseTree(field.value, depth - 1)
        if (sub != null && sub.length > 0) { field.sub = sub }
      }
    }
  }
  return fields
}

/** Every field of the tree with the list that holds it */
function slots (fields: PbField[], out: Array<{ list: PbField[], index: number }> = []): Array<{ list: PbField[], index: number }> {
  fields.forEach((field, index) => {
    out.push({ list: fields, index })
    if (field.sub != null) { slots(field.sub, out) }
  })
  return out
}

export const BYTE_OPS = ['flip', 'flip', 'set', 'truncate', 'extend', 'insert', 'delete', 'duplicate', 'splice'] as const
export const PB_OPS = ['pbDrop', 'pbDuplicate', 'pbSwap', 'pbRenumber', 'pbRewire', 'pbVarint', 'pbVarint', 'pbBytes', 'pbBytes', 'pbUnknown', 'pbPad'] as const
export type MutationKind = typeof BYTE_OPS[number] | typeof PB_OPS[number]

/** One change; `a`, `b`, `c` are raw choices read modulo whatever they pick from when applied */
export interface MutationOp {
  kind: MutationKind
  a: number
  b: number
  c: number
  bytes: Uint8Array
}

export interface Mutation {
  /** Index of the valid message in the pool */
  base: number
  ops: MutationOp[]
}

export interface MutationOptions {
  /**
   * Where the protobuf starts in each pool message (after a type byte, a
   * magic, a hint); undefined when the messages are not protobuf
   */
  pbOffset?: number
  /** Most changes per case (default 3) */
  maxOps?: number
}

/** A mutation of one of `poolSize` valid messages */
export function mutationArbitrary (poolSize: number, options: MutationOptions = {}): fc.Arbitrary<Mutation> {
  const kinds: readonly MutationKind[] = options.pbOffset == null ? BYTE_OPS : [...BYTE_OPS, ...PB_OPS]
  const op = fc.record({
    kind: fc.constantFrom(...kinds),
    a: fc.nat(),
    b: fc.nat(),
    c: fc.nat(),
    bytes: fc.uint8Array({ minLength: 0, maxLength: 48, size: 'max' })
  })
  return fc.record({
    base: fc.nat({ max: poolSize - 1 }),
    ops: fc.array(op, { minLength: 1, maxLength: options.maxOps ?? 3 })
  })
}

/** Values that trip integer handling: zero, sign and width boundaries, past 2^53 and 2^64 - 1 */
const VARINT_EDGES = [
  0n, 1n, 2n, 127n, 128n, 255n, 256n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n,
  (1n << 53n) - 1n, 1n << 53n, (1n << 63n) - 1n, 1n << 63n, (1n << 64n) - 1n
]

/** One more or one less (wrapping at 0 to 2^64 - 1) */
function nextTo (value: bigint, up: boolean): bigint {
  if (up) { return value + 1n }
  return value === 0n ? (1n << 64n) - 1n : value - 1n
}

function applyByteOp (bytes: Uint8Array, op: MutationOp, pool: Uint8Array[]): Uint8Array {
  const len = bytes.length
  switch (op.kind) {
    case 'flip': {
      if (len === 0) { return Uint8Array.of(1 << (op.b % 8)) }
      const out = Uint8Array.from(bytes)
      out[op.a % len] ^= 1 << (op.b % 8)
      return out
    }
    case 'set': {
      if (len === 0) { return Uint8Array.of(op.b % 256) }
      const out = Uint8Array.from(bytes)
      const special = [0x00, 0xff, 0x80, 0x7f, 0x01]
      out[op.a % len] = op.c % 3 === 0 ? special[op.b % special.length] : op.b % 256
      return out
    }
    case 'truncate':
      return bytes.slice(0, len === 0 ? 0 : op.a % len)
    case 'extend':
      return concat([bytes, op.bytes.length > 0 ? op.bytes : Uint8Array.of(op.b % 256)])
    case 'insert': {
      const at = op.a % (len + 1)
      return concat([bytes.subarray(0, at), op.bytes.length > 0 ? op.bytes : Uint8Array.of(op.b % 256), bytes.subarray(at)])
    }
    case 'delete': {
      if (len === 0) { return bytes }
      const at = op.a % len
      return concat([bytes.subarray(0, at), bytes.subarray(Math.min(len, at + 1 + op.b % 16))])
    }
    case 'duplicate': {
      if (len === 0) { return bytes }
      const at = op.a % len
      const range = bytes.subarray(at, Math.min(len, at + 1 + op.b % 64))
      const to = op.c % (len + 1)
      return concat([bytes.subarray(0, to), range, bytes.subarray(to)])
    }
    case 'splice': {
      const other = pool[op.c % pool.length]
      return concat([bytes.subarray(0, len === 0 ? 0 : op.a % len), other.subarray(other.length === 0 ? 0 : op.b % other.length)])
    }
    default:
      return bytes
  }
}

function fixedBytes (op: MutationOp, size: number): Uint8Array {
  const out = new Uint8Array(size)
  out.set(op.bytes.subarray(0, size))
  return out
}

function newValue (wt: WireType, op: MutationOp): bigint | Uint8Array {
  if (wt === 0) { return VARINT_EDGES[op.c % VARINT_EDGES.length] }
  if (wt === 1) { return fixedBytes(op, 8) }
  if (wt === 5) { return fixedBytes(op, 4) }
  if (wt === 2) { return op.bytes }
  return new Uint8Array(0)
}

function replaceBytes (value: Uint8Array, op: MutationOp): Uint8Array {
  switch (op.b % 7) {
    case 0: return new Uint8Array(0)
    case 1: return op.bytes
    case 2: return value.slice(0, value.length === 0 ? 0 : op.c % value.length)
    case 3: return concat([value, op.bytes.length > 0 ? op.bytes : Uint8Array.of(0)])
    case 4: return concat([value, value])
    case 5: return new Uint8Array(65_536 + op.c % 4096).fill(op.a % 256)
    default: {
      if (value.length === 0) { return Uint8Array.of(op.c % 256) }
      const out = Uint8Array.from(value)
      out[op.c % out.length] ^= 1 << (op.a % 8)
      return out
    }
  }
}

/** Changes field `index` of `list` as `op` says (false for an op that is not a field change) */
function changeField (list: PbField[], index: number, op: MutationOp): boolean {
  const field = list[index]
  switch (op.kind) {
    case 'pbDrop':
      list.splice(index, 1)
      break
    case 'pbDuplicate':
      list.splice(op.b % (list.length + 1), 0, { ...field })
      break
    case 'pbSwap': {
      const other = op.b % list.length
      list[index] = list[other]
      list[other] = field
      break
    }
    case 'pbRenumber':
      field.no = op.b % 4 === 0 ? [536_870_911, 15, 16, 19_000][op.c % 4] : 1 + op.b % 12
      break
    case 'pbRewire': {
      const wt = ([0, 1, 2, 5, 3, 4, 6, 7] as WireType[]).filter(w => w !== field.wt)[op.b % 7]
      field.wt = wt
      field.sub = undefined
      field.value = newValue(wt, op)
      break
    }
    case 'pbVarint':
      if (field.wt === 0 && typeof field.value === 'bigint') {
        field.value = op.b % 3 === 0 ? nextTo(field.value, op.b % 2 === 0) : VARINT_EDGES[op.c % VARINT_EDGES.length]
      } else {
        // a length-delimited field read as a number, or the other way round
        field.wt = 0
        field.sub = undefined
        field.value = VARINT_EDGES[op.c % VARINT_EDGES.length]
      }
      break
    case 'pbBytes':
      if (field.wt === 2 && field.value instanceof Uint8Array) {
        field.value = replaceBytes(field.sub != null ? encodePb(field.sub) : field.value, op)
        field.sub = undefined
      } else {
        field.wt = 2
        field.value = replaceBytes(new Uint8Array(0), op)
      }
      break
    case 'pbPad':
      // the same value in more bytes: a non-canonical encoding
      if (field.wt === 0 || field.wt === 2) {
        field.pad = 1 + op.b % 3
      } else {
        list.splice(index, 1)
      }
      break
    default:
      return false
  }
  return true
}

/** One protobuf field-level change; undefined when the body is not a protobuf message */
function applyPbOp (body: Uint8Array, op: MutationOp): Uint8Array | undefined {
  const root = parseTree(body)
  if (root == null) { return undefined }
  const all = slots(root)
  if (all.length === 0 || op.kind === 'pbUnknown') {
    // an unknown (or repeated known) field at some level
    const list = all.length === 0 ? root : all[op.a % all.length].list
    const wt = ([0, 1, 2, 5, 2, 0, 3, 6] as WireType[])[op.b % 8]
    const no = op.c % 5 === 0 ? 536_870_911 : 1 + op.c % 40
    list.splice(op.a % (list.length + 1), 0, { no, wt, value: newValue(wt, op) })
    return encodePb(root)
  }
  const { list, index } = all[op.a % all.length]
  if (!changeField(list, index, op)) { return undefined }
  return encodePb(root)
}

/** The bytes of a mutation of `pool[mutation.base]` */
export function applyMutation (pool: Uint8Array[], mutation: Mutation, options: MutationOptions = {}): Uint8Array {
  let bytes = pool[mutation.base]
  for (const op of mutation.ops) {
    if (op.kind.startsWith('pb') && options.pbOffset != null && bytes.length >= options.pbOffset) {
      const body = applyPbOp(bytes.subarray(options.pbOffset), op)
      if (body != null) {
        bytes = concat([bytes.subarray(0, options.pbOffset), body])
        continue
      }
      // not (or no longer) a protobuf: a byte-level change instead
      bytes = applyByteOp(bytes, { ...op, kind: 'flip' }, pool)
      continue
    }
    bytes = applyByteOp(bytes, op, pool)
  }
  return bytes
}

export { sameBytes }
