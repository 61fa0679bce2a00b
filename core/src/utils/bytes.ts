import { equalBytes } from '@noble/ciphers/utils.js'
import { concat } from 'uint8arrays/concat'
import { toString } from 'uint8arrays/to-string'

export { concat }

/** Constant-time equality for secrets and MACs (length is not secret) */
export function constantTimeEqual (a: Uint8Array, b: Uint8Array): boolean {
  return equalBytes(a, b)
}

/** Lowercase hex, for map keys and text formats */
export function hex (bytes: Uint8Array): string {
  return toString(bytes, 'base16')
}

/** Big-endian 4-byte encoding of an unsigned 32-bit integer */
/** Big-endian 8-byte encoding of a non-negative safe integer */
export function u64be (value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`expected a non-negative safe integer, got ${value}`)
  }
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(value))
  return out
}

/** The big-endian 8-byte unsigned integer at `offset` (may be past 2^53: check with Number.isSafeInteger) */
export function readU64be (bytes: Uint8Array, offset = 0): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(offset))
}

export function uint32be (value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`expected an unsigned 32-bit integer, got ${value}`)
  }
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, value)
  return out
}

/**
 * Copy into a fresh ArrayBuffer-backed array: protons' generated types want
 * Uint8Array<ArrayBuffer>, and a copy also detaches from larger buffers.
 */
export function own (bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(bytes)
}

/** Best effort: overwrite a temporary secret (JavaScript may hold other copies) */
export function wipe (...secrets: Array<Uint8Array | undefined>): void {
  for (const s of secrets) { s?.fill(0) }
}
