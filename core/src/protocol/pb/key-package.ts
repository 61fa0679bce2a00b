import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface KeyPackage {
  entries: KeyPackage.Entry[]
}

export namespace KeyPackage {
  export interface Entry {
    hint: Uint8Array<ArrayBuffer>
    envelope: Uint8Array<ArrayBuffer>
  }

  export namespace Entry {
    let _codec: Codec<Entry>

    export const codec = (): Codec<Entry> => {
      if (_codec == null) {
        _codec = message<Entry>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if ((obj.hint != null && obj.hint.byteLength > 0)) {
            w.uint32(10)
            w.bytes(obj.hint)
          }

          if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
            w.uint32(18)
            w.bytes(obj.envelope)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            hint: uint8ArrayAlloc(0),
            envelope: uint8ArrayAlloc(0)
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.hint = reader.bytes()
                break
              }
              case 2: {
                obj.envelope = reader.bytes()
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
                  field: `${prefix}.hint`,
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

    export interface EntryHintFieldEvent {
      field: '$.hint'
      value: Uint8Array<ArrayBuffer>
    }

    export interface EntryEnvelopeFieldEvent {
      field: '$.envelope'
      value: Uint8Array<ArrayBuffer>
    }

    export function encode (obj: Partial<Entry>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Entry.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Entry {
      return decodeMessage(buf, Entry.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Generator<EntryHintFieldEvent | EntryEnvelopeFieldEvent> {
      return streamMessage(buf, Entry.codec(), opts)
    }
  }

  let _codec: Codec<KeyPackage>

  export const codec = (): Codec<KeyPackage> => {
    if (_codec == null) {
      _codec = message<KeyPackage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.entries != null && obj.entries.length > 0) {
          for (const value of obj.entries) {
            w.uint32(10)
            KeyPackage.Entry.codec().encode(value, w)
          }
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

              obj.entries.push(KeyPackage.Entry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.entries$
              }))
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

              for (const evt of KeyPackage.Entry.codec().stream(reader, reader.uint32(), `${prefix}.entries[]`, {
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

  export interface KeyPackageEntriesHintFieldEvent {
    field: '$.entries[].hint'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface KeyPackageEntriesEnvelopeFieldEvent {
    field: '$.entries[].envelope'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<KeyPackage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, KeyPackage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyPackage>): KeyPackage {
    return decodeMessage(buf, KeyPackage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyPackage>): Generator<KeyPackageEntriesHintFieldEvent | KeyPackageEntriesEnvelopeFieldEvent> {
    return streamMessage(buf, KeyPackage.codec(), opts)
  }
}
