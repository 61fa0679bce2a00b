import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Message {
  type?: Message.MessageType
  register?: Message.Register
  registerResponse?: Message.RegisterResponse
  unregister?: Message.Unregister
  discover?: Message.Discover
  discoverResponse?: Message.DiscoverResponse
}

export namespace Message {
  export enum MessageType {
    REGISTER = 'REGISTER',
    REGISTER_RESPONSE = 'REGISTER_RESPONSE',
    UNREGISTER = 'UNREGISTER',
    DISCOVER = 'DISCOVER',
    DISCOVER_RESPONSE = 'DISCOVER_RESPONSE'
  }

  enum __MessageTypeValues {
    REGISTER = 0,
    REGISTER_RESPONSE = 1,
    UNREGISTER = 2,
    DISCOVER = 3,
    DISCOVER_RESPONSE = 4
  }

  export namespace MessageType {
    export const codec = (): Codec<MessageType> => {
      return enumeration<MessageType>(__MessageTypeValues)
    }
  }

  export enum ResponseStatus {
    OK = 'OK',
    E_INVALID_NAMESPACE = 'E_INVALID_NAMESPACE',
    E_INVALID_SIGNED_PEER_RECORD = 'E_INVALID_SIGNED_PEER_RECORD',
    E_INVALID_TTL = 'E_INVALID_TTL',
    E_INVALID_COOKIE = 'E_INVALID_COOKIE',
    E_NOT_AUTHORIZED = 'E_NOT_AUTHORIZED',
    E_INTERNAL_ERROR = 'E_INTERNAL_ERROR',
    E_UNAVAILABLE = 'E_UNAVAILABLE'
  }

  enum __ResponseStatusValues {
    OK = 0,
    E_INVALID_NAMESPACE = 100,
    E_INVALID_SIGNED_PEER_RECORD = 101,
    E_INVALID_TTL = 102,
    E_INVALID_COOKIE = 103,
    E_NOT_AUTHORIZED = 200,
    E_INTERNAL_ERROR = 300,
    E_UNAVAILABLE = 400
  }

  export namespace ResponseStatus {
    export const codec = (): Codec<ResponseStatus> => {
      return enumeration<ResponseStatus>(__ResponseStatusValues)
    }
  }

  export interface Register {
    ns?: string
    signedPeerRecord?: Uint8Array<ArrayBuffer>
    ttl?: bigint
  }

  export namespace Register {
    let _codec: Codec<Register>

