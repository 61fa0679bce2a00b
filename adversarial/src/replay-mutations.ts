/**
 * Tampered variants of genuine envelopes, by position class: every region of
 * each envelope type (PROTOCOL.md sections 8, 9 and 19) gets single bit
 * flips; then byte substitutions, truncations, extensions, splices of one
 * envelope's header onto another's body, field swaps between sessions and
 * non-canonical encodings. Deterministic (a seeded generator), distinct, and
 * never byte-identical to a genuine envelope.
 */

import { envelopeId, parseRatchetMessage } from '@hypha/core'
import { concat } from 'uint8arrays/concat'

export type EnvelopeKind = 'prekey envelope' | 'ratchet message' | 'group message' | 'key package'

export interface Region {
  name: string
  start: number
  end: number
}

export interface Variant {
  /** Mutation class, e.g. "bit flip: tag", "truncation", "splice: header/body" */
  kind: string
  bytes: Uint8Array
  id: string
}

export function kindOf (bytes: Uint8Array): EnvelopeKind {
  switch (bytes[0]) {
    case 0x01: return 'prekey envelope'
    case 0x02: return 'ratchet message'
    case 0x04: return 'group message'
    case 0x05: return 'key package'
    default: throw new Error(`no tamper layout for envelope type ${bytes[0]}`)
  }
}

/** Unsigned LEB128 varint (protobuf's), up to 2^32 - 1 */
export function encodeVarint (value: number): Uint8Array {
  const out: number[] = []
  let v = value
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
  return Uint8Array.from(out)
}

function encodingLength (value: number): number {
  return encodeVarint(value).length
}

function decodeVarint (bytes: Uint8Array, offset: number): number {
  let value = 0
  let scale = 1
  for (let i = offset; i < bytes.length && i < offset + 10; i++) {
    value += (bytes[i] & 0x7f) * scale
    if ((bytes[i] & 0x80) === 0) { return value }
    scale *= 0x80
  }
  throw new Error('varint does not end')
}

/** A small deterministic generator (xorshift32): runs are reproducible */
export class Rng {
  private state: number

  constructor (seed: number) {
    this.state = (seed >>> 0) === 0 ? 0x9e3779b9 : seed >>> 0
  }

  next (): number {
    let x = this.state
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.state = x >>> 0
    return this.state
  }

  int (n: number): number {
    return this.next() % n
  }

  bytes (n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.next() & 0xff)
  }
}

/** A protobuf field's position: the tag and length bytes, then the value */
interface PbField {
  field: number
  start: number
  valueStart: number
  end: number
}

/** Walks the top level of a protobuf message in bytes[start, end) (varint and length-delimited fields only) */
function walk (bytes: Uint8Array, start: number, end: number): PbField[] {
  const fields: PbField[] = []
  let offset = start
  while (offset < end) {
    const tag = decodeVarint(bytes, offset)
    const tagEnd = offset + encodingLength(tag)
    const wire = tag & 7
    if (wire === 0) {
      const value = decodeVarint(bytes, tagEnd)
      fields.push({ field: tag >>> 3, start: offset, valueStart: tagEnd, end: tagEnd + encodingLength(value) })
    } else if (wire === 2) {
      const length = decodeVarint(bytes, tagEnd)
      const valueStart = tagEnd + encodingLength(length)
      fields.push({ field: tag >>> 3, start: offset, valueStart, end: valueStart + length })
    } else {
      throw new Error(`unexpected wire type ${wire}`)
    }
    offset = fields[fields.length - 1].end
  }
  return fields
}

function ratchetRegions (bytes: Uint8Array, base: number, prefix: string): Region[] {
  const message = bytes.subarray(base)
  const header = parseRatchetMessage(message).header.bytes.length
  const end = base + message.length
  const at = (name: string, start: number, stop: number): Region => ({ name: prefix + name, start: base + start, end: base + stop })
  return [
    at('type byte', 0, 1),
    at('hint', 1, 5),
    at('ratchet key', 5, 37),
    at('counters', 37, header),
    at('nonce', header, header + 24),
    { name: `${prefix}ciphertext`, start: base + header + 24, end: end - 16 },
    { name: `${prefix}tag`, start: end - 16, end }
  ]
}

const PREKEY_FIELDS: Record<number, string> = { 1: 'prekey ids', 2: 'prekey ids', 3: 'prekey ids', 4: 'base key', 5: 'KEM ciphertext', 6: 'sealed sender' }

