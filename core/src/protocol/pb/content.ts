import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Content {
  id: Uint8Array<ArrayBuffer>
  sentAt: bigint
  text?: string
  receiptFor: Uint8Array<ArrayBuffer>[]
  group?: Uint8Array<ArrayBuffer>
  channel?: Uint8Array<ArrayBuffer>
}

export namespace Content {
  let _codec: Codec<Content>

  export const codec = (): Codec<Content> => {
    if (_codec == null) {
      _codec = message<Content>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if ((obj.sentAt != null && obj.sentAt !== 0n)) {
          w.uint32(16)
          w.uint64(obj.sentAt)
        }

        if (obj.text != null) {
          w.uint32(26)
          w.string(obj.text)
        }

        if (obj.receiptFor != null && obj.receiptFor.length > 0) {
          for (const value of obj.receiptFor) {
            w.uint32(34)
            w.bytes(value)
          }
        }

        if (obj.group != null) {
          w.uint32(42)
          w.bytes(obj.group)
        }

        if (obj.channel != null) {
          w.uint32(50)
          w.bytes(obj.channel)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          sentAt: 0n,
          receiptFor: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.bytes()
              break
            }
            case 2: {
              obj.sentAt = reader.uint64()
              break
            }
            case 3: {
              obj.text = reader.string()
              break
            }
            case 4: {
              if (opts.limits?.receiptFor != null && obj.receiptFor.length === opts.limits.receiptFor) {
                throw new MaxLengthError('Decode error - repeated field "receiptFor" had too many elements')
              }

              obj.receiptFor.push(reader.bytes())
              break
            }
            case 5: {
              obj.group = reader.bytes()
              break
            }
            case 6: {
              obj.channel = reader.bytes()
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
          receiptFor: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.sentAt`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 4: {
              if (opts.limits?.receiptFor != null && obj.receiptFor === opts.limits.receiptFor) {
                throw new MaxLengthError('Streaming decode error - repeated field "receiptFor" had too many elements')
              }

              yield {
                field: `${prefix}.receiptFor[]`,
                index: obj.receiptFor,
                value: reader.bytes()
              }

              obj.receiptFor++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.group`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.channel`,
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

  export interface ContentIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentSentAtFieldEvent {
    field: '$.sentAt'
    value: bigint
  }

  export interface ContentTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface ContentReceiptForFieldEvent {
    field: '$.receiptFor[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentGroupFieldEvent {
    field: '$.group'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentChannelFieldEvent {
    field: '$.channel'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Content>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Content.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Content>): Content {
    return decodeMessage(buf, Content.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Content>): Generator<ContentIdFieldEvent | ContentSentAtFieldEvent | ContentTextFieldEvent | ContentReceiptForFieldEvent | ContentGroupFieldEvent | ContentChannelFieldEvent> {
    return streamMessage(buf, Content.codec(), opts)
  }
}
