import { InvalidRendezvousMessageError } from '../../errors.ts'
import { Message } from '../../protocol/pb/rendezvous.ts'
import { frameReadError, strictCodec } from '../../utils/frames.ts'
import type { Codec } from '../../utils/frames.ts'

export type MessageCodec = Codec<Message>

/** Message's codec, except that bytes which do not decode throw InvalidRendezvousMessageError */
export function messageCodec (): MessageCodec {
  return strictCodec(Message, InvalidRendezvousMessageError, 'rendezvous frame')
}

/** See frameReadError: InvalidRendezvousMessageError for a bad frame */
export function readError (err: any, signal: AbortSignal, what: string): Error {
  return frameReadError(err, signal, what, InvalidRendezvousMessageError)
}

/** Throws RangeError unless `value` is an integer from 1 to `max` */
export function positiveInteger (name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new RangeError(`expected ${name} to be an integer from 1 to ${max}, got ${value}`)
  }
  return value
}
