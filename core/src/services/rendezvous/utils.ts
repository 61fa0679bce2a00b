import { TimeoutError } from '@libp2p/interface'
import { InvalidRendezvousMessageError } from '../../errors.ts'
import { Message } from '../../protocol/pb/rendezvous.ts'
import type { DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

/** Errors of the length-prefixed reader in `@libp2p/utils` that mean the peer sent a bad frame (too long, cut short) */
const FRAME_ERRORS = new Set([
  'InvalidDataLengthError', 'InvalidDataLengthLengthError', 'InvalidMessageLengthError', 'UnexpectedEOFError'
])

export interface MessageCodec {
  encode(message: Message): Uint8Array
  decode(bytes: Uint8Array | Uint8ArrayList, options?: DecodeOptions<Message>): Message
}

/** Message's codec, except that bytes which do not decode throw InvalidRendezvousMessageError */
export function messageCodec (): MessageCodec {
  return {
    encode: (message) => Message.encode(message),
    decode: (bytes, options) => {
      try {
        return Message.decode(bytes, options)
      } catch (err: any) {
        throw new InvalidRendezvousMessageError(`rendezvous frame does not decode: ${err.message}`)
      }
    }
  }
}

/**
 * What to throw when reading a frame failed: the timeout or shutdown if the
 * signal fired, InvalidRendezvousMessageError if the frame was bad, else the
 * stream's own error (a reset, say).
 */
export function readError (err: any, signal: AbortSignal, what: string): Error {
  if (signal.aborted) {
    return signal.reason?.name === 'TimeoutError' ? new TimeoutError(`${what} timed out`) : signal.reason
  }
  if (err?.name === 'InvalidRendezvousMessageError') {
    return new InvalidRendezvousMessageError(`${what}: ${err.message}`)
  }
  if (FRAME_ERRORS.has(err?.name)) {
    return new InvalidRendezvousMessageError(`${what}: ${err.message}`)
  }
  return err
}

/** Throws RangeError unless `value` is an integer from 1 to `max` */
export function positiveInteger (name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new RangeError(`expected ${name} to be an integer from 1 to ${max}, got ${value}`)
  }
  return value
}
