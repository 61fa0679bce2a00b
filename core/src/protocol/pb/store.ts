import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface SkippedKey {
  id: string
  key: Uint8Array<ArrayBuffer>
}

export namespace SkippedKey {
  let _codec: Codec<SkippedKey>

  export const codec = (): Codec<SkippedKey> => {
    if (_codec == null) {
      _codec = message<SkippedKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(10)
          w.string(obj.id)
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.key)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          key: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.string()
              break
            }
            case 2: {
              obj.key = reader.bytes()
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
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.key`,
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

  export interface SkippedKeyIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface SkippedKeyKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SkippedKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SkippedKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SkippedKey>): SkippedKey {
    return decodeMessage(buf, SkippedKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SkippedKey>): Generator<SkippedKeyIdFieldEvent | SkippedKeyKeyFieldEvent> {
    return streamMessage(buf, SkippedKey.codec(), opts)
  }
}

export interface SessionRecord {
  remoteUserId: string
  remoteSigningKey: Uint8Array<ArrayBuffer>
  remoteIdentityKey: Uint8Array<ArrayBuffer>
  baseKey: Uint8Array<ArrayBuffer>
  ad: Uint8Array<ArrayBuffer>
  rootKey: Uint8Array<ArrayBuffer>
  dhsSecret: Uint8Array<ArrayBuffer>
  dhsPublic: Uint8Array<ArrayBuffer>
  dhr?: Uint8Array<ArrayBuffer>
  cks?: Uint8Array<ArrayBuffer>
  ns: number
  ckr?: Uint8Array<ArrayBuffer>
  nr: number
  pn: number
  skipped: SkippedKey[]
  previous: Uint8Array<ArrayBuffer>[]
  pending?: Uint8Array<ArrayBuffer>
  prekeyHead?: Uint8Array<ArrayBuffer>
}

export namespace SessionRecord {
  let _codec: Codec<SessionRecord>

  export const codec = (): Codec<SessionRecord> => {
    if (_codec == null) {
      _codec = message<SessionRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.remoteUserId != null && obj.remoteUserId !== '')) {
          w.uint32(10)
          w.string(obj.remoteUserId)
        }

        if ((obj.remoteSigningKey != null && obj.remoteSigningKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.remoteSigningKey)
        }

        if ((obj.remoteIdentityKey != null && obj.remoteIdentityKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.remoteIdentityKey)
        }

        if ((obj.baseKey != null && obj.baseKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.baseKey)
        }

        if ((obj.ad != null && obj.ad.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.ad)
        }

        if ((obj.rootKey != null && obj.rootKey.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.rootKey)
        }

        if ((obj.dhsSecret != null && obj.dhsSecret.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.dhsSecret)
        }

        if ((obj.dhsPublic != null && obj.dhsPublic.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.dhsPublic)
        }

        if (obj.dhr != null) {
          w.uint32(74)
          w.bytes(obj.dhr)
        }

        if (obj.cks != null) {
          w.uint32(82)
          w.bytes(obj.cks)
        }

        if ((obj.ns != null && obj.ns !== 0)) {
          w.uint32(88)
          w.uint32(obj.ns)
        }

        if (obj.ckr != null) {
          w.uint32(98)
          w.bytes(obj.ckr)
        }

        if ((obj.nr != null && obj.nr !== 0)) {
          w.uint32(104)
          w.uint32(obj.nr)
        }

        if ((obj.pn != null && obj.pn !== 0)) {
          w.uint32(112)
          w.uint32(obj.pn)
        }

        if (obj.skipped != null && obj.skipped.length > 0) {
          for (const value of obj.skipped) {
            w.uint32(122)
            SkippedKey.codec().encode(value, w)
          }
        }

        if (obj.previous != null && obj.previous.length > 0) {
          for (const value of obj.previous) {
            w.uint32(130)
            w.bytes(value)
          }
        }

        if (obj.pending != null) {
          w.uint32(138)
          w.bytes(obj.pending)
        }

        if (obj.prekeyHead != null) {
          w.uint32(146)
          w.bytes(obj.prekeyHead)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          remoteUserId: '',
          remoteSigningKey: uint8ArrayAlloc(0),
          remoteIdentityKey: uint8ArrayAlloc(0),
          baseKey: uint8ArrayAlloc(0),
          ad: uint8ArrayAlloc(0),
          rootKey: uint8ArrayAlloc(0),
          dhsSecret: uint8ArrayAlloc(0),
          dhsPublic: uint8ArrayAlloc(0),
          ns: 0,
          nr: 0,
          pn: 0,
          skipped: [],
          previous: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.remoteUserId = reader.string()
              break
            }
            case 2: {
              obj.remoteSigningKey = reader.bytes()
              break
            }
            case 3: {
              obj.remoteIdentityKey = reader.bytes()
              break
            }
            case 4: {
              obj.baseKey = reader.bytes()
              break
            }
            case 5: {
              obj.ad = reader.bytes()
              break
            }
            case 6: {
              obj.rootKey = reader.bytes()
              break
            }
            case 7: {
              obj.dhsSecret = reader.bytes()
              break
            }
            case 8: {
              obj.dhsPublic = reader.bytes()
              break
            }
            case 9: {
              obj.dhr = reader.bytes()
              break
            }
            case 10: {
              obj.cks = reader.bytes()
              break
            }
            case 11: {
              obj.ns = reader.uint32()
              break
            }
            case 12: {
              obj.ckr = reader.bytes()
              break
            }
            case 13: {
              obj.nr = reader.uint32()
              break
            }
            case 14: {
              obj.pn = reader.uint32()
              break
            }
            case 15: {
              if (opts.limits?.skipped != null && obj.skipped.length === opts.limits.skipped) {
                throw new MaxLengthError('Decode error - repeated field "skipped" had too many elements')
              }

              obj.skipped.push(SkippedKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.skipped$
              }))
              break
            }
            case 16: {
              if (opts.limits?.previous != null && obj.previous.length === opts.limits.previous) {
                throw new MaxLengthError('Decode error - repeated field "previous" had too many elements')
              }

              obj.previous.push(reader.bytes())
              break
            }
            case 17: {
              obj.pending = reader.bytes()
              break
            }
            case 18: {
              obj.prekeyHead = reader.bytes()
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
          skipped: 0,
          previous: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.remoteUserId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.remoteSigningKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.remoteIdentityKey`,
                value: reader.bytes()
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
                field: `${prefix}.ad`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.rootKey`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.dhsSecret`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.dhsPublic`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.dhr`,
                value: reader.bytes()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.cks`,
                value: reader.bytes()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.ns`,
                value: reader.uint32()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.ckr`,
                value: reader.bytes()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.nr`,
                value: reader.uint32()
              }
              break
            }
            case 14: {
              yield {
                field: `${prefix}.pn`,
                value: reader.uint32()
              }
              break
            }
            case 15: {
              if (opts.limits?.skipped != null && obj.skipped === opts.limits.skipped) {
                throw new MaxLengthError('Streaming decode error - repeated field "skipped" had too many elements')
              }

              for (const evt of SkippedKey.codec().stream(reader, reader.uint32(), `${prefix}.skipped[]`, {
                limits: opts.limits?.skipped$
              })) {
                yield {
                  ...evt,
                  index: obj.skipped
                }
              }

              obj.skipped++

              break
            }
            case 16: {
              if (opts.limits?.previous != null && obj.previous === opts.limits.previous) {
                throw new MaxLengthError('Streaming decode error - repeated field "previous" had too many elements')
              }

              yield {
                field: `${prefix}.previous[]`,
                index: obj.previous,
                value: reader.bytes()
              }

              obj.previous++

              break
            }
            case 17: {
              yield {
                field: `${prefix}.pending`,
                value: reader.bytes()
              }
              break
            }
            case 18: {
              yield {
                field: `${prefix}.prekeyHead`,
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

  export interface SessionRecordRemoteUserIdFieldEvent {
    field: '$.remoteUserId'
    value: string
  }

  export interface SessionRecordRemoteSigningKeyFieldEvent {
    field: '$.remoteSigningKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordRemoteIdentityKeyFieldEvent {
    field: '$.remoteIdentityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordBaseKeyFieldEvent {
    field: '$.baseKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordAdFieldEvent {
    field: '$.ad'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordRootKeyFieldEvent {
    field: '$.rootKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordDhsSecretFieldEvent {
    field: '$.dhsSecret'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordDhsPublicFieldEvent {
    field: '$.dhsPublic'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordDhrFieldEvent {
    field: '$.dhr'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordCksFieldEvent {
    field: '$.cks'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordNsFieldEvent {
    field: '$.ns'
    value: number
  }

  export interface SessionRecordCkrFieldEvent {
    field: '$.ckr'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordNrFieldEvent {
    field: '$.nr'
    value: number
  }

  export interface SessionRecordPnFieldEvent {
    field: '$.pn'
    value: number
  }

  export interface SessionRecordSkippedIdFieldEvent {
    field: '$.skipped[].id'
    value: string
    index: number
  }

  export interface SessionRecordSkippedKeyFieldEvent {
    field: '$.skipped[].key'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionRecordPreviousFieldEvent {
    field: '$.previous[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordPendingFieldEvent {
    field: '$.pending'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordPrekeyHeadFieldEvent {
    field: '$.prekeyHead'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SessionRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SessionRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SessionRecord>): SessionRecord {
    return decodeMessage(buf, SessionRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SessionRecord>): Generator<SessionRecordRemoteUserIdFieldEvent | SessionRecordRemoteSigningKeyFieldEvent | SessionRecordRemoteIdentityKeyFieldEvent | SessionRecordBaseKeyFieldEvent | SessionRecordAdFieldEvent | SessionRecordRootKeyFieldEvent | SessionRecordDhsSecretFieldEvent | SessionRecordDhsPublicFieldEvent | SessionRecordDhrFieldEvent | SessionRecordCksFieldEvent | SessionRecordNsFieldEvent | SessionRecordCkrFieldEvent | SessionRecordNrFieldEvent | SessionRecordPnFieldEvent | SessionRecordSkippedIdFieldEvent | SessionRecordSkippedKeyFieldEvent | SessionRecordPreviousFieldEvent | SessionRecordPendingFieldEvent | SessionRecordPrekeyHeadFieldEvent> {
    return streamMessage(buf, SessionRecord.codec(), opts)
  }
}

export interface DeviceSessions {
  remoteSigningKey: Uint8Array<ArrayBuffer>
  sessions: SessionRecord[]
}

export namespace DeviceSessions {
  let _codec: Codec<DeviceSessions>

  export const codec = (): Codec<DeviceSessions> => {
    if (_codec == null) {
      _codec = message<DeviceSessions>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.remoteSigningKey != null && obj.remoteSigningKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.remoteSigningKey)
        }

        if (obj.sessions != null && obj.sessions.length > 0) {
          for (const value of obj.sessions) {
            w.uint32(18)
            SessionRecord.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          remoteSigningKey: uint8ArrayAlloc(0),
          sessions: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.remoteSigningKey = reader.bytes()
              break
            }
            case 2: {
              if (opts.limits?.sessions != null && obj.sessions.length === opts.limits.sessions) {
                throw new MaxLengthError('Decode error - repeated field "sessions" had too many elements')
              }

              obj.sessions.push(SessionRecord.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.sessions$
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
          sessions: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.remoteSigningKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              if (opts.limits?.sessions != null && obj.sessions === opts.limits.sessions) {
                throw new MaxLengthError('Streaming decode error - repeated field "sessions" had too many elements')
              }

              for (const evt of SessionRecord.codec().stream(reader, reader.uint32(), `${prefix}.sessions[]`, {
                limits: opts.limits?.sessions$
              })) {
                yield {
                  ...evt,
                  index: obj.sessions
                }
              }

              obj.sessions++

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

  export interface DeviceSessionsRemoteSigningKeyFieldEvent {
    field: '$.remoteSigningKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceSessionsSessionsRemoteUserIdFieldEvent {
    field: '$.sessions[].remoteUserId'
    value: string
    index: number
  }

  export interface DeviceSessionsSessionsRemoteSigningKeyFieldEvent {
    field: '$.sessions[].remoteSigningKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeviceSessionsSessionsRemoteIdentityKeyFieldEvent {
    field: '$.sessions[].remoteIdentityKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeviceSessionsSessionsBaseKeyFieldEvent {
    field: '$.sessions[].baseKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeviceSessionsSessionsAdFieldEvent {
    field: '$.sessions[].ad'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeviceSessionsSessionsRootKeyFieldEvent {
    field: '$.sessions[].rootKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeviceSessionsSessionsDhsSecretFieldEvent {
    field: '$.sessions[].dhsSecret'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeviceSessionsSessionsDhsPublicFieldEvent {
    field: '$.sessions[].dhsPublic'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeviceSessionsSessionsDhrFieldEvent {
    field: '$.sessions[].dhr'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeviceSessionsSessionsCksFieldEvent {
    field: '$.sessions[].cks'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeviceSessionsSessionsNsFieldEvent {
    field: '$.sessions[].ns'
    value: number
    index: number
  }

  export interface DeviceSessionsSessionsCkrFieldEvent {
    field: '$.sessions[].ckr'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeviceSessionsSessionsNrFieldEvent {
    field: '$.sessions[].nr'
    value: number
    index: number
  }

  export interface DeviceSessionsSessionsPnFieldEvent {
    field: '$.sessions[].pn'
    value: number
    index: number
  }

  export interface DeviceSessionsSessionsSkippedIdFieldEvent {
    field: '$.sessions[].skipped[].id'
    value: string
    index: number
  }

  export interface DeviceSessionsSessionsSkippedKeyFieldEvent {
    field: '$.sessions[].skipped[].key'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeviceSessionsSessionsPreviousFieldEvent {
    field: '$.sessions[].previous[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceSessionsSessionsPendingFieldEvent {
    field: '$.sessions[].pending'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeviceSessionsSessionsPrekeyHeadFieldEvent {
    field: '$.sessions[].prekeyHead'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<DeviceSessions>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DeviceSessions.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeviceSessions>): DeviceSessions {
    return decodeMessage(buf, DeviceSessions.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeviceSessions>): Generator<DeviceSessionsRemoteSigningKeyFieldEvent | DeviceSessionsSessionsRemoteUserIdFieldEvent | DeviceSessionsSessionsRemoteSigningKeyFieldEvent | DeviceSessionsSessionsRemoteIdentityKeyFieldEvent | DeviceSessionsSessionsBaseKeyFieldEvent | DeviceSessionsSessionsAdFieldEvent | DeviceSessionsSessionsRootKeyFieldEvent | DeviceSessionsSessionsDhsSecretFieldEvent | DeviceSessionsSessionsDhsPublicFieldEvent | DeviceSessionsSessionsDhrFieldEvent | DeviceSessionsSessionsCksFieldEvent | DeviceSessionsSessionsNsFieldEvent | DeviceSessionsSessionsCkrFieldEvent | DeviceSessionsSessionsNrFieldEvent | DeviceSessionsSessionsPnFieldEvent | DeviceSessionsSessionsSkippedIdFieldEvent | DeviceSessionsSessionsSkippedKeyFieldEvent | DeviceSessionsSessionsPreviousFieldEvent | DeviceSessionsSessionsPendingFieldEvent | DeviceSessionsSessionsPrekeyHeadFieldEvent> {
    return streamMessage(buf, DeviceSessions.codec(), opts)
  }
}

export interface SessionManagerRecord {
  devices: DeviceSessions[]
  seenBaseKeys: Uint8Array<ArrayBuffer>[]
}

export namespace SessionManagerRecord {
  let _codec: Codec<SessionManagerRecord>

  export const codec = (): Codec<SessionManagerRecord> => {
    if (_codec == null) {
      _codec = message<SessionManagerRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.devices != null && obj.devices.length > 0) {
          for (const value of obj.devices) {
            w.uint32(10)
            DeviceSessions.codec().encode(value, w)
          }
        }

        if (obj.seenBaseKeys != null && obj.seenBaseKeys.length > 0) {
          for (const value of obj.seenBaseKeys) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          devices: [],
          seenBaseKeys: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.devices != null && obj.devices.length === opts.limits.devices) {
                throw new MaxLengthError('Decode error - repeated field "devices" had too many elements')
              }

              obj.devices.push(DeviceSessions.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.devices$
              }))
              break
            }
            case 2: {
              if (opts.limits?.seenBaseKeys != null && obj.seenBaseKeys.length === opts.limits.seenBaseKeys) {
                throw new MaxLengthError('Decode error - repeated field "seenBaseKeys" had too many elements')
              }

              obj.seenBaseKeys.push(reader.bytes())
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
          devices: 0,
          seenBaseKeys: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.devices != null && obj.devices === opts.limits.devices) {
                throw new MaxLengthError('Streaming decode error - repeated field "devices" had too many elements')
              }

              for (const evt of DeviceSessions.codec().stream(reader, reader.uint32(), `${prefix}.devices[]`, {
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
            case 2: {
              if (opts.limits?.seenBaseKeys != null && obj.seenBaseKeys === opts.limits.seenBaseKeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "seenBaseKeys" had too many elements')
              }

              yield {
                field: `${prefix}.seenBaseKeys[]`,
                index: obj.seenBaseKeys,
                value: reader.bytes()
              }

              obj.seenBaseKeys++

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

  export interface SessionManagerRecordDevicesRemoteSigningKeyFieldEvent {
    field: '$.devices[].remoteSigningKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionManagerRecordDevicesSessionsRemoteUserIdFieldEvent {
    field: '$.devices[].sessions[].remoteUserId'
    value: string
    index: number
  }

  export interface SessionManagerRecordDevicesSessionsRemoteSigningKeyFieldEvent {
    field: '$.devices[].sessions[].remoteSigningKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionManagerRecordDevicesSessionsRemoteIdentityKeyFieldEvent {
    field: '$.devices[].sessions[].remoteIdentityKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionManagerRecordDevicesSessionsBaseKeyFieldEvent {
    field: '$.devices[].sessions[].baseKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionManagerRecordDevicesSessionsAdFieldEvent {
    field: '$.devices[].sessions[].ad'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionManagerRecordDevicesSessionsRootKeyFieldEvent {
    field: '$.devices[].sessions[].rootKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionManagerRecordDevicesSessionsDhsSecretFieldEvent {
    field: '$.devices[].sessions[].dhsSecret'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionManagerRecordDevicesSessionsDhsPublicFieldEvent {
    field: '$.devices[].sessions[].dhsPublic'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionManagerRecordDevicesSessionsDhrFieldEvent {
    field: '$.devices[].sessions[].dhr'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionManagerRecordDevicesSessionsCksFieldEvent {
    field: '$.devices[].sessions[].cks'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionManagerRecordDevicesSessionsNsFieldEvent {
    field: '$.devices[].sessions[].ns'
    value: number
    index: number
  }

  export interface SessionManagerRecordDevicesSessionsCkrFieldEvent {
    field: '$.devices[].sessions[].ckr'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionManagerRecordDevicesSessionsNrFieldEvent {
    field: '$.devices[].sessions[].nr'
    value: number
    index: number
  }

  export interface SessionManagerRecordDevicesSessionsPnFieldEvent {
    field: '$.devices[].sessions[].pn'
    value: number
    index: number
  }

  export interface SessionManagerRecordDevicesSessionsSkippedIdFieldEvent {
    field: '$.devices[].sessions[].skipped[].id'
    value: string
    index: number
  }

  export interface SessionManagerRecordDevicesSessionsSkippedKeyFieldEvent {
    field: '$.devices[].sessions[].skipped[].key'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionManagerRecordDevicesSessionsPreviousFieldEvent {
    field: '$.devices[].sessions[].previous[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionManagerRecordDevicesSessionsPendingFieldEvent {
    field: '$.devices[].sessions[].pending'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionManagerRecordDevicesSessionsPrekeyHeadFieldEvent {
    field: '$.devices[].sessions[].prekeyHead'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionManagerRecordSeenBaseKeysFieldEvent {
    field: '$.seenBaseKeys[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SessionManagerRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SessionManagerRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SessionManagerRecord>): SessionManagerRecord {
    return decodeMessage(buf, SessionManagerRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SessionManagerRecord>): Generator<SessionManagerRecordDevicesRemoteSigningKeyFieldEvent | SessionManagerRecordDevicesSessionsRemoteUserIdFieldEvent | SessionManagerRecordDevicesSessionsRemoteSigningKeyFieldEvent | SessionManagerRecordDevicesSessionsRemoteIdentityKeyFieldEvent | SessionManagerRecordDevicesSessionsBaseKeyFieldEvent | SessionManagerRecordDevicesSessionsAdFieldEvent | SessionManagerRecordDevicesSessionsRootKeyFieldEvent | SessionManagerRecordDevicesSessionsDhsSecretFieldEvent | SessionManagerRecordDevicesSessionsDhsPublicFieldEvent | SessionManagerRecordDevicesSessionsDhrFieldEvent | SessionManagerRecordDevicesSessionsCksFieldEvent | SessionManagerRecordDevicesSessionsNsFieldEvent | SessionManagerRecordDevicesSessionsCkrFieldEvent | SessionManagerRecordDevicesSessionsNrFieldEvent | SessionManagerRecordDevicesSessionsPnFieldEvent | SessionManagerRecordDevicesSessionsSkippedIdFieldEvent | SessionManagerRecordDevicesSessionsSkippedKeyFieldEvent | SessionManagerRecordDevicesSessionsPreviousFieldEvent | SessionManagerRecordDevicesSessionsPendingFieldEvent | SessionManagerRecordDevicesSessionsPrekeyHeadFieldEvent | SessionManagerRecordSeenBaseKeysFieldEvent> {
    return streamMessage(buf, SessionManagerRecord.codec(), opts)
  }
}
