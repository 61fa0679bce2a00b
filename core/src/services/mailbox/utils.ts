import {
  EnvelopeTooLargeError, InvalidMailboxMessageError, InvalidStampError, MailboxError, QuotaExceededError, RateLimitedError, UnauthorizedError
} from '../../errors.ts'
import { MailboxRequest, MailboxResponse } from '../../protocol/pb/mailbox.ts'
import { frameReadError, strictCodec } from '../../utils/frames.ts'

const { Status } = MailboxResponse

export type { Codec } from '../../utils/frames.ts'

export const requestCodec = strictCodec<MailboxRequest>(MailboxRequest, InvalidMailboxMessageError, 'mailbox request')
export const responseCodec = strictCodec<MailboxResponse>(MailboxResponse, InvalidMailboxMessageError, 'mailbox response')

/** See frameReadError: InvalidMailboxMessageError for a bad frame */
export function readError (err: any, signal: AbortSignal, what: string): Error {
  return frameReadError(err, signal, what, InvalidMailboxMessageError)
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