function prekeyRegions (bytes: Uint8Array, base: number, prefix: string): Region[] {
  const regions: Region[] = [{ name: `${prefix}type byte`, start: base, end: base + 1 }]
  for (const f of walk(bytes, base + 1, bytes.length)) {
    regions.push({ name: `${prefix}protobuf framing`, start: f.start, end: f.valueStart })
    if (f.field === 7) {
      regions.push(...ratchetRegions(bytes.subarray(0, f.end), f.valueStart, `${prefix}inner `))
    } else {
      regions.push({ name: prefix + (PREKEY_FIELDS[f.field] ?? 'unknown field'), start: f.valueStart, end: f.end })
    }
  }
  return regions
}

function groupRegions (bytes: Uint8Array): Region[] {
  const iterationBytes = encodingLength(decodeVarint(bytes, 14))
  const body = 14 + iterationBytes
  const end = bytes.length - 64
  return [
    { name: 'type byte', start: 0, end: 1 },
    { name: 'group hint', start: 1, end: 9 },
    { name: 'sender-key type', start: 9, end: 10 },
    { name: 'key id', start: 10, end: 14 },
    { name: 'iteration', start: 14, end: body },
    { name: 'nonce', start: body, end: body + 24 },
    { name: 'ciphertext', start: body + 24, end: end - 16 },
    { name: 'tag', start: end - 16, end },
    { name: 'signature', start: end, end: bytes.length }
  ]
}

function keyPackageRegions (bytes: Uint8Array): Region[] {
  const regions: Region[] = [{ name: 'type byte', start: 0, end: 1 }, { name: 'group hint', start: 1, end: 9 }]
  for (const entry of walk(bytes, 9, bytes.length)) {
    regions.push({ name: 'protobuf framing', start: entry.start, end: entry.valueStart })
    for (const f of walk(bytes, entry.valueStart, entry.end)) {
      regions.push({ name: 'protobuf framing', start: f.start, end: f.valueStart })
      if (f.field === 1) {
        regions.push({ name: 'entry hint', start: f.valueStart, end: f.end })
      } else if (bytes[f.valueStart] === 0x01) {
        regions.push(...prekeyRegions(bytes.subarray(0, f.end), f.valueStart, 'entry '))
      } else {
        regions.push(...ratchetRegions(bytes.subarray(0, f.end), f.valueStart, 'entry '))
      }
    }
  }
  return regions
}

/** The byte regions of a genuine envelope, by what they hold */
export function regionsOf (bytes: Uint8Array): Region[] {
  switch (kindOf(bytes)) {
    case 'prekey envelope': return prekeyRegions(bytes, 0, '')
    case 'ratchet message': return ratchetRegions(bytes, 0, '')
    case 'group message': return groupRegions(bytes)
    default: return keyPackageRegions(bytes)
  }
}

/** Where the authenticated "body" starts, for splices: after the header of each type */
function bodyStart (bytes: Uint8Array): number {
  switch (kindOf(bytes)) {
    case 'ratchet message': return parseRatchetMessage(bytes).header.bytes.length
    case 'group message': return 14 + encodingLength(decodeVarint(bytes, 14))
    case 'prekey envelope': {
      const message = walk(bytes, 1, bytes.length).find(f => f.field === 7)
      return message == null ? 1 : message.valueStart
    }
    default: return 9
  }
}

function pbField (field: number, value: Uint8Array | number): Uint8Array {
  if (typeof value === 'number') { return concat([encodeVarint(field << 3), encodeVarint(value)]) }
  return concat([encodeVarint((field << 3) | 2), encodeVarint(value.length), value])
}

/** A non-canonical varint: the same value with a redundant continuation byte */
function longVarint (value: number): Uint8Array {
  const canonical = encodeVarint(value)
  const out = new Uint8Array(canonical.length + 1)
  out.set(canonical)
  out[canonical.length - 1] |= 0x80
  out[canonical.length] = 0x00
  return out
}

/** Structured mutations of one envelope type, with the other envelopes as material */
function structural (bytes: Uint8Array, others: Uint8Array[], rng: Rng): Array<[string, Uint8Array]> {
  const out: Array<[string, Uint8Array]> = []
  const kind = kindOf(bytes)
  const body = bodyStart(bytes)
  // splices: this header on another envelope's body, and the reverse (same session or another)
  for (const other of others) {
    if (other[0] !== bytes[0]) { continue }
    const otherBody = bodyStart(other)
    out.push(['splice: header onto another body', concat([bytes.subarray(0, body), other.subarray(otherBody)])])
    out.push(['splice: another header onto this body', concat([other.subarray(0, otherBody), bytes.subarray(body)])])
  }
  const byKind: Record<EnvelopeKind, () => Array<[string, Uint8Array]>> = {
    'ratchet message': () => ratchetMutations(bytes, others),
    'prekey envelope': () => prekeyMutations(bytes, others, rng),
    'group message': () => groupMutations(bytes, others, body),
    'key package': () => keyPackageMutations(bytes, others, rng)
  }
  out.push(...byKind[kind]())
  return out
}

