import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum RequestType {
  INFO = 'INFO',
  DEPOSIT = 'DEPOSIT',
  CHALLENGE = 'CHALLENGE',
  FETCH = 'FETCH',
  ACK = 'ACK'
}

enum __RequestTypeValues {
  INFO = 0,
  DEPOSIT = 1,
  CHALLENGE = 2,
  FETCH = 3,
  ACK = 4
}

export namespace RequestType {
  export const codec = (): Codec<RequestType> => {
    return enumeration<RequestType>(__RequestTypeValues)
  }
}

export interface MailboxRequest {
  type?: RequestType
  deposit?: Deposit
  fetch?: Fetch
  ack?: Ack
}

export namespace MailboxRequest {
  let _codec: Codec<MailboxRequest>

  export const codec = (): Codec<MailboxRequest> => {
    if (_codec == null) {
      _codec = message<MailboxRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null) {
          w.uint32(8)
          RequestType.codec().encode(obj.type, w)
        }

        if (obj.deposit != null) {
          w.uint32(18)
          Deposit.codec().encode(obj.deposit, w)
        }

        if (obj.fetch != null) {
          w.uint32(26)
          Fetch.codec().encode(obj.fetch, w)
        }

        if (obj.ack != null) {
          w.uint32(34)
          Ack.codec().encode(obj.ack, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = RequestType.codec().decode(reader)
              break
            }
            case 2: {
              obj.deposit = Deposit.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.deposit
              })
              break
            }
            case 3: {
              obj.fetch = Fetch.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.fetch
              })
              break
            }
            case 4: {
              obj.ack = Ack.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ack
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.type`,
                value: RequestType.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield * Deposit.codec().stream(reader, reader.uint32(), `${prefix}.deposit`, {
                limits: opts.limits?.deposit
              })

              break
            }
            case 3: {
              yield * Fetch.codec().stream(reader, reader.uint32(), `${prefix}.fetch`, {
                limits: opts.limits?.fetch
              })

              break
            }
            case 4: {
              yield * Ack.codec().stream(reader, reader.uint32(), `${prefix}.ack`, {
                limits: opts.limits?.ack
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface MailboxRequestTypeFieldEvent {
    field: '$.type'
    value: RequestType
  }

  export interface MailboxRequestDepositTagFieldEvent {
    field: '$.deposit.tag'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestDepositEnvelopeFieldEvent {
    field: '$.deposit.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestDepositStampDayFieldEvent {
    field: '$.deposit.stamp.day'
    value: number
  }

  export interface MailboxRequestDepositStampNonceFieldEvent {
    field: '$.deposit.stamp.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestFetchInboxKeyFieldEvent {
    field: '$.fetch.inboxKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestFetchSignatureFieldEvent {
    field: '$.fetch.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestFetchCursorFieldEvent {
    field: '$.fetch.cursor'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestFetchLimitFieldEvent {
    field: '$.fetch.limit'
    value: number
  }

  export interface MailboxRequestAckInboxKeyFieldEvent {
    field: '$.ack.inboxKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestAckSignatureFieldEvent {
    field: '$.ack.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestAckHashesFieldEvent {
    field: '$.ack.hashes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<MailboxRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MailboxRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxRequest>): MailboxRequest {
    return decodeMessage(buf, MailboxRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxRequest>): Generator<MailboxRequestTypeFieldEvent | MailboxRequestDepositTagFieldEvent | MailboxRequestDepositEnvelopeFieldEvent | MailboxRequestDepositStampDayFieldEvent | MailboxRequestDepositStampNonceFieldEvent | MailboxRequestFetchInboxKeyFieldEvent | MailboxRequestFetchSignatureFieldEvent | MailboxRequestFetchCursorFieldEvent | MailboxRequestFetchLimitFieldEvent | MailboxRequestAckInboxKeyFieldEvent | MailboxRequestAckSignatureFieldEvent | MailboxRequestAckHashesFieldEvent> {
    return streamMessage(buf, MailboxRequest.codec(), opts)
  }
}

export interface Stamp {
  day?: number
  nonce?: Uint8Array<ArrayBuffer>
}

export namespace Stamp {
  let _codec: Codec<Stamp>

  export const codec = (): Codec<Stamp> => {
    if (_codec == null) {
      _codec = message<Stamp>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.day != null) {
          w.uint32(8)
          w.uint32(obj.day)
        }

        if (obj.nonce != null) {
          w.uint32(18)
          w.bytes(obj.nonce)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.day = reader.uint32()
              break
            }
            case 2: {
              obj.nonce = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.day`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface StampDayFieldEvent {
    field: '$.day'
    value: number
  }

  export interface StampNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Stamp>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Stamp.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Stamp>): Stamp {
    return decodeMessage(buf, Stamp.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Stamp>): Generator<StampDayFieldEvent | StampNonceFieldEvent> {
    return streamMessage(buf, Stamp.codec(), opts)
  }
}

