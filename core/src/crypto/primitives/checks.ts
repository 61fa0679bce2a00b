import { InvalidPublicKeyError } from '../../errors.ts'

/** Throws a TypeError unless `value` is a Uint8Array of exactly `length` bytes */
export function assertBytes (value: unknown, length: number, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`expected ${what} to be a Uint8Array`)
  }
  if (value.length !== length) {
    throw new TypeError(`expected ${what} of length ${length}, got length=${value.length}`)
  }
}

/** Constant-time: true when every byte of the X25519 output is zero (low-order public key) */
export function isAllZero (bytes: Uint8Array): boolean {
  let acc = 0
  for (let i = 0; i < bytes.length; i++) { acc |= bytes[i] }
  return acc === 0
}

export function lowOrder (): InvalidPublicKeyError {
  return new InvalidPublicKeyError('X25519 public key is of low order (shared secret would be zero)')
}