/** Counters changed (and written non-canonically), ratchet keys and hints of other sessions or chains */
function ratchetMutations (bytes: Uint8Array, others: Uint8Array[]): Array<[string, Uint8Array]> {
  const out: Array<[string, Uint8Array]> = []
  const { header } = parseRatchetMessage(bytes)
  const rest = bytes.subarray(header.bytes.length)
  const head = (hint: Uint8Array, dh: Uint8Array, pn: Uint8Array, n: Uint8Array): Uint8Array => concat([Uint8Array.of(0x02), hint, dh, pn, n])
  for (const [name, pn, n] of [
    ['n + 1', header.pn, header.n + 1], ['n - 1', header.pn, Math.max(0, header.n - 1) === header.n ? header.n + 2 : header.n - 1],
    ['n + 1000', header.pn, header.n + 1000], ['n = 2^32 - 1', header.pn, 0xffffffff], ['pn + 1', header.pn + 1, header.n],
    ['pn + 30000', header.pn + 30000, header.n]
  ] as Array<[string, number, number]>) {
    out.push([`counters: ${name}`, concat([head(header.hint, header.dh, encodeVarint(pn), encodeVarint(n)), rest])])
  }
  out.push(['counters: non-canonical varint', concat([head(header.hint, header.dh, encodeVarint(header.pn), longVarint(header.n)), rest])])
  out.push(['counters: non-canonical varint', concat([head(header.hint, header.dh, longVarint(header.pn), encodeVarint(header.n)), rest])])
  for (const other of others) {
    if (other[0] !== 0x02) { continue }
    const h = parseRatchetMessage(other).header
    out.push(['swap: ratchet key of another session/chain', concat([head(header.hint, h.dh, encodeVarint(header.pn), encodeVarint(header.n)), rest])])
    out.push(['swap: hint of another session/chain', concat([head(h.hint, header.dh, encodeVarint(header.pn), encodeVarint(header.n)), rest])])
  }
  return out
}

/** Prekey ids changed, a one-time prekey added or dropped, non-canonical forms, fields of other envelopes, the inner message cut */
function prekeyMutations (bytes: Uint8Array, others: Uint8Array[], rng: Rng): Array<[string, Uint8Array]> {
  const out: Array<[string, Uint8Array]> = []
  const fields = walk(bytes, 1, bytes.length)
  const value = (f: PbField): Uint8Array => bytes.subarray(f.valueStart, f.end)
  const rebuild = (list: Array<Uint8Array>): Uint8Array => concat([Uint8Array.of(0x01), ...list])
  const encoded = fields.map(f => bytes.subarray(f.start, f.end))
  const varintOf = (field: number): number | undefined => {
    const f = fields.find(x => x.field === field)
    return f == null ? undefined : decodeVarint(bytes, f.valueStart)
  }
  // prekey ids: another id, a one-time prekey added or dropped
  for (const field of [1, 2]) {
    const id = varintOf(field) ?? 0
    out.push([`fields: prekey id ${field} + 1`, rebuild(fields.map((f, i) => f.field === field ? pbField(field, id + 1) : encoded[i]))])
  }
  if (varintOf(3) == null) {
    for (const id of [1, 2, 3, 4]) {
      const i = fields.findIndex(f => f.field > 3)
      out.push(['fields: one-time prekey id added', rebuild([...encoded.slice(0, i), pbField(3, id), ...encoded.slice(i)])])
    }
  } else {
    out.push(['fields: one-time prekey id dropped', rebuild(encoded.filter((_, i) => fields[i].field !== 3))])
  }
  // non-canonical forms: fields reordered, an unknown field, a field repeated, a long varint
  out.push(['non-canonical: fields reordered', rebuild([...encoded].reverse())])
  out.push(['non-canonical: unknown field appended', concat([bytes, pbField(15, 1)])])
  out.push(['non-canonical: unknown field appended', concat([bytes, pbField(16, rng.bytes(8))])])
  out.push(['non-canonical: field repeated', concat([bytes, encoded[0]])])
  const first = fields[0]
  out.push(['non-canonical: long varint', rebuild([concat([encodeVarint(first.field << 3), longVarint(decodeVarint(bytes, first.valueStart))]), ...encoded.slice(1)])])
  // each field swapped for the same field of another envelope (another session's, or a later one of this session)
  for (const other of others) {
    if (other[0] !== 0x01) { continue }
    const otherFields = walk(other, 1, other.length)
    for (const f of fields) {
      const o = otherFields.find(x => x.field === f.field)
      if (o == null) { continue }
      const swapped = rebuild(fields.map((x, i) => x === f ? other.subarray(o.start, o.end) : encoded[i]))
      out.push([`swap: ${f.field === 7 ? 'inner message' : PREKEY_FIELDS[f.field] ?? 'field'} of another envelope`, swapped])
    }
  }
  // the inner message: truncated inside its field (the outer length fixed up)
  const message = fields.find(f => f.field === 7)
  if (message != null) {
    for (const cut of [1, 16, 17, 40]) {
      const inner = value(message)
      if (cut >= inner.length) { continue }
      out.push(['fields: inner message truncated', rebuild(fields.map((f, i) => f === message ? pbField(7, inner.subarray(0, inner.length - cut)) : encoded[i]))])
    }
    out.push(['fields: inner message emptied', rebuild(fields.map((f, i) => f === message ? pbField(7, new Uint8Array(0)) : encoded[i]))])
    out.push(['fields: inner message dropped', rebuild(encoded.filter((_, i) => fields[i] !== message))])
  }
  return out
}

