/**
 * Length-prefixed protobuf frames of Hypha's own protocols (rendezvous,
 * mailbox): a codec whose bad bytes throw the protocol's named error, and
 * the error to throw when reading a frame failed.
 */

import { TimeoutError } from '@libp2p/interface'
import type { DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

/** Errors of the length-prefixed reader in `@libp2p/utils` that mean the peer sent a bad frame (too long, cut short) */
const FRAME_ERRORS = new Set([
  'InvalidDataLengthError', 'InvalidDataLengthLengthError', 'InvalidMessageLengthError', 'UnexpectedEOFError'
])

export interface Codec<T> {
  encode(message: T): Uint8Array
  decode(bytes: Uint8Array | Uint8ArrayList, options?: DecodeOptions<T>): T
}

/** A protocol's named error class (see errors.ts) */
export type FrameErrorClass = new (message: string) => Error

/** `codec`, except that bytes which do not decode throw `BadFrame` */
export function strictCodec<T> (codec: Codec<T>, BadFrame: FrameErrorClass, what: string): Codec<T> {
  return {
    encode: (message) => codec.encode(message),
    decode: (bytes, options) => {
      try {
        return codec.decode(bytes, options)
      } catch (err: any) {
        throw new BadFrame(`${what} does not decode: ${err.message}`)
      }
    }
  }
}

/**
 * What to throw when reading a frame failed: the timeout or the abort reason
 * if the signal fired, `BadFrame` if the frame was bad, else the stream's own
 * error (a reset, say).
 */
export function frameReadError (err: any, signal: AbortSignal, what: string, BadFrame: FrameErrorClass): Error {
  if (signal.aborted) {
    return signal.reason?.name === 'TimeoutError' ? new TimeoutError(`${what} timed out`) : signal.reason
  }
  if (err?.name === BadFrame.name || FRAME_ERRORS.has(err?.name)) {
    return new BadFrame(`${what}: ${err.message}`)
  }
  return err
}
