import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface PrekeyEnvelope {
  signedPrekeyId: number
  kemPrekeyId: number
  oneTimePrekeyId?: number
  baseKey: Uint8Array<ArrayBuffer>
  kemCiphertext: Uint8Array<ArrayBuffer>
  sealedSender: Uint8Array<ArrayBuffer>
  message: Uint8Array<ArrayBuffer>
}

export namespace PrekeyEnvelope {
  let _codec: Codec<PrekeyEnvelope>

  export const codec = (): Codec<PrekeyEnvelope> => {
    if (_codec == null) {
      _codec = message<PrekeyEnvelope>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.signedPrekeyId != null && obj.signedPrekeyId !== 0)) {
          w.uint32(8)
          w.uint32(obj.signedPrekeyId)
        }

        if ((obj.kemPrekeyId != null && obj.kemPrekeyId !== 0)) {
          w.uint32(16)
          w.uint32(obj.kemPrekeyId)
        }

        if (obj.oneTimePrekeyId != null) {
          w.uint32(24)
          w.uint32(obj.oneTimePrekeyId)
        }

        if ((obj.baseKey != null && obj.baseKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.baseKey)
        }

        if ((obj.kemCiphertext != null && obj.kemCiphertext.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.kemCiphertext)
        }

        if ((obj.sealedSender != null && obj.sealedSender.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.sealedSender)
        }

        if ((obj.message != null && obj.message.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          signedPrekeyId: 0,
          kemPrekeyId: 0,
          baseKey: uint8ArrayAlloc(0),
          kemCiphertext: uint8ArrayAlloc(0),
          sealedSender: uint8ArrayAlloc(0),
          message: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.signedPrekeyId = reader.uint32()
              break
            }
            case 2: {
              obj.kemPrekeyId = reader.uint32()
              break
            }
            case 3: {
              obj.oneTimePrekeyId = reader.uint32()
              break
            }
            case 4: {
              obj.baseKey = reader.bytes()
              break
            }
            case 5: {
              obj.kemCiphertext = reader.bytes()
              break
            }
            case 6: {
              obj.sealedSender = reader.bytes()
              break
            }
            case 7: {
              obj.message = reader.bytes()
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
                field: `${prefix}.signedPrekeyId`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.kemPrekeyId`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.oneTimePrekeyId`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.baseKey`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.kemCiphertext`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.sealedSender`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.message`,
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

  export interface PrekeyEnvelopeSignedPrekeyIdFieldEvent {
    field: '$.signedPrekeyId'
    value: number
  }

  export interface PrekeyEnvelopeKemPrekeyIdFieldEvent {
    field: '$.kemPrekeyId'
    value: number
  }

  export interface PrekeyEnvelopeOneTimePrekeyIdFieldEvent {
    field: '$.oneTimePrekeyId'
    value: number
  }

  export interface PrekeyEnvelopeBaseKeyFieldEvent {
    field: '$.baseKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyEnvelopeKemCiphertextFieldEvent {
    field: '$.kemCiphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyEnvelopeSealedSenderFieldEvent {
    field: '$.sealedSender'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyEnvelopeMessageFieldEvent {
    field: '$.message'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PrekeyEnvelope>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PrekeyEnvelope.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrekeyEnvelope>): PrekeyEnvelope {
    return decodeMessage(buf, PrekeyEnvelope.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrekeyEnvelope>): Generator<PrekeyEnvelopeSignedPrekeyIdFieldEvent | PrekeyEnvelopeKemPrekeyIdFieldEvent | PrekeyEnvelopeOneTimePrekeyIdFieldEvent | PrekeyEnvelopeBaseKeyFieldEvent | PrekeyEnvelopeKemCiphertextFieldEvent | PrekeyEnvelopeSealedSenderFieldEvent | PrekeyEnvelopeMessageFieldEvent> {
    return streamMessage(buf, PrekeyEnvelope.codec(), opts)
  }
}

export interface SenderKeyDistribution {
  keyId: number
  iteration: number
  chainKey: Uint8Array<ArrayBuffer>
  signingKey: Uint8Array<ArrayBuffer>
}

export namespace SenderKeyDistribution {
  let _codec: Codec<SenderKeyDistribution>

  export const codec = (): Codec<SenderKeyDistribution> => {
    if (_codec == null) {
      _codec = message<SenderKeyDistribution>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.keyId != null && obj.keyId !== 0)) {
          w.uint32(8)
          w.uint32(obj.keyId)
        }

        if ((obj.iteration != null && obj.iteration !== 0)) {
          w.uint32(16)
          w.uint32(obj.iteration)
        }

        if ((obj.chainKey != null && obj.chainKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.chainKey)
        }

        if ((obj.signingKey != null && obj.signingKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.signingKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          keyId: 0,
          iteration: 0,
          chainKey: uint8ArrayAlloc(0),
          signingKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.keyId = reader.uint32()
              break
            }
            case 2: {
              obj.iteration = reader.uint32()
              break
            }
            case 3: {
              obj.chainKey = reader.bytes()
              break
            }
            case 4: {
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
              yield {
                field: `${prefix}.keyId`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.iteration`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.chainKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
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

  export interface SenderKeyDistributionKeyIdFieldEvent {
    field: '$.keyId'
    value: number
  }

  export interface SenderKeyDistributionIterationFieldEvent {
    field: '$.iteration'
    value: number
  }

  export interface SenderKeyDistributionChainKeyFieldEvent {
    field: '$.chainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyDistributionSigningKeyFieldEvent {
    field: '$.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SenderKeyDistribution>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SenderKeyDistribution.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyDistribution>): SenderKeyDistribution {
    return decodeMessage(buf, SenderKeyDistribution.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyDistribution>): Generator<SenderKeyDistributionKeyIdFieldEvent | SenderKeyDistributionIterationFieldEvent | SenderKeyDistributionChainKeyFieldEvent | SenderKeyDistributionSigningKeyFieldEvent> {
    return streamMessage(buf, SenderKeyDistribution.codec(), opts)
  }
}