/** Iterations changed (and written non-canonically), key ids, group hints and signatures of other messages */
function groupMutations (bytes: Uint8Array, others: Uint8Array[], body: number): Array<[string, Uint8Array]> {
  const out: Array<[string, Uint8Array]> = []
  const iteration = decodeVarint(bytes, 14)
  const rest = bytes.subarray(body)
  const head = (keyId: Uint8Array, it: Uint8Array): Uint8Array => concat([bytes.subarray(0, 10), keyId, it])
  for (const [name, it] of [['+ 1', iteration + 1], ['+ 1000', iteration + 1000], ['2^32 - 1', 0xffffffff]] as Array<[string, number]>) {
    out.push([`iteration ${name}`, concat([head(bytes.subarray(10, 14), encodeVarint(it)), rest])])
  }
  if (iteration > 0) { out.push(['iteration - 1', concat([head(bytes.subarray(10, 14), encodeVarint(iteration - 1)), rest])]) }
  out.push(['non-canonical: long varint', concat([head(bytes.subarray(10, 14), longVarint(iteration)), rest])])
  for (const other of others) {
    if (other[0] !== 0x04) { continue }
    out.push(['swap: key id of another sender or group', concat([bytes.subarray(0, 10), other.subarray(10, 14), bytes.subarray(14)])])
    out.push(['swap: group hint of another group', concat([bytes.subarray(0, 1), other.subarray(1, 9), bytes.subarray(9)])])
    out.push(['swap: signature of another message', concat([bytes.subarray(0, bytes.length - 64), other.subarray(other.length - 64)])])
  }
  return out
}

/** Non-canonical packages (unknown fields, an entry repeated, entries reordered) and re-wrapped ones */
function keyPackageMutations (bytes: Uint8Array, others: Uint8Array[], rng: Rng): Array<[string, Uint8Array]> {
  const out: Array<[string, Uint8Array]> = []
  out.push(['non-canonical: unknown field appended', concat([bytes, pbField(15, 1)])])
  out.push(['non-canonical: unknown field appended', concat([bytes, pbField(2, rng.bytes(8))])])
  const entries = walk(bytes, 9, bytes.length)
  out.push(['non-canonical: entry repeated', concat([bytes, bytes.subarray(entries[0].start, entries[0].end)])])
  out.push(['non-canonical: entries reordered', concat([bytes.subarray(0, 9), ...entries.map(e => bytes.subarray(e.start, e.end)).reverse()])])
  // re-wrapped: an entry for some other device added (a copy of an entry, another envelope) around the entries as they are
  const first = walk(bytes, entries[0].valueStart, entries[0].end)
  const envelope = first.find(f => f.field === 2)
  if (envelope != null) {
    const entry = (hint: Uint8Array, env: Uint8Array): Uint8Array => pbField(1, concat([pbField(1, hint), pbField(2, env)]))
    out.push(['re-wrap: an entry for another device added', concat([bytes, entry(rng.bytes(8), bytes.subarray(envelope.valueStart, envelope.end))])])
    for (const other of others.filter(o => o[0] === 0x02).slice(0, 2)) {
      out.push(['re-wrap: an entry for another device added', concat([bytes.subarray(0, 9), entry(rng.bytes(8), other), bytes.subarray(9)])])
    }
  }
  return out
}

