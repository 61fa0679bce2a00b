import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface BackupFile {
  scryptLogN: number
  scryptR: number
  scryptP: number
  salt: Uint8Array<ArrayBuffer>
  sealed: Uint8Array<ArrayBuffer>
}

export namespace BackupFile {
  let _codec: Codec<BackupFile>

  export const codec = (): Codec<BackupFile> => {
    if (_codec == null) {
      _codec = message<BackupFile>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.scryptLogN != null && obj.scryptLogN !== 0)) {
          w.uint32(8)
          w.uint32(obj.scryptLogN)
        }

        if ((obj.scryptR != null && obj.scryptR !== 0)) {
          w.uint32(16)
          w.uint32(obj.scryptR)
        }

        if ((obj.scryptP != null && obj.scryptP !== 0)) {
          w.uint32(24)
          w.uint32(obj.scryptP)
        }

        if ((obj.salt != null && obj.salt.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.salt)
        }

        if ((obj.sealed != null && obj.sealed.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.sealed)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          scryptLogN: 0,
          scryptR: 0,
          scryptP: 0,
          salt: uint8ArrayAlloc(0),
          sealed: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.scryptLogN = reader.uint32()
              break
            }
            case 2: {
              obj.scryptR = reader.uint32()
              break
            }
            case 3: {
              obj.scryptP = reader.uint32()
              break
            }
            case 4: {
              obj.salt = reader.bytes()
              break
            }
            case 5: {
              obj.sealed = reader.bytes()
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
                field: `${prefix}.scryptLogN`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.scryptR`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.scryptP`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.salt`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.sealed`,
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

  export interface BackupFileScryptLogNFieldEvent {
    field: '$.scryptLogN'
    value: number
  }

  export interface BackupFileScryptRFieldEvent {
    field: '$.scryptR'
    value: number
  }

  export interface BackupFileScryptPFieldEvent {
    field: '$.scryptP'
    value: number
  }

  export interface BackupFileSaltFieldEvent {
    field: '$.salt'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BackupFileSealedFieldEvent {
    field: '$.sealed'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<BackupFile>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BackupFile.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BackupFile>): BackupFile {
    return decodeMessage(buf, BackupFile.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BackupFile>): Generator<BackupFileScryptLogNFieldEvent | BackupFileScryptRFieldEvent | BackupFileScryptPFieldEvent | BackupFileSaltFieldEvent | BackupFileSealedFieldEvent> {
    return streamMessage(buf, BackupFile.codec(), opts)
  }
}

export interface KeyPairSecret {
  id: number
  secret: Uint8Array<ArrayBuffer>
}

export namespace KeyPairSecret {
  let _codec: Codec<KeyPairSecret>

  export const codec = (): Codec<KeyPairSecret> => {
    if (_codec == null) {
      _codec = message<KeyPairSecret>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if ((obj.secret != null && obj.secret.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.secret)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          secret: uint8ArrayAlloc(0)
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
              obj.secret = reader.bytes()
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
                field: `${prefix}.secret`,
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

  export interface KeyPairSecretIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface KeyPairSecretSecretFieldEvent {
    field: '$.secret'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<KeyPairSecret>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, KeyPairSecret.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyPairSecret>): KeyPairSecret {
    return decodeMessage(buf, KeyPairSecret.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyPairSecret>): Generator<KeyPairSecretIdFieldEvent | KeyPairSecretSecretFieldEvent> {
    return streamMessage(buf, KeyPairSecret.codec(), opts)
  }
}

export interface DeviceSecrets {
  signingSecret: Uint8Array<ArrayBuffer>
  identitySecret: Uint8Array<ArrayBuffer>
  signedPrekeys: KeyPairSecret[]
  kemPrekeys: KeyPairSecret[]
  oneTimePrekeys: KeyPairSecret[]
}

export namespace DeviceSecrets {
  let _codec: Codec<DeviceSecrets>

  export const codec = (): Codec<DeviceSecrets> => {
    if (_codec == null) {
      _codec = message<DeviceSecrets>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.signingSecret != null && obj.signingSecret.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.signingSecret)
        }

        if ((obj.identitySecret != null && obj.identitySecret.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.identitySecret)
        }

        if (obj.signedPrekeys != null && obj.signedPrekeys.length > 0) {
          for (const value of obj.signedPrekeys) {
            w.uint32(26)
            KeyPairSecret.codec().encode(value, w)
          }
        }

        if (obj.kemPrekeys != null && obj.kemPrekeys.length > 0) {
          for (const value of obj.kemPrekeys) {
            w.uint32(34)
            KeyPairSecret.codec().encode(value, w)
          }
        }

        if (obj.oneTimePrekeys != null && obj.oneTimePrekeys.length > 0) {
          for (const value of obj.oneTimePrekeys) {
            w.uint32(42)
            KeyPairSecret.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          signingSecret: uint8ArrayAlloc(0),
          identitySecret: uint8ArrayAlloc(0),
          signedPrekeys: [],
          kemPrekeys: [],
          oneTimePrekeys: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.signingSecret = reader.bytes()
              break
            }
            case 2: {
              obj.identitySecret = reader.bytes()
              break
            }
            case 3: {
              if (opts.limits?.signedPrekeys != null && obj.signedPrekeys.length === opts.limits.signedPrekeys) {
                throw new MaxLengthError('Decode error - repeated field "signedPrekeys" had too many elements')
              }

              obj.signedPrekeys.push(KeyPairSecret.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.signedPrekeys$
              }))
              break
            }
            case 4: {
              if (opts.limits?.kemPrekeys != null && obj.kemPrekeys.length === opts.limits.kemPrekeys) {
                throw new MaxLengthError('Decode error - repeated field "kemPrekeys" had too many elements')
              }

              obj.kemPrekeys.push(KeyPairSecret.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.kemPrekeys$
              }))
              break
            }
            case 5: {
              if (opts.limits?.oneTimePrekeys != null && obj.oneTimePrekeys.length === opts.limits.oneTimePrekeys) {
                throw new MaxLengthError('Decode error - repeated field "oneTimePrekeys" had too many elements')
              }

              obj.oneTimePrekeys.push(KeyPairSecret.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.oneTimePrekeys$
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
          signedPrekeys: 0,
          kemPrekeys: 0,
          oneTimePrekeys: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.signingSecret`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.identitySecret`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              if (opts.limits?.signedPrekeys != null && obj.signedPrekeys === opts.limits.signedPrekeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "signedPrekeys" had too many elements')
              }

              for (const evt of KeyPairSecret.codec().stream(reader, reader.uint32(), `${prefix}.signedPrekeys[]`, {
                limits: opts.limits?.signedPrekeys$
              })) {
                yield {
                  ...evt,
                  index: obj.signedPrekeys
                }
              }

              obj.signedPrekeys++

              break
            }
            case 4: {
              if (opts.limits?.kemPrekeys != null && obj.kemPrekeys === opts.limits.kemPrekeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "kemPrekeys" had too many elements')
              }

              for (const evt of KeyPairSecret.codec().stream(reader, reader.uint32(), `${prefix}.kemPrekeys[]`, {
                limits: opts.limits?.kemPrekeys$
              })) {
                yield {
                  ...evt,
                  index: obj.kemPrekeys
                }
              }

              obj.kemPrekeys++

              break
            }
            case 5: {
              if (opts.limits?.oneTimePrekeys != null && obj.oneTimePrekeys === opts.limits.oneTimePrekeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "oneTimePrekeys" had too many elements')
              }

              for (const evt of KeyPairSecret.codec().stream(reader, reader.uint32(), `${prefix}.oneTimePrekeys[]`, {
                limits: opts.limits?.oneTimePrekeys$
              })) {
                yield {
                  ...evt,
                  index: obj.oneTimePrekeys
                }
              }

              obj.oneTimePrekeys++

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

  export interface DeviceSecretsSigningSecretFieldEvent {
    field: '$.signingSecret'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceSecretsIdentitySecretFieldEvent {
    field: '$.identitySecret'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceSecretsSignedPrekeysIdFieldEvent {
    field: '$.signedPrekeys[].id'
    value: number
    index: number
  }

  export interface DeviceSecretsSignedPrekeysSecretFieldEvent {
    field: '$.signedPrekeys[].secret'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeviceSecretsKemPrekeysIdFieldEvent {
    field: '$.kemPrekeys[].id'
    value: number
    index: number
  }

  export interface DeviceSecretsKemPrekeysSecretFieldEvent {
    field: '$.kemPrekeys[].secret'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeviceSecretsOneTimePrekeysIdFieldEvent {
    field: '$.oneTimePrekeys[].id'
    value: number
    index: number
  }

  export interface DeviceSecretsOneTimePrekeysSecretFieldEvent {
    field: '$.oneTimePrekeys[].secret'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<DeviceSecrets>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DeviceSecrets.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeviceSecrets>): DeviceSecrets {
    return decodeMessage(buf, DeviceSecrets.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeviceSecrets>): Generator<DeviceSecretsSigningSecretFieldEvent | DeviceSecretsIdentitySecretFieldEvent | DeviceSecretsSignedPrekeysIdFieldEvent | DeviceSecretsSignedPrekeysSecretFieldEvent | DeviceSecretsKemPrekeysIdFieldEvent | DeviceSecretsKemPrekeysSecretFieldEvent | DeviceSecretsOneTimePrekeysIdFieldEvent | DeviceSecretsOneTimePrekeysSecretFieldEvent> {
    return streamMessage(buf, DeviceSecrets.codec(), opts)
  }
}

export interface BackupPayload {
  userId: string
  accountSecret?: Uint8Array<ArrayBuffer>
  name: string
  deviceList: Uint8Array<ArrayBuffer>
  devices: DeviceSecrets[]
}

export namespace BackupPayload {
  let _codec: Codec<BackupPayload>

  export const codec = (): Codec<BackupPayload> => {
    if (_codec == null) {
      _codec = message<BackupPayload>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.userId != null && obj.userId !== '')) {
          w.uint32(10)
          w.string(obj.userId)
        }

        if (obj.accountSecret != null) {
          w.uint32(18)
          w.bytes(obj.accountSecret)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(26)
          w.string(obj.name)
        }

        if ((obj.deviceList != null && obj.deviceList.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.deviceList)
        }

        if (obj.devices != null && obj.devices.length > 0) {
          for (const value of obj.devices) {
            w.uint32(42)
            DeviceSecrets.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          userId: '',
          name: '',
          deviceList: uint8ArrayAlloc(0),
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
              obj.accountSecret = reader.bytes()
              break
            }
            case 3: {
              obj.name = reader.string()
              break
            }
            case 4: {
              obj.deviceList = reader.bytes()
              break
            }
            case 5: {
              if (opts.limits?.devices != null && obj.devices.length === opts.limits.devices) {
                throw new MaxLengthError('Decode error - repeated field "devices" had too many elements')
              }

              obj.devices.push(DeviceSecrets.codec().decode(reader, reader.uint32(), {
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
                field: `${prefix}.accountSecret`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.deviceList`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              if (opts.limits?.devices != null && obj.devices === opts.limits.devices) {
                throw new MaxLengthError('Streaming decode error - repeated field "devices" had too many elements')
              }

              for (const evt of DeviceSecrets.codec().stream(reader, reader.uint32(), `${prefix}.devices[]`, {
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

  export interface BackupPayloadUserIdFieldEvent {
    field: '$.userId'
    value: string
  }

  export interface BackupPayloadAccountSecretFieldEvent {
    field: '$.accountSecret'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BackupPayloadNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface BackupPayloadDeviceListFieldEvent {
    field: '$.deviceList'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BackupPayloadDevicesSigningSecretFieldEvent {
    field: '$.devices[].signingSecret'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface BackupPayloadDevicesIdentitySecretFieldEvent {
    field: '$.devices[].identitySecret'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface BackupPayloadDevicesSignedPrekeysIdFieldEvent {
    field: '$.devices[].signedPrekeys[].id'
    value: number
    index: number
  }

  export interface BackupPayloadDevicesSignedPrekeysSecretFieldEvent {
    field: '$.devices[].signedPrekeys[].secret'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface BackupPayloadDevicesKemPrekeysIdFieldEvent {
    field: '$.devices[].kemPrekeys[].id'
    value: number
    index: number
  }

  export interface BackupPayloadDevicesKemPrekeysSecretFieldEvent {
    field: '$.devices[].kemPrekeys[].secret'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface BackupPayloadDevicesOneTimePrekeysIdFieldEvent {
    field: '$.devices[].oneTimePrekeys[].id'
    value: number
    index: number
  }

  export interface BackupPayloadDevicesOneTimePrekeysSecretFieldEvent {
    field: '$.devices[].oneTimePrekeys[].secret'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<BackupPayload>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BackupPayload.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BackupPayload>): BackupPayload {
    return decodeMessage(buf, BackupPayload.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BackupPayload>): Generator<BackupPayloadUserIdFieldEvent | BackupPayloadAccountSecretFieldEvent | BackupPayloadNameFieldEvent | BackupPayloadDeviceListFieldEvent | BackupPayloadDevicesSigningSecretFieldEvent | BackupPayloadDevicesIdentitySecretFieldEvent | BackupPayloadDevicesSignedPrekeysIdFieldEvent | BackupPayloadDevicesSignedPrekeysSecretFieldEvent | BackupPayloadDevicesKemPrekeysIdFieldEvent | BackupPayloadDevicesKemPrekeysSecretFieldEvent | BackupPayloadDevicesOneTimePrekeysIdFieldEvent | BackupPayloadDevicesOneTimePrekeysSecretFieldEvent> {
    return streamMessage(buf, BackupPayload.codec(), opts)
  }
}