    export const codec = (): Codec<Register> => {
      if (_codec == null) {
        _codec = message<Register>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.ns != null) {
            w.uint32(10)
            w.string(obj.ns)
          }

          if (obj.signedPeerRecord != null) {
            w.uint32(18)
            w.bytes(obj.signedPeerRecord)
          }

          if (obj.ttl != null) {
            w.uint32(24)
            w.uint64(obj.ttl)
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
                obj.ns = reader.string()
                break
              }
              case 2: {
                obj.signedPeerRecord = reader.bytes()
                break
              }
              case 3: {
                obj.ttl = reader.uint64()
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
                  field: `${prefix}.ns`,
                  value: reader.string()
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.signedPeerRecord`,
                  value: reader.bytes()
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.ttl`,
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

    export interface RegisterNsFieldEvent {
      field: '$.ns'
      value: string
    }

    export interface RegisterSignedPeerRecordFieldEvent {
      field: '$.signedPeerRecord'
      value: Uint8Array<ArrayBuffer>
    }

    export interface RegisterTtlFieldEvent {
      field: '$.ttl'
      value: bigint
    }

    export function encode (obj: Partial<Register>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Register.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Register>): Register {
      return decodeMessage(buf, Register.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Register>): Generator<RegisterNsFieldEvent | RegisterSignedPeerRecordFieldEvent | RegisterTtlFieldEvent> {
      return streamMessage(buf, Register.codec(), opts)
    }
  }

  export interface RegisterResponse {
    status?: Message.ResponseStatus
    statusText?: string
    ttl?: bigint
  }

  export namespace RegisterResponse {
    let _codec: Codec<RegisterResponse>

    export const codec = (): Codec<RegisterResponse> => {
      if (_codec == null) {
        _codec = message<RegisterResponse>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.status != null) {
            w.uint32(8)
            Message.ResponseStatus.codec().encode(obj.status, w)
          }

          if (obj.statusText != null) {
            w.uint32(18)
            w.string(obj.statusText)
          }

          if (obj.ttl != null) {
            w.uint32(24)
            w.uint64(obj.ttl)
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
                obj.status = Message.ResponseStatus.codec().decode(reader)
                break
              }
              case 2: {
                obj.statusText = reader.string()
                break
              }
              case 3: {
                obj.ttl = reader.uint64()
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
                  field: `${prefix}.status`,
                  value: Message.ResponseStatus.codec().decode(reader)
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.statusText`,
                  value: reader.string()
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.ttl`,
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

    export interface RegisterResponseStatusFieldEvent {
      field: '$.status'
      value: Message.ResponseStatus
    }

    export interface RegisterResponseStatusTextFieldEvent {
      field: '$.statusText'
      value: string
    }

    export interface RegisterResponseTtlFieldEvent {
      field: '$.ttl'
      value: bigint
    }

    export function encode (obj: Partial<RegisterResponse>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, RegisterResponse.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RegisterResponse>): RegisterResponse {
      return decodeMessage(buf, RegisterResponse.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RegisterResponse>): Generator<RegisterResponseStatusFieldEvent | RegisterResponseStatusTextFieldEvent | RegisterResponseTtlFieldEvent> {
      return streamMessage(buf, RegisterResponse.codec(), opts)
    }
  }

  export interface Unregister {
    ns?: string
  }

  export namespace Unregister {
    let _codec: Codec<Unregister>

    export const codec = (): Codec<Unregister> => {
      if (_codec == null) {
        _codec = message<Unregister>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.ns != null) {
            w.uint32(10)
            w.string(obj.ns)
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
                obj.ns = reader.string()
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
                  field: `${prefix}.ns`,
                  value: reader.string()
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

    export interface UnregisterNsFieldEvent {
      field: '$.ns'
      value: string
    }

    export function encode (obj: Partial<Unregister>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Unregister.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Unregister>): Unregister {
      return decodeMessage(buf, Unregister.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Unregister>): Generator<UnregisterNsFieldEvent> {
      return streamMessage(buf, Unregister.codec(), opts)
    }
  }

  export interface Discover {
    ns?: string
    limit?: bigint
    cookie?: Uint8Array<ArrayBuffer>
  }

  export namespace Discover {
    let _codec: Codec<Discover>

    export const codec = (): Codec<Discover> => {
      if (_codec == null) {
        _codec = message<Discover>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.ns != null) {
            w.uint32(10)
            w.string(obj.ns)
          }

          if (obj.limit != null) {
            w.uint32(16)
            w.uint64(obj.limit)
          }

          if (obj.cookie != null) {
            w.uint32(26)
            w.bytes(obj.cookie)
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
                obj.ns = reader.string()
                break
              }
              case 2: {
                obj.limit = reader.uint64()
                break
              }
              case 3: {
                obj.cookie = reader.bytes()
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
                  field: `${prefix}.ns`,
                  value: reader.string()
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.limit`,
                  value: reader.uint64()
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.cookie`,
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

    export interface DiscoverNsFieldEvent {
      field: '$.ns'
      value: string
    }

    export interface DiscoverLimitFieldEvent {
      field: '$.limit'
      value: bigint
    }

    export interface DiscoverCookieFieldEvent {
      field: '$.cookie'
      value: Uint8Array<ArrayBuffer>
    }

    export function encode (obj: Partial<Discover>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Discover.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Discover>): Discover {
      return decodeMessage(buf, Discover.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Discover>): Generator<DiscoverNsFieldEvent | DiscoverLimitFieldEvent | DiscoverCookieFieldEvent> {
      return streamMessage(buf, Discover.codec(), opts)
    }
  }

  export interface DiscoverResponse {
    registrations: Message.Register[]
    cookie?: Uint8Array<ArrayBuffer>
    status?: Message.ResponseStatus
    statusText?: string
  }

  export namespace DiscoverResponse {
    let _codec: Codec<DiscoverResponse>

    export const codec = (): Codec<DiscoverResponse> => {
      if (_codec == null) {
        _codec = message<DiscoverResponse>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.registrations != null && obj.registrations.length > 0) {
            for (const value of obj.registrations) {
              w.uint32(10)
              Message.Register.codec().encode(value, w)
            }
          }

          if (obj.cookie != null) {
            w.uint32(18)
            w.bytes(obj.cookie)
          }

          if (obj.status != null) {
            w.uint32(24)
            Message.ResponseStatus.codec().encode(obj.status, w)
          }

          if (obj.statusText != null) {
            w.uint32(34)
            w.string(obj.statusText)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            registrations: []
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.registrations != null && obj.registrations.length === opts.limits.registrations) {
                  throw new MaxLengthError('Decode error - repeated field "registrations" had too many elements')
                }

                obj.registrations.push(Message.Register.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.registrations$
                }))
                break
              }
              case 2: {
                obj.cookie = reader.bytes()
                break
              }
              case 3: {
                obj.status = Message.ResponseStatus.codec().decode(reader)
                break
              }
              case 4: {
                obj.statusText = reader.string()
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
            registrations: 0
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.registrations != null && obj.registrations === opts.limits.registrations) {
                  throw new MaxLengthError('Streaming decode error - repeated field "registrations" had too many elements')
                }

                for (const evt of Message.Register.codec().stream(reader, reader.uint32(), `${prefix}.registrations[]`, {
                  limits: opts.limits?.registrations$
                })) {
                  yield {
                    ...evt,
                    index: obj.registrations
                  }
                }

                obj.registrations++

                break
              }
              case 2: {
                yield {
                  field: `${prefix}.cookie`,
                  value: reader.bytes()
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.status`,
                  value: Message.ResponseStatus.codec().decode(reader)
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.statusText`,
                  value: reader.string()
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

    export interface DiscoverResponseRegistrationsNsFieldEvent {
      field: '$.registrations[].ns'
      value: string
      index: number
    }

    export interface DiscoverResponseRegistrationsSignedPeerRecordFieldEvent {
      field: '$.registrations[].signedPeerRecord'
      value: Uint8Array<ArrayBuffer>
      index: number
    }

    export interface DiscoverResponseRegistrationsTtlFieldEvent {
      field: '$.registrations[].ttl'
      value: bigint
      index: number
    }

    export interface DiscoverResponseCookieFieldEvent {
      field: '$.cookie'
      value: Uint8Array<ArrayBuffer>
    }

    export interface DiscoverResponseStatusFieldEvent {
      field: '$.status'
      value: Message.ResponseStatus
    }

    export interface DiscoverResponseStatusTextFieldEvent {
      field: '$.statusText'
      value: string
    }

    export function encode (obj: Partial<DiscoverResponse>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, DiscoverResponse.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DiscoverResponse>): DiscoverResponse {
      return decodeMessage(buf, DiscoverResponse.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DiscoverResponse>): Generator<DiscoverResponseRegistrationsNsFieldEvent | DiscoverResponseRegistrationsSignedPeerRecordFieldEvent | DiscoverResponseRegistrationsTtlFieldEvent | DiscoverResponseCookieFieldEvent | DiscoverResponseStatusFieldEvent | DiscoverResponseStatusTextFieldEvent> {
      return streamMessage(buf, DiscoverResponse.codec(), opts)
    }
  }

  let _codec: Codec<Message>

  export const codec = (): Codec<Message> => {
    if (_codec == null) {
      _codec = message<Message>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null) {
          w.uint32(8)
          Message.MessageType.codec().encode(obj.type, w)
        }

        if (obj.register != null) {
          w.uint32(18)
          Message.Register.codec().encode(obj.register, w)
        }

        if (obj.registerResponse != null) {
          w.uint32(26)
          Message.RegisterResponse.codec().encode(obj.registerResponse, w)
        }

        if (obj.unregister != null) {
          w.uint32(34)
          Message.Unregister.codec().encode(obj.unregister, w)
        }

        if (obj.discover != null) {
          w.uint32(42)
          Message.Discover.codec().encode(obj.discover, w)
        }

        if (obj.discoverResponse != null) {
          w.uint32(50)
          Message.DiscoverResponse.codec().encode(obj.discoverResponse, w)
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
              obj.type = Message.MessageType.codec().decode(reader)
              break
            }
            case 2: {
              obj.register = Message.Register.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.register
              })
              break
            }
            case 3: {
              obj.registerResponse = Message.RegisterResponse.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.registerResponse
              })
              break
            }
            case 4: {
              obj.unregister = Message.Unregister.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.unregister
              })
              break
            }
            case 5: {
              obj.discover = Message.Discover.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.discover
              })
              break
            }
            case 6: {
              obj.discoverResponse = Message.DiscoverResponse.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.discoverResponse
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
                value: Message.MessageType.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield * Message.Register.codec().stream(reader, reader.uint32(), `${prefix}.register`, {
                limits: opts.limits?.register
              })

              break
            }
            case 3: {
              yield * Message.RegisterResponse.codec().stream(reader, reader.uint32(), `${prefix}.registerResponse`, {
                limits: opts.limits?.registerResponse
              })

              break
            }
            case 4: {
              yield * Message.Unregister.codec().stream(reader, reader.uint32(), `${prefix}.unregister`, {
                limits: opts.limits?.unregister
              })

              break
            }
            case 5: {
              yield * Message.Discover.codec().stream(reader, reader.uint32(), `${prefix}.discover`, {
                limits: opts.limits?.discover
              })

              break
            }
            case 6: {
              yield * Message.DiscoverResponse.codec().stream(reader, reader.uint32(), `${prefix}.discoverResponse`, {
                limits: opts.limits?.discoverResponse
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

  export interface MessageTypeFieldEvent {
    field: '$.type'
    value: Message.MessageType
  }

  export interface MessageRegisterNsFieldEvent {
    field: '$.register.ns'
    value: string
  }

  export interface MessageRegisterSignedPeerRecordFieldEvent {
    field: '$.register.signedPeerRecord'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MessageRegisterTtlFieldEvent {
    field: '$.register.ttl'
    value: bigint
  }

  export interface MessageRegisterResponseStatusFieldEvent {
    field: '$.registerResponse.status'
    value: Message.ResponseStatus
  }

  export interface MessageRegisterResponseStatusTextFieldEvent {
    field: '$.registerResponse.statusText'
    value: string
  }

  export interface MessageRegisterResponseTtlFieldEvent {
    field: '$.registerResponse.ttl'
    value: bigint
  }

  export interface MessageUnregisterNsFieldEvent {
    field: '$.unregister.ns'
    value: string
  }

  export interface MessageDiscoverNsFieldEvent {
    field: '$.discover.ns'
    value: string
  }

  export interface MessageDiscoverLimitFieldEvent {
    field: '$.discover.limit'
    value: bigint
  }

  export interface MessageDiscoverCookieFieldEvent {
    field: '$.discover.cookie'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MessageDiscoverResponseRegistrationsNsFieldEvent {
    field: '$.discoverResponse.registrations[].ns'
    value: string
    index: number
  }

  export interface MessageDiscoverResponseRegistrationsSignedPeerRecordFieldEvent {
    field: '$.discoverResponse.registrations[].signedPeerRecord'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface MessageDiscoverResponseRegistrationsTtlFieldEvent {
    field: '$.discoverResponse.registrations[].ttl'
    value: bigint
    index: number
  }

  export interface MessageDiscoverResponseCookieFieldEvent {
    field: '$.discoverResponse.cookie'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MessageDiscoverResponseStatusFieldEvent {
    field: '$.discoverResponse.status'
    value: Message.ResponseStatus
  }

  export interface MessageDiscoverResponseStatusTextFieldEvent {
    field: '$.discoverResponse.statusText'
    value: string
  }

  export function encode (obj: Partial<Message>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Message.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Message>): Message {
    return decodeMessage(buf, Message.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Message>): Generator<MessageTypeFieldEvent | MessageRegisterNsFieldEvent | MessageRegisterSignedPeerRecordFieldEvent | MessageRegisterTtlFieldEvent | MessageRegisterResponseStatusFieldEvent | MessageRegisterResponseStatusTextFieldEvent | MessageRegisterResponseTtlFieldEvent | MessageUnregisterNsFieldEvent | MessageDiscoverNsFieldEvent | MessageDiscoverLimitFieldEvent | MessageDiscoverCookieFieldEvent | MessageDiscoverResponseRegistrationsNsFieldEvent | MessageDiscoverResponseRegistrationsSignedPeerRecordFieldEvent | MessageDiscoverResponseRegistrationsTtlFieldEvent | MessageDiscoverResponseCookieFieldEvent | MessageDiscoverResponseStatusFieldEvent | MessageDiscoverResponseStatusTextFieldEvent> {
    return streamMessage(buf, Message.codec(), opts)
  }
}