/**
 * Up to `budget` distinct tampered variants of `bytes`: single bit flips
 * spread over every region (round robin, so a small budget still reaches
 * each; small regions get every bit), the structured mutations, truncations,
 * extensions, then random substitutions of 1 to 4 bytes. `others`: other
 * genuine envelopes, as splice and swap material. `exclude`: ids no variant
 * may have (the genuine envelopes, and variants made before); the new ones
 * are added to it, so inputs are distinct across a whole run.
 */
export function tamper (bytes: Uint8Array, others: Uint8Array[], exclude: Set<string>, budget: number, rng: Rng): Variant[] {
  const out: Variant[] = []
  exclude.add(envelopeId(bytes))
  const add = (kind: string, candidate: Uint8Array, limit = budget): void => {
    if (out.length >= Math.min(limit, budget)) { return }
    const id = envelopeId(candidate)
    if (exclude.has(id)) { return }
    exclude.add(id)
    out.push({ kind, bytes: candidate, id })
  }
  const flip = (position: number, bit: number): Uint8Array => {
    const copy = Uint8Array.from(bytes)
    copy[position] ^= 1 << bit
    return copy
  }
  // bit flips: up to 45% of the budget, one region after the other in turn; each region's bits in a spread order
  const regions = regionsOf(bytes).filter(r => r.end > r.start)
  const orders = regions.map(r => spread((r.end - r.start) * 8, rng))
  const flips = out.length + Math.ceil(budget * 0.45)
  for (let round = 0; out.length < flips && orders.some(o => round < o.length); round++) {
    regions.forEach((region, i) => {
      const b = orders[i][round]
      if (b != null) { add(`bit flip: ${region.name}`, flip(region.start + (b >> 3), b & 7), flips) }
    })
  }
  for (const [kind, candidate] of structural(bytes, others, rng)) { add(kind, candidate) }
  // truncations (up to 15%): every length when they fit, else the short ones and a spread of the rest
  const cuts = out.length + Math.ceil(budget * 0.15)
  add('truncation', bytes.subarray(0, bytes.length - 1), cuts)
  for (const length of spread(bytes.length, rng)) { add('truncation', bytes.subarray(0, length), cuts) }
  // extensions (up to 5%): random bytes, zeros, the envelope twice; a prefix (moves every byte)
  const extensions = out.length + Math.ceil(budget * 0.05)
  add('extension', concat([bytes, bytes]), extensions)
  add('extension', concat([bytes.subarray(0, 1), bytes]), extensions)
  for (const n of [1, 16, 64]) { add('extension', concat([bytes, new Uint8Array(n)]), extensions) }
  for (let i = 1; i <= 64; i++) { add('extension', concat([bytes, rng.bytes(i)]), extensions) }
  // the rest: 1 to 4 random bytes substituted, anywhere
  for (let tries = 0; out.length < budget && tries < budget * 4; tries++) {
    const copy = Uint8Array.from(bytes)
    const n = 1 + rng.int(4)
    for (let i = 0; i < n; i++) {
      const at = rng.int(copy.length)
      copy[at] = (copy[at] + 1 + rng.int(255)) & 0xff
    }
    add('substitution', copy)
  }
  return out
}

/** 0..n-1 in an order that covers the range evenly early on: halving strides, each level shuffled */
function spread (n: number, rng: Rng): number[] {
  const order: number[] = []
  const taken = new Uint8Array(n)
  for (let stride = 2 ** Math.floor(Math.log2(Math.max(1, n))); stride >= 1; stride = stride / 2) {
    const level: number[] = []
    for (let i = 0; i < n; i += stride) {
      if (taken[i] === 0) {
        taken[i] = 1
        level.push(i)
      }
    }
    for (let i = level.length - 1; i > 0; i--) {
      const j = rng.int(i + 1)
      const t = level[i]
      level[i] = level[j]
      level[j] = t
    }
    order.push(...level)
  }
  return order
}

/** "bit flip 123, truncation 45, ..." of a list of variants' classes (bit flips summed over regions) */
export function classTally (kinds: string[]): string {
  const counts = new Map<string, number>()
  for (const kind of kinds) {
    const family = kind.split(':')[0]
    counts.set(family, (counts.get(family) ?? 0) + 1)
  }
  return [...counts].map(([family, n]) => `${family} ${n}`).join(', ')
}
