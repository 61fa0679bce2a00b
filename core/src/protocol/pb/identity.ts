import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface DeviceRecord {
  signingKey: Uint8Array<ArrayBuffer>
  identityKey: Uint8Array<ArrayBuffer>
}

export namespace DeviceRecord {
  let _codec: Codec<DeviceRecord>

  export const codec = (): Codec<DeviceRecord> => {
    if (_codec == null) {
      _codec = message<DeviceRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.signingKey != null && obj.signingKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.signingKey)
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.identityKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          signingKey: uint8ArrayAlloc(0),
          identityKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.signingKey = reader.bytes()
              break
            }
            case 2: {
              obj.identityKey = reader.bytes()
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
                field: `${prefix}.signingKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.identityKey`,
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

  export interface DeviceRecordSigningKeyFieldEvent {
    field: '$.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceRecordIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<DeviceRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DeviceRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeviceRecord>): DeviceRecord {
    return decodeMessage(buf, DeviceRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeviceRecord>): Generator<DeviceRecordSigningKeyFieldEvent | DeviceRecordIdentityKeyFieldEvent> {
    return streamMessage(buf, DeviceRecord.codec(), opts)
  }
}

export interface DeviceList {
  userId: string
  version: number
  devices: DeviceRecord[]
}

export namespace DeviceList {
  let _codec: Codec<DeviceList>

  export const codec = (): Codec<DeviceList> => {
    if (_codec == null) {
      _codec = message<DeviceList>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.userId != null && obj.userId !== '')) {
          w.uint32(10)
          w.string(obj.userId)
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(16)
          w.uint32(obj.version)
        }

        if (obj.devices != null && obj.devices.length > 0) {
          for (const value of obj.devices) {
            w.uint32(26)
            DeviceRecord.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          userId: '',
          version: 0,
          devices: []
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
              obj.version = reader.uint32()
              break
            }
            case 3: {
              if (opts.limits?.devices != null && obj.devices.length === opts.limits.devices) {
                throw new MaxLengthError('Decode error - repeated field "devices" had too many elements')
              }

              obj.devices.push(DeviceRecord.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.devices$
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
          devices: 0
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
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              if (opts.limits?.devices != null && obj.devices === opts.limits.devices) {
                throw new MaxLengthError('Streaming decode error - repeated field "devices" had too many elements')
              }

              for (const evt of DeviceRecord.codec().stream(reader, reader.uint32(), `${prefix}.devices[]`, {
                limits: opts.limits?.devices$
              })) {
                yield {
                  ...evt,
                  index: obj.devices
                }
              }

              obj.devices++

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

  export interface DeviceListUserIdFieldEvent {
    field: '$.userId'
    value: string
  }

  export interface DeviceListVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface DeviceListDevicesSigningKeyFieldEvent {
    field: '$.devices[].signingKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeviceListDevicesIdentityKeyFieldEvent {
    field: '$.devices[].identityKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<DeviceList>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DeviceList.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeviceList>): DeviceList {
    return decodeMessage(buf, DeviceList.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeviceList>): Generator<DeviceListUserIdFieldEvent | DeviceListVersionFieldEvent | DeviceListDevicesSigningKeyFieldEvent | DeviceListDevicesIdentityKeyFieldEvent> {
    return streamMessage(buf, DeviceList.codec(), opts)
  }
}

export interface SiweProof {
  domain: string
  uri: string
  chainId: number
  nonce: string
  issuedAt: string
  signature: Uint8Array<ArrayBuffer>
}

export namespace SiweProof {
  let _codec: Codec<SiweProof>

  export const codec = (): Codec<SiweProof> => {
    if (_codec == null) {
      _codec = message<SiweProof>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.domain != null && obj.domain !== '')) {
          w.uint32(10)
          w.string(obj.domain)
        }

        if ((obj.uri != null && obj.uri !== '')) {
          w.uint32(18)
          w.string(obj.uri)
        }

        if ((obj.chainId != null && obj.chainId !== 0)) {
          w.uint32(24)
          w.uint32(obj.chainId)
        }

        if ((obj.nonce != null && obj.nonce !== '')) {
          w.uint32(34)
          w.string(obj.nonce)
        }

        if ((obj.issuedAt != null && obj.issuedAt !== '')) {
          w.uint32(42)
          w.string(obj.issuedAt)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          domain: '',
          uri: '',
          chainId: 0,
          nonce: '',
          issuedAt: '',
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.domain = reader.string()
              break
            }
            case 2: {
              obj.uri = reader.string()
              break
            }
            case 3: {
              obj.chainId = reader.uint32()
              break
            }
            case 4: {
              obj.nonce = reader.string()
              break
            }
            case 5: {
              obj.issuedAt = reader.string()
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
                field: `${prefix}.domain`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.uri`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.chainId`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.issuedAt`,
                value: reader.string()
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

  export interface SiweProofDomainFieldEvent {
    field: '$.domain'
    value: string
  }

  export interface SiweProofUriFieldEvent {
    field: '$.uri'
    value: string
  }

  export interface SiweProofChainIdFieldEvent {
    field: '$.chainId'
    value: number
  }

  export interface SiweProofNonceFieldEvent {
    field: '$.nonce'
    value: string
  }

  export interface SiweProofIssuedAtFieldEvent {
    field: '$.issuedAt'
    value: string
  }

  export interface SiweProofSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SiweProof>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SiweProof.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SiweProof>): SiweProof {
    return decodeMessage(buf, SiweProof.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SiweProof>): Generator<SiweProofDomainFieldEvent | SiweProofUriFieldEvent | SiweProofChainIdFieldEvent | SiweProofNonceFieldEvent | SiweProofIssuedAtFieldEvent | SiweProofSignatureFieldEvent> {
    return streamMessage(buf, SiweProof.codec(), opts)
  }
}

export interface SignedDeviceList {
  list: Uint8Array<ArrayBuffer>
  ed25519Signature?: Uint8Array<ArrayBuffer>
  siwe?: SiweProof
}

export namespace SignedDeviceList {
  let _codec: Codec<SignedDeviceList>

  export const codec = (): Codec<SignedDeviceList> => {
    if (_codec == null) {
      _codec = message<SignedDeviceList>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.list != null && obj.list.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.list)
        }

        if (obj.ed25519Signature != null) {
          w.uint32(18)
          w.bytes(obj.ed25519Signature)
        }

        if (obj.siwe != null) {
          w.uint32(26)
          SiweProof.codec().encode(obj.siwe, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          list: uint8ArrayAlloc(0)
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
              obj.ed25519Signature = reader.bytes()
              break
            }
            case 3: {
              obj.siwe = SiweProof.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.siwe
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
                field: `${prefix}.list`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.ed25519Signature`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield * SiweProof.codec().stream(reader, reader.uint32(), `${prefix}.siwe`, {
                limits: opts.limits?.siwe
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

  export interface SignedDeviceListListFieldEvent {
    field: '$.list'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedDeviceListEd25519SignatureFieldEvent {
    field: '$.ed25519Signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedDeviceListSiweDomainFieldEvent {
    field: '$.siwe.domain'
    value: string
  }

  export interface SignedDeviceListSiweUriFieldEvent {
    field: '$.siwe.uri'
    value: string
  }

  export interface SignedDeviceListSiweChainIdFieldEvent {
    field: '$.siwe.chainId'
    value: number
  }

  export interface SignedDeviceListSiweNonceFieldEvent {
    field: '$.siwe.nonce'
    value: string
  }

  export interface SignedDeviceListSiweIssuedAtFieldEvent {
    field: '$.siwe.issuedAt'
    value: string
  }

  export interface SignedDeviceListSiweSignatureFieldEvent {
    field: '$.siwe.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedDeviceList>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedDeviceList.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedDeviceList>): SignedDeviceList {
    return decodeMessage(buf, SignedDeviceList.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedDeviceList>): Generator<SignedDeviceListListFieldEvent | SignedDeviceListEd25519SignatureFieldEvent | SignedDeviceListSiweDomainFieldEvent | SignedDeviceListSiweUriFieldEvent | SignedDeviceListSiweChainIdFieldEvent | SignedDeviceListSiweNonceFieldEvent | SignedDeviceListSiweIssuedAtFieldEvent | SignedDeviceListSiweSignatureFieldEvent> {
    return streamMessage(buf, SignedDeviceList.codec(), opts)
  }
}

export interface SignedPrekey {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedPrekey {
  let _codec: Codec<SignedPrekey>

  export const codec = (): Codec<SignedPrekey> => {
    if (_codec == null) {
      _codec = message<SignedPrekey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          publicKey: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
              break
            }
            case 3: {
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
                field: `${prefix}.id`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
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

  export interface SignedPrekeyIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface SignedPrekeyPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedPrekeySignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedPrekey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedPrekey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPrekey>): SignedPrekey {
    return decodeMessage(buf, SignedPrekey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPrekey>): Generator<SignedPrekeyIdFieldEvent | SignedPrekeyPublicKeyFieldEvent | SignedPrekeySignatureFieldEvent> {
    return streamMessage(buf, SignedPrekey.codec(), opts)
  }
}

export interface OneTimePrekey {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
}

export namespace OneTimePrekey {
  let _codec: Codec<OneTimePrekey>

  export const codec = (): Codec<OneTimePrekey> => {
    if (_codec == null) {
      _codec = message<OneTimePrekey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          publicKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
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
                field: `${prefix}.id`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
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

  export interface OneTimePrekeyIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface OneTimePrekeyPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<OneTimePrekey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OneTimePrekey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OneTimePrekey>): OneTimePrekey {
    return decodeMessage(buf, OneTimePrekey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OneTimePrekey>): Generator<OneTimePrekeyIdFieldEvent | OneTimePrekeyPublicKeyFieldEvent> {
    return streamMessage(buf, OneTimePrekey.codec(), opts)
  }
}

export interface PrekeyBundle {
  userId: string
  signingKey: Uint8Array<ArrayBuffer>
  identityKey: Uint8Array<ArrayBuffer>
  signedPrekey?: SignedPrekey
  kemPrekey?: SignedPrekey
  oneTimePrekey?: OneTimePrekey
}

export namespace PrekeyBundle {
  let _codec: Codec<PrekeyBundle>

  export const codec = (): Codec<PrekeyBundle> => {
    if (_codec == null) {
      _codec = message<PrekeyBundle>((obj, w, opts = {}) => {
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

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.identityKey)
        }

        if (obj.signedPrekey != null) {
          w.uint32(34)
          SignedPrekey.codec().encode(obj.signedPrekey, w)
        }

        if (obj.kemPrekey != null) {
          w.uint32(42)
          SignedPrekey.codec().encode(obj.kemPrekey, w)
        }

        if (obj.oneTimePrekey != null) {
          w.uint32(50)
          OneTimePrekey.codec().encode(obj.oneTimePrekey, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          userId: '',
          signingKey: uint8ArrayAlloc(0),
          identityKey: uint8ArrayAlloc(0)
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
              obj.identityKey = reader.bytes()
              break
            }
            case 4: {
              obj.signedPrekey = SignedPrekey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.signedPrekey
              })
              break
            }
            case 5: {
              obj.kemPrekey = SignedPrekey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.kemPrekey
              })
              break
            }
            case 6: {
              obj.oneTimePrekey = OneTimePrekey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.oneTimePrekey
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
                field: `${prefix}.identityKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield * SignedPrekey.codec().stream(reader, reader.uint32(), `${prefix}.signedPrekey`, {
                limits: opts.limits?.signedPrekey
              })

              break
            }
            case 5: {
              yield * SignedPrekey.codec().stream(reader, reader.uint32(), `${prefix}.kemPrekey`, {
                limits: opts.limits?.kemPrekey
              })

              break
            }
            case 6: {
              yield * OneTimePrekey.codec().stream(reader, reader.uint32(), `${prefix}.oneTimePrekey`, {
                limits: opts.limits?.oneTimePrekey
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

  export interface PrekeyBundleUserIdFieldEvent {
    field: '$.userId'
    value: string
  }

  export interface PrekeyBundleSigningKeyFieldEvent {
    field: '$.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyBundleIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyBundleSignedPrekeyIdFieldEvent {
    field: '$.signedPrekey.id'
    value: number
  }

  export interface PrekeyBundleSignedPrekeyPublicKeyFieldEvent {
    field: '$.signedPrekey.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyBundleSignedPrekeySignatureFieldEvent {
    field: '$.signedPrekey.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyBundleKemPrekeyIdFieldEvent {
    field: '$.kemPrekey.id'
    value: number
  }

  export interface PrekeyBundleKemPrekeyPublicKeyFieldEvent {
    field: '$.kemPrekey.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyBundleKemPrekeySignatureFieldEvent {
    field: '$.kemPrekey.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyBundleOneTimePrekeyIdFieldEvent {
    field: '$.oneTimePrekey.id'
    value: number
  }

  export interface PrekeyBundleOneTimePrekeyPublicKeyFieldEvent {
    field: '$.oneTimePrekey.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PrekeyBundle>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PrekeyBundle.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrekeyBundle>): PrekeyBundle {
    return decodeMessage(buf, PrekeyBundle.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrekeyBundle>): Generator<PrekeyBundleUserIdFieldEvent | PrekeyBundleSigningKeyFieldEvent | PrekeyBundleIdentityKeyFieldEvent | PrekeyBundleSignedPrekeyIdFieldEvent | PrekeyBundleSignedPrekeyPublicKeyFieldEvent | PrekeyBundleSignedPrekeySignatureFieldEvent | PrekeyBundleKemPrekeyIdFieldEvent | PrekeyBundleKemPrekeyPublicKeyFieldEvent | PrekeyBundleKemPrekeySignatureFieldEvent | PrekeyBundleOneTimePrekeyIdFieldEvent | PrekeyBundleOneTimePrekeyPublicKeyFieldEvent> {
    return streamMessage(buf, PrekeyBundle.codec(), opts)
  }
}

export interface SenderCertificate {
  deviceList?: SignedDeviceList
  signingKey: Uint8Array<ArrayBuffer>
}

export namespace SenderCertificate {
  let _codec: Codec<SenderCertificate>

  export const codec = (): Codec<SenderCertificate> => {
    if (_codec == null) {
      _codec = message<SenderCertificate>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.deviceList != null) {
          w.uint32(10)
          SignedDeviceList.codec().encode(obj.deviceList, w)
        }

        if ((obj.signingKey != null && obj.signingKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signingKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          signingKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.deviceList = SignedDeviceList.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.deviceList
              })
              break
            }
            case 2: {
              obj.signingKey = reader.bytes()
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
              yield * SignedDeviceList.codec().stream(reader, reader.uint32(), `${prefix}.deviceList`, {
                limits: opts.limits?.deviceList
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.signingKey`,
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

  export interface SenderCertificateDeviceListListFieldEvent {
    field: '$.deviceList.list'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderCertificateDeviceListEd25519SignatureFieldEvent {
    field: '$.deviceList.ed25519Signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderCertificateDeviceListSiweDomainFieldEvent {
    field: '$.deviceList.siwe.domain'
    value: string
  }

  export interface SenderCertificateDeviceListSiweUriFieldEvent {
    field: '$.deviceList.siwe.uri'
    value: string
  }

  export interface SenderCertificateDeviceListSiweChainIdFieldEvent {
    field: '$.deviceList.siwe.chainId'
    value: number
  }

  export interface SenderCertificateDeviceListSiweNonceFieldEvent {
    field: '$.deviceList.siwe.nonce'
    value: string
  }

  export interface SenderCertificateDeviceListSiweIssuedAtFieldEvent {
    field: '$.deviceList.siwe.issuedAt'
    value: string
  }

  export interface SenderCertificateDeviceListSiweSignatureFieldEvent {
    field: '$.deviceList.siwe.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderCertificateSigningKeyFieldEvent {
    field: '$.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SenderCertificate>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SenderCertificate.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderCertificate>): SenderCertificate {
    return decodeMessage(buf, SenderCertificate.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderCertificate>): Generator<SenderCertificateDeviceListListFieldEvent | SenderCertificateDeviceListEd25519SignatureFieldEvent | SenderCertificateDeviceListSiweDomainFieldEvent | SenderCertificateDeviceListSiweUriFieldEvent | SenderCertificateDeviceListSiweChainIdFieldEvent | SenderCertificateDeviceListSiweNonceFieldEvent | SenderCertificateDeviceListSiweIssuedAtFieldEvent | SenderCertificateDeviceListSiweSignatureFieldEvent | SenderCertificateSigningKeyFieldEvent> {
    return streamMessage(buf, SenderCertificate.codec(), opts)
  }
}