export interface Deposit {
  tag?: Uint8Array<ArrayBuffer>
  envelope?: Uint8Array<ArrayBuffer>
  stamp?: Stamp
}

export namespace Deposit {
  let _codec: Codec<Deposit>

  export const codec = (): Codec<Deposit> => {
    if (_codec == null) {
      _codec = message<Deposit>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.tag != null) {
          w.uint32(10)
          w.bytes(obj.tag)
        }

        if (obj.envelope != null) {
          w.uint32(18)
          w.bytes(obj.envelope)
        }

        if (obj.stamp != null) {
          w.uint32(26)
          Stamp.codec().encode(obj.stamp, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.tag = reader.bytes()
              break
            }
            case 2: {
              obj.envelope = reader.bytes()
              break
            }
            case 3: {
              obj.stamp = Stamp.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.stamp
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.tag`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.envelope`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield * Stamp.codec().stream(reader, reader.uint32(), `${prefix}.stamp`, {
                limits: opts.limits?.stamp
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface DepositTagFieldEvent {
    field: '$.tag'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DepositEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DepositStampDayFieldEvent {
    field: '$.stamp.day'
    value: number
  }

  export interface DepositStampNonceFieldEvent {
    field: '$.stamp.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Deposit>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Deposit.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Deposit>): Deposit {
    return decodeMessage(buf, Deposit.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Deposit>): Generator<DepositTagFieldEvent | DepositEnvelopeFieldEvent | DepositStampDayFieldEvent | DepositStampNonceFieldEvent> {
    return streamMessage(buf, Deposit.codec(), opts)
  }
}

export interface Fetch {
  inboxKey?: Uint8Array<ArrayBuffer>
  signature?: Uint8Array<ArrayBuffer>
  cursor?: Uint8Array<ArrayBuffer>
  limit?: number
}

export namespace Fetch {
  let _codec: Codec<Fetch>

  export const codec = (): Codec<Fetch> => {
    if (_codec == null) {
      _codec = message<Fetch>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.inboxKey != null) {
          w.uint32(10)
          w.bytes(obj.inboxKey)
        }

        if (obj.signature != null) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (obj.cursor != null) {
          w.uint32(26)
          w.bytes(obj.cursor)
        }

        if (obj.limit != null) {
          w.uint32(32)
          w.uint32(obj.limit)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.inboxKey = reader.bytes()
              break
            }
            case 2: {
              obj.signature = reader.bytes()
              break
            }
            case 3: {
              obj.cursor = reader.bytes()
              break
            }
            case 4: {
              obj.limit = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.inboxKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.cursor`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.limit`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FetchInboxKeyFieldEvent {
    field: '$.inboxKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FetchSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FetchCursorFieldEvent {
    field: '$.cursor'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FetchLimitFieldEvent {
    field: '$.limit'
    value: number
  }

  export function encode (obj: Partial<Fetch>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Fetch.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Fetch>): Fetch {
    return decodeMessage(buf, Fetch.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Fetch>): Generator<FetchInboxKeyFieldEvent | FetchSignatureFieldEvent | FetchCursorFieldEvent | FetchLimitFieldEvent> {
    return streamMessage(buf, Fetch.codec(), opts)
  }
}

export interface Ack {
  inboxKey?: Uint8Array<ArrayBuffer>
  signature?: Uint8Array<ArrayBuffer>
  hashes: Uint8Array<ArrayBuffer>[]
}

export namespace Ack {
  let _codec: Codec<Ack>

  export const codec = (): Codec<Ack> => {
    if (_codec == null) {
      _codec = message<Ack>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.inboxKey != null) {
          w.uint32(10)
          w.bytes(obj.inboxKey)
        }

        if (obj.signature != null) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (obj.hashes != null && obj.hashes.length > 0) {
          for (const value of obj.hashes) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          hashes: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.inboxKey = reader.bytes()
              break
            }
            case 2: {
              obj.signature = reader.bytes()
              break
            }
            case 3: {
              if (opts.limits?.hashes != null && obj.hashes.length === opts.limits.hashes) {
                throw new MaxLengthError('Decode error - repeated field "hashes" had too many elements')
              }

              obj.hashes.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          hashes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.inboxKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              if (opts.limits?.hashes != null && obj.hashes === opts.limits.hashes) {
                throw new MaxLengthError('Streaming decode error - repeated field "hashes" had too many elements')
              }

              yield {
                field: `${prefix}.hashes[]`,
                index: obj.hashes,
                value: reader.bytes()
              }

              obj.hashes++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AckInboxKeyFieldEvent {
    field: '$.inboxKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AckSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AckHashesFieldEvent {
    field: '$.hashes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Ack>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Ack.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ack>): Ack {
    return decodeMessage(buf, Ack.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ack>): Generator<AckInboxKeyFieldEvent | AckSignatureFieldEvent | AckHashesFieldEvent> {
    return streamMessage(buf, Ack.codec(), opts)
  }
}

export interface MailboxResponse {
  type?: RequestType
  status?: MailboxResponse.Status
  statusText?: string
  info?: Info
  receipt?: Receipt
  challenge?: Uint8Array<ArrayBuffer>
  page?: Page
  deleted?: number
}

export namespace MailboxResponse {
  export enum Status {
    OK = 'OK',
    E_ENVELOPE_TOO_LARGE = 'E_ENVELOPE_TOO_LARGE',
    E_INVALID_STAMP = 'E_INVALID_STAMP',
    E_QUOTA_EXCEEDED = 'E_QUOTA_EXCEEDED',
    E_STORAGE_FULL = 'E_STORAGE_FULL',
    E_RATE_LIMITED = 'E_RATE_LIMITED',
    E_UNAUTHORIZED = 'E_UNAUTHORIZED',
    E_INTERNAL_ERROR = 'E_INTERNAL_ERROR'
  }

  enum __StatusValues {
    OK = 0,
    E_ENVELOPE_TOO_LARGE = 100,
    E_INVALID_STAMP = 101,
    E_QUOTA_EXCEEDED = 102,
    E_STORAGE_FULL = 103,
    E_RATE_LIMITED = 104,
    E_UNAUTHORIZED = 200,
    E_INTERNAL_ERROR = 300
  }

  export namespace Status {
    export const codec = (): Codec<Status> => {
      return enumeration<Status>(__StatusValues)
    }
  }

  let _codec: Codec<MailboxResponse>

  export const codec = (): Codec<MailboxResponse> => {
    if (_codec == null) {
      _codec = message<MailboxResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null) {
          w.uint32(8)
          RequestType.codec().encode(obj.type, w)
        }

        if (obj.status != null) {
          w.uint32(16)
          MailboxResponse.Status.codec().encode(obj.status, w)
        }

        if (obj.statusText != null) {
          w.uint32(26)
          w.string(obj.statusText)
        }

        if (obj.info != null) {
          w.uint32(34)
          Info.codec().encode(obj.info, w)
        }

        if (obj.receipt != null) {
          w.uint32(42)
          Receipt.codec().encode(obj.receipt, w)
        }

        if (obj.challenge != null) {
          w.uint32(50)
          w.bytes(obj.challenge)
        }

        if (obj.page != null) {
          w.uint32(58)
          Page.codec().encode(obj.page, w)
        }

        if (obj.deleted != null) {
          w.uint32(64)
          w.uint32(obj.deleted)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = RequestType.codec().decode(reader)
              break
            }
            case 2: {
              obj.status = MailboxResponse.Status.codec().decode(reader)
              break
            }
            case 3: {
              obj.statusText = reader.string()
              break
            }
            case 4: {
              obj.info = Info.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.info
              })
              break
            }
            case 5: {
              obj.receipt = Receipt.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.receipt
              })
              break
            }
            case 6: {
              obj.challenge = reader.bytes()
              break
            }
            case 7: {
              obj.page = Page.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.page
              })
              break
            }
            case 8: {
              obj.deleted = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.type`,
                value: RequestType.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.status`,
                value: MailboxResponse.Status.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.statusText`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield * Info.codec().stream(reader, reader.uint32(), `${prefix}.info`, {
                limits: opts.limits?.info
              })

              break
            }
            case 5: {
              yield * Receipt.codec().stream(reader, reader.uint32(), `${prefix}.receipt`, {
                limits: opts.limits?.receipt
              })

              break
            }
            case 6: {
              yield {
                field: `${prefix}.challenge`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield * Page.codec().stream(reader, reader.uint32(), `${prefix}.page`, {
                limits: opts.limits?.page
              })

              break
            }
            case 8: {
              yield {
                field: `${prefix}.deleted`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface MailboxResponseTypeFieldEvent {
    field: '$.type'
    value: RequestType
  }

  export interface MailboxResponseStatusFieldEvent {
    field: '$.status'
    value: MailboxResponse.Status
  }

  export interface MailboxResponseStatusTextFieldEvent {
    field: '$.statusText'
    value: string
  }

  export interface MailboxResponseInfoDifficultyFieldEvent {
    field: '$.info.difficulty'
    value: number
  }

  export interface MailboxResponseInfoRetentionFieldEvent {
    field: '$.info.retention'
    value: number
  }

  export interface MailboxResponseInfoMaxEnvelopeBytesFieldEvent {
    field: '$.info.maxEnvelopeBytes'
    value: number
  }

  export interface MailboxResponseInfoQuotaCountFieldEvent {
    field: '$.info.quotaCount'
    value: number
  }

  export interface MailboxResponseInfoQuotaBytesFieldEvent {
    field: '$.info.quotaBytes'
    value: bigint
  }

  export interface MailboxResponseInfoMaxPageSizeFieldEvent {
    field: '$.info.maxPageSize'
    value: number
  }

  export interface MailboxResponseInfoMaxPageBytesFieldEvent {
    field: '$.info.maxPageBytes'
    value: number
  }

  export interface MailboxResponseInfoMaxAckHashesFieldEvent {
    field: '$.info.maxAckHashes'
    value: number
  }

  export interface MailboxResponseReceiptMailboxPeerIdFieldEvent {
    field: '$.receipt.mailboxPeerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxResponseReceiptTagFieldEvent {
    field: '$.receipt.tag'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxResponseReceiptEnvelopeHashFieldEvent {
    field: '$.receipt.envelopeHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxResponseReceiptStoredAtFieldEvent {
    field: '$.receipt.storedAt'
    value: bigint
  }

  export interface MailboxResponseReceiptExpiresAtFieldEvent {
    field: '$.receipt.expiresAt'
    value: bigint
  }

  export interface MailboxResponseReceiptSignatureFieldEvent {
    field: '$.receipt.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxResponseChallengeFieldEvent {
    field: '$.challenge'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxResponsePageEntriesHashFieldEvent {
    field: '$.page.entries[].hash'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface MailboxResponsePageEntriesEnvelopeFieldEvent {
    field: '$.page.entries[].envelope'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface MailboxResponsePageEntriesStoredAtFieldEvent {
    field: '$.page.entries[].storedAt'
    value: bigint
    index: number
  }

  export interface MailboxResponsePageEntriesExpiresAtFieldEvent {
    field: '$.page.entries[].expiresAt'
    value: bigint
    index: number
  }

  export interface MailboxResponsePageCursorFieldEvent {
    field: '$.page.cursor'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxResponsePageMoreFieldEvent {
    field: '$.page.more'
    value: boolean
  }

  export interface MailboxResponseDeletedFieldEvent {
    field: '$.deleted'
    value: number
  }

  export function encode (obj: Partial<MailboxResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MailboxResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxResponse>): MailboxResponse {
    return decodeMessage(buf, MailboxResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxResponse>): Generator<MailboxResponseTypeFieldEvent | MailboxResponseStatusFieldEvent | MailboxResponseStatusTextFieldEvent | MailboxResponseInfoDifficultyFieldEvent | MailboxResponseInfoRetentionFieldEvent | MailboxResponseInfoMaxEnvelopeBytesFieldEvent | MailboxResponseInfoQuotaCountFieldEvent | MailboxResponseInfoQuotaBytesFieldEvent | MailboxResponseInfoMaxPageSizeFieldEvent | MailboxResponseInfoMaxPageBytesFieldEvent | MailboxResponseInfoMaxAckHashesFieldEvent | MailboxResponseReceiptMailboxPeerIdFieldEvent | MailboxResponseReceiptTagFieldEvent | MailboxResponseReceiptEnvelopeHashFieldEvent | MailboxResponseReceiptStoredAtFieldEvent | MailboxResponseReceiptExpiresAtFieldEvent | MailboxResponseReceiptSignatureFieldEvent | MailboxResponseChallengeFieldEvent | MailboxResponsePageEntriesHashFieldEvent | MailboxResponsePageEntriesEnvelopeFieldEvent | MailboxResponsePageEntriesStoredAtFieldEvent | MailboxResponsePageEntriesExpiresAtFieldEvent | MailboxResponsePageCursorFieldEvent | MailboxResponsePageMoreFieldEvent | MailboxResponseDeletedFieldEvent> {
    return streamMessage(buf, MailboxResponse.codec(), opts)
  }
}

export interface Info {
  difficulty?: number
  retention?: number
  maxEnvelopeBytes?: number
  quotaCount?: number
  quotaBytes?: bigint
  maxPageSize?: number
  maxPageBytes?: number
  maxAckHashes?: number
}

export namespace Info {
  let _codec: Codec<Info>

  export const codec = (): Codec<Info> => {
    if (_codec == null) {
      _codec = message<Info>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.difficulty != null) {
          w.uint32(8)
          w.uint32(obj.difficulty)
        }

        if (obj.retention != null) {
          w.uint32(16)
          w.uint32(obj.retention)
        }

        if (obj.maxEnvelopeBytes != null) {
          w.uint32(24)
          w.uint32(obj.maxEnvelopeBytes)
        }

        if (obj.quotaCount != null) {
          w.uint32(32)
          w.uint32(obj.quotaCount)
        }

        if (obj.quotaBytes != null) {
          w.uint32(40)
          w.uint64(obj.quotaBytes)
        }

        if (obj.maxPageSize != null) {
          w.uint32(48)
          w.uint32(obj.maxPageSize)
        }

        if (obj.maxPageBytes != null) {
          w.uint32(56)
          w.uint32(obj.maxPageBytes)
        }

        if (obj.maxAckHashes != null) {
          w.uint32(64)
          w.uint32(obj.maxAckHashes)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.difficulty = reader.uint32()
              break
            }
            case 2: {
              obj.retention = reader.uint32()
              break
            }
            case 3: {
              obj.maxEnvelopeBytes = reader.uint32()
              break
            }
            case 4: {
              obj.quotaCount = reader.uint32()
              break
            }
            case 5: {
              obj.quotaBytes = reader.uint64()
              break
            }
            case 6: {
              obj.maxPageSize = reader.uint32()
              break
            }
            case 7: {
              obj.maxPageBytes = reader.uint32()
              break
            }
            case 8: {
              obj.maxAckHashes = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.difficulty`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.retention`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.maxEnvelopeBytes`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.quotaCount`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.quotaBytes`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.maxPageSize`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.maxPageBytes`,
                value: reader.uint32()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.maxAckHashes`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface InfoDifficultyFieldEvent {
    field: '$.difficulty'
    value: number
  }

  export interface InfoRetentionFieldEvent {
    field: '$.retention'
    value: number
  }

  export interface InfoMaxEnvelopeBytesFieldEvent {
    field: '$.maxEnvelopeBytes'
    value: number
  }

  export interface InfoQuotaCountFieldEvent {
    field: '$.quotaCount'
    value: number
  }

  export interface InfoQuotaBytesFieldEvent {
    field: '$.quotaBytes'
    value: bigint
  }

  export interface InfoMaxPageSizeFieldEvent {
    field: '$.maxPageSize'
    value: number
  }

  export interface InfoMaxPageBytesFieldEvent {
    field: '$.maxPageBytes'
    value: number
  }

  export interface InfoMaxAckHashesFieldEvent {
    field: '$.maxAckHashes'
    value: number
  }

  export function encode (obj: Partial<Info>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Info.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Info>): Info {
    return decodeMessage(buf, Info.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Info>): Generator<InfoDifficultyFieldEvent | InfoRetentionFieldEvent | InfoMaxEnvelopeBytesFieldEvent | InfoQuotaCountFieldEvent | InfoQuotaBytesFieldEvent | InfoMaxPageSizeFieldEvent | InfoMaxPageBytesFieldEvent | InfoMaxAckHashesFieldEvent> {
    return streamMessage(buf, Info.codec(), opts)
  }
}

export interface Receipt {
  mailboxPeerId?: Uint8Array<ArrayBuffer>
  tag?: Uint8Array<ArrayBuffer>
  envelopeHash?: Uint8Array<ArrayBuffer>
  storedAt?: bigint
  expiresAt?: bigint
  signature?: Uint8Array<ArrayBuffer>
}

export namespace Receipt {
  let _codec: Codec<Receipt>

  export const codec = (): Codec<Receipt> => {
    if (_codec == null) {
      _codec = message<Receipt>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.mailboxPeerId != null) {
          w.uint32(10)
          w.bytes(obj.mailboxPeerId)
        }

        if (obj.tag != null) {
          w.uint32(18)
          w.bytes(obj.tag)
        }

        if (obj.envelopeHash != null) {
          w.uint32(26)
          w.bytes(obj.envelopeHash)
        }

        if (obj.storedAt != null) {
          w.uint32(32)
          w.uint64(obj.storedAt)
        }

        if (obj.expiresAt != null) {
          w.uint32(40)
          w.uint64(obj.expiresAt)
        }

        if (obj.signature != null) {
          w.uint32(50)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.mailboxPeerId = reader.bytes()
              break
            }
            case 2: {
              obj.tag = reader.bytes()
              break
            }
            case 3: {
              obj.envelopeHash = reader.bytes()
              break
            }
            case 4: {
              obj.storedAt = reader.uint64()
              break
            }
            case 5: {
              obj.expiresAt = reader.uint64()
              break
            }
            case 6: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.mailboxPeerId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.tag`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.envelopeHash`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.storedAt`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ReceiptMailboxPeerIdFieldEvent {
    field: '$.mailboxPeerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReceiptTagFieldEvent {
    field: '$.tag'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReceiptEnvelopeHashFieldEvent {
    field: '$.envelopeHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReceiptStoredAtFieldEvent {
    field: '$.storedAt'
    value: bigint
  }

  export interface ReceiptExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export interface ReceiptSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Receipt>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Receipt.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Receipt>): Receipt {
    return decodeMessage(buf, Receipt.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Receipt>): Generator<ReceiptMailboxPeerIdFieldEvent | ReceiptTagFieldEvent | ReceiptEnvelopeHashFieldEvent | ReceiptStoredAtFieldEvent | ReceiptExpiresAtFieldEvent | ReceiptSignatureFieldEvent> {
    return streamMessage(buf, Receipt.codec(), opts)
  }
}

export interface MailboxEntry {
  hash?: Uint8Array<ArrayBuffer>
  envelope?: Uint8Array<ArrayBuffer>
  storedAt?: bigint
  expiresAt?: bigint
}

export namespace MailboxEntry {
  let _codec: Codec<MailboxEntry>

  export const codec = (): Codec<MailboxEntry> => {
    if (_codec == null) {
      _codec = message<MailboxEntry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.hash != null) {
          w.uint32(10)
          w.bytes(obj.hash)
        }

        if (obj.envelope != null) {
          w.uint32(18)
          w.bytes(obj.envelope)
        }

        if (obj.storedAt != null) {
          w.uint32(24)
          w.uint64(obj.storedAt)
        }

        if (obj.expiresAt != null) {
          w.uint32(32)
          w.uint64(obj.expiresAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.hash = reader.bytes()
              break
            }
            case 2: {
              obj.envelope = reader.bytes()
              break
            }
            case 3: {
              obj.storedAt = reader.uint64()
              break
            }
            case 4: {
              obj.expiresAt = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.hash`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.envelope`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.storedAt`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface MailboxEntryHashFieldEvent {
    field: '$.hash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxEntryEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxEntryStoredAtFieldEvent {
    field: '$.storedAt'
    value: bigint
  }

  export interface MailboxEntryExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export function encode (obj: Partial<MailboxEntry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MailboxEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxEntry>): MailboxEntry {
    return decodeMessage(buf, MailboxEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxEntry>): Generator<MailboxEntryHashFieldEvent | MailboxEntryEnvelopeFieldEvent | MailboxEntryStoredAtFieldEvent | MailboxEntryExpiresAtFieldEvent> {
    return streamMessage(buf, MailboxEntry.codec(), opts)
  }
}

export interface Page {
  entries: MailboxEntry[]
  cursor?: Uint8Array<ArrayBuffer>
  more?: boolean
}

export namespace Page {
  let _codec: Codec<Page>

  export const codec = (): Codec<Page> => {
    if (_codec == null) {
      _codec = message<Page>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.entries != null && obj.entries.length > 0) {
          for (const value of obj.entries) {
            w.uint32(10)
            MailboxEntry.codec().encode(value, w)
          }
        }

        if (obj.cursor != null) {
          w.uint32(18)
          w.bytes(obj.cursor)
        }

        if (obj.more != null) {
          w.uint32(24)
          w.bool(obj.more)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          entries: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.entries != null && obj.entries.length === opts.limits.entries) {
                throw new MaxLengthError('Decode error - repeated field "entries" had too many elements')
              }

              obj.entries.push(MailboxEntry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.entries$
              }))
              break
            }
            case 2: {
              obj.cursor = reader.bytes()
              break
            }
            case 3: {
              obj.more = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          entries: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.entries != null && obj.entries === opts.limits.entries) {
                throw new MaxLengthError('Streaming decode error - repeated field "entries" had too many elements')
              }

              for (const evt of MailboxEntry.codec().stream(reader, reader.uint32(), `${prefix}.entries[]`, {
                limits: opts.limits?.entries$
              })) {
                yield {
                  ...evt,
                  index: obj.entries
                }
              }

              obj.entries++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.cursor`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.more`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface PageEntriesHashFieldEvent {
    field: '$.entries[].hash'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PageEntriesEnvelopeFieldEvent {
    field: '$.entries[].envelope'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PageEntriesStoredAtFieldEvent {
    field: '$.entries[].storedAt'
    value: bigint
    index: number
  }

  export interface PageEntriesExpiresAtFieldEvent {
    field: '$.entries[].expiresAt'
    value: bigint
    index: number
  }

  export interface PageCursorFieldEvent {
    field: '$.cursor'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PageMoreFieldEvent {
    field: '$.more'
    value: boolean
  }

  export function encode (obj: Partial<Page>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Page.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Page>): Page {
    return decodeMessage(buf, Page.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Page>): Generator<PageEntriesHashFieldEvent | PageEntriesEnvelopeFieldEvent | PageEntriesStoredAtFieldEvent | PageEntriesExpiresAtFieldEvent | PageCursorFieldEvent | PageMoreFieldEvent> {
    return streamMessage(buf, Page.codec(), opts)
  }
}

export interface MailboxList {
  userId: string
  signingKey: Uint8Array<ArrayBuffer>
  version: bigint
  mailboxes: Uint8Array<ArrayBuffer>[]
}

export namespace MailboxList {
  let _codec: Codec<MailboxList>

  export const codec = (): Codec<MailboxList> => {
    if (_codec == null) {
      _codec = message<MailboxList>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.userId != null && obj.userId !== '')) {
          w.uint32(10)
          w.string(obj.userId)
        }

        if ((obj.signingKey != null && obj.signingKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signingKey)
        }

        if ((obj.version != null && obj.version !== 0n)) {
          w.uint32(24)
          w.uint64(obj.version)
        }

        if (obj.mailboxes != null && obj.mailboxes.length > 0) {
          for (const value of obj.mailboxes) {
            w.uint32(34)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          userId: '',
          signingKey: uint8ArrayAlloc(0),
          version: 0n,
          mailboxes: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.userId = reader.string()
              break
            }
            case 2: {
              obj.signingKey = reader.bytes()
              break
            }
            case 3: {
              obj.version = reader.uint64()
              break
            }
            case 4: {
              if (opts.limits?.mailboxes != null && obj.mailboxes.length === opts.limits.mailboxes) {
                throw new MaxLengthError('Decode error - repeated field "mailboxes" had too many elements')
              }

              obj.mailboxes.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          mailboxes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.userId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signingKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              if (opts.limits?.mailboxes != null && obj.mailboxes === opts.limits.mailboxes) {
                throw new MaxLengthError('Streaming decode error - repeated field "mailboxes" had too many elements')
              }

              yield {
                field: `${prefix}.mailboxes[]`,
                index: obj.mailboxes,
                value: reader.bytes()
              }

              obj.mailboxes++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface MailboxListUserIdFieldEvent {
    field: '$.userId'
    value: string
  }

  export interface MailboxListSigningKeyFieldEvent {
    field: '$.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxListVersionFieldEvent {
    field: '$.version'
    value: bigint
  }

  export interface MailboxListMailboxesFieldEvent {
    field: '$.mailboxes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<MailboxList>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MailboxList.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxList>): MailboxList {
    return decodeMessage(buf, MailboxList.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxList>): Generator<MailboxListUserIdFieldEvent | MailboxListSigningKeyFieldEvent | MailboxListVersionFieldEvent | MailboxListMailboxesFieldEvent> {
    return streamMessage(buf, MailboxList.codec(), opts)
  }
}

export interface SignedMailboxList {
  list: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedMailboxList {
  let _codec: Codec<SignedMailboxList>

  export const codec = (): Codec<SignedMailboxList> => {
    if (_codec == null) {
      _codec = message<SignedMailboxList>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.list != null && obj.list.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.list)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          list: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.list = reader.bytes()
              break
            }
            case 2: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.list`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SignedMailboxListListFieldEvent {
    field: '$.list'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedMailboxListSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedMailboxList>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedMailboxList.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedMailboxList>): SignedMailboxList {
    return decodeMessage(buf, SignedMailboxList.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedMailboxList>): Generator<SignedMailboxListListFieldEvent | SignedMailboxListSignatureFieldEvent> {
    return streamMessage(buf, SignedMailboxList.codec(), opts)
  }
}
