import { TimeoutError } from '@libp2p/interface'
import {
  EnvelopeTooLargeError, InvalidMailboxMessageError, InvalidStampError, MailboxError, QuotaExceededError, RateLimitedError, UnauthorizedError
} from '../../errors.ts'
import { MailboxRequest, MailboxResponse } from '../../protocol/pb/mailbox.ts'
import type { DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

const { Status } = MailboxResponse

/** Errors of the length-prefixed reader in `@libp2p/utils` that mean the peer sent a bad frame (too long, cut short) */
const FRAME_ERRORS = new Set([
  'InvalidDataLengthError', 'InvalidDataLengthLengthError', 'InvalidMessageLengthError', 'UnexpectedEOFError'
])

export interface Codec<T> {
  encode(message: T): Uint8Array
  decode(bytes: Uint8Array | Uint8ArrayList, options?: DecodeOptions<T>): T
}

/** `codec`, except that bytes which do not decode throw InvalidMailboxMessageError */
function strict<T> (codec: Codec<T>, what: string): Codec<T> {
  return {
    encode: (message) => codec.encode(message),
    decode: (bytes, options) => {
      try {
        return codec.decode(bytes, options)
      } catch (err: any) {
        throw new InvalidMailboxMessageError(`${what} does not decode: ${err.message}`)
      }
    }
  }
}

export const requestCodec = strict<MailboxRequest>(MailboxRequest, 'mailbox request')
export const responseCodec = strict<MailboxResponse>(MailboxResponse, 'mailbox response')

/**
 * What to throw when reading a frame failed: the timeout or the abort reason
 * if the signal fired, InvalidMailboxMessageError if the frame was bad, else
 * the stream's own error (a reset, say).
 */
export function readError (err: any, signal: AbortSignal, what: string): Error {
  if (signal.aborted) {
    return signal.reason?.name === 'TimeoutError' ? new TimeoutError(`${what} timed out`) : signal.reason
  }
  if (err?.name === 'InvalidMailboxMessageError' || FRAME_ERRORS.has(err?.name)) {
    return new InvalidMailboxMessageError(`${what}: ${err.message}`)
  }
  return err
}

/** Throws RangeError unless `value` is an integer from `min` to `max` */
export function integerInRange (name: string, value: number, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`expected ${name} to be an integer from ${min} to ${max}, got ${value}`)
  }
  return value
}

/** The typed error a client throws for a response status other than OK (undefined for OK) */
export function statusError (status: MailboxResponse.Status | undefined, statusText: string | undefined, request: string): Error | undefined {
  const code = status ?? Status.OK
  if (code === Status.OK) {
    return undefined
  }
  const message = `mailbox refused ${request}: ${statusText == null || statusText === '' ? code : statusText}`
  switch (code) {
    case Status.E_ENVELOPE_TOO_LARGE: return new EnvelopeTooLargeError(message)
    case Status.E_INVALID_STAMP: return new InvalidStampError(message)
    case Status.E_QUOTA_EXCEEDED:
    case Status.E_STORAGE_FULL: return new QuotaExceededError(message)
    case Status.E_RATE_LIMITED: return new RateLimitedError(message)
    case Status.E_UNAUTHORIZED: return new UnauthorizedError(message)
    default: return new MailboxError(message, code)
  }
}
