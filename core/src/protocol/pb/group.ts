import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface GroupMemberEntry {
  userId: string
  devices: Uint8Array<ArrayBuffer>[]
}

export namespace GroupMemberEntry {
  let _codec: Codec<GroupMemberEntry>

  export const codec = (): Codec<GroupMemberEntry> => {
    if (_codec == null) {
      _codec = message<GroupMemberEntry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.userId != null && obj.userId !== '')) {
          w.uint32(10)
          w.string(obj.userId)
        }

        if (obj.devices != null && obj.devices.length > 0) {
          for (const value of obj.devices) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          userId: '',
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
              if (opts.limits?.devices != null && obj.devices.length === opts.limits.devices) {
                throw new MaxLengthError('Decode error - repeated field "devices" had too many elements')
              }

              obj.devices.push(reader.bytes())
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
              if (opts.limits?.devices != null && obj.devices === opts.limits.devices) {
                throw new MaxLengthError('Streaming decode error - repeated field "devices" had too many elements')
              }

              yield {
                field: `${prefix}.devices[]`,
                index: obj.devices,
                value: reader.bytes()
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

  export interface GroupMemberEntryUserIdFieldEvent {
    field: '$.userId'
    value: string
  }

  export interface GroupMemberEntryDevicesFieldEvent {
    field: '$.devices[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupMemberEntry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupMemberEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupMemberEntry>): GroupMemberEntry {
    return decodeMessage(buf, GroupMemberEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupMemberEntry>): Generator<GroupMemberEntryUserIdFieldEvent | GroupMemberEntryDevicesFieldEvent> {
    return streamMessage(buf, GroupMemberEntry.codec(), opts)
  }
}

export interface GroupOp {
  groupId: Uint8Array<ArrayBuffer>
  kind: GroupOp.Kind
  lamport: number
  parents: Uint8Array<ArrayBuffer>[]
  author: string
  authorDevice: Uint8Array<ArrayBuffer>
  targets: GroupMemberEntry[]
  name: string
  mailboxes: Uint8Array<ArrayBuffer>[]
  createdAt: bigint
}

export namespace GroupOp {
  export enum Kind {
    CREATE = 'CREATE',
    ADD = 'ADD',
    REMOVE = 'REMOVE',
    LEAVE = 'LEAVE',
    PROMOTE = 'PROMOTE'
  }

  enum __KindValues {
    CREATE = 0,
    ADD = 1,
    REMOVE = 2,
    LEAVE = 3,
    PROMOTE = 4
  }

  export namespace Kind {
    export const codec = (): Codec<Kind> => {
      return enumeration<Kind>(__KindValues)
    }
  }

  let _codec: Codec<GroupOp>

  export const codec = (): Codec<GroupOp> => {
    if (_codec == null) {
      _codec = message<GroupOp>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.groupId)
        }

        if (obj.kind != null && __KindValues[obj.kind] !== 0) {
          w.uint32(16)
          GroupOp.Kind.codec().encode(obj.kind, w)
        }

        if ((obj.lamport != null && obj.lamport !== 0)) {
          w.uint32(24)
          w.uint32(obj.lamport)
        }

        if (obj.parents != null && obj.parents.length > 0) {
          for (const value of obj.parents) {
            w.uint32(34)
            w.bytes(value)
          }
        }

        if ((obj.author != null && obj.author !== '')) {
          w.uint32(42)
          w.string(obj.author)
        }

        if ((obj.authorDevice != null && obj.authorDevice.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.authorDevice)
        }

        if (obj.targets != null && obj.targets.length > 0) {
          for (const value of obj.targets) {
            w.uint32(58)
            GroupMemberEntry.codec().encode(value, w)
          }
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(66)
          w.string(obj.name)
        }

        if (obj.mailboxes != null && obj.mailboxes.length > 0) {
          for (const value of obj.mailboxes) {
            w.uint32(74)
            w.bytes(value)
          }
        }

        if ((obj.createdAt != null && obj.createdAt !== 0n)) {
          w.uint32(80)
          w.uint64(obj.createdAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groupId: uint8ArrayAlloc(0),
          kind: Kind.CREATE,
          lamport: 0,
          parents: [],
          author: '',
          authorDevice: uint8ArrayAlloc(0),
          targets: [],
          name: '',
          mailboxes: [],
          createdAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.groupId = reader.bytes()
              break
            }
            case 2: {
              obj.kind = GroupOp.Kind.codec().decode(reader)
              break
            }
            case 3: {
              obj.lamport = reader.uint32()
              break
            }
            case 4: {
              if (opts.limits?.parents != null && obj.parents.length === opts.limits.parents) {
                throw new MaxLengthError('Decode error - repeated field "parents" had too many elements')
              }

              obj.parents.push(reader.bytes())
              break
            }
            case 5: {
              obj.author = reader.string()
              break
            }
            case 6: {
              obj.authorDevice = reader.bytes()
              break
            }
            case 7: {
              if (opts.limits?.targets != null && obj.targets.length === opts.limits.targets) {
                throw new MaxLengthError('Decode error - repeated field "targets" had too many elements')
              }

              obj.targets.push(GroupMemberEntry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.targets$
              }))
              break
            }
            case 8: {
              obj.name = reader.string()
              break
            }
            case 9: {
              if (opts.limits?.mailboxes != null && obj.mailboxes.length === opts.limits.mailboxes) {
                throw new MaxLengthError('Decode error - repeated field "mailboxes" had too many elements')
              }

              obj.mailboxes.push(reader.bytes())
              break
            }
            case 10: {
              obj.createdAt = reader.uint64()
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
          parents: 0,
          targets: 0,
          mailboxes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.groupId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.kind`,
                value: GroupOp.Kind.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.lamport`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              if (opts.limits?.parents != null && obj.parents === opts.limits.parents) {
                throw new MaxLengthError('Streaming decode error - repeated field "parents" had too many elements')
              }

              yield {
                field: `${prefix}.parents[]`,
                index: obj.parents,
                value: reader.bytes()
              }

              obj.parents++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.author`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.authorDevice`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              if (opts.limits?.targets != null && obj.targets === opts.limits.targets) {
                throw new MaxLengthError('Streaming decode error - repeated field "targets" had too many elements')
              }

              for (const evt of GroupMemberEntry.codec().stream(reader, reader.uint32(), `${prefix}.targets[]`, {
                limits: opts.limits?.targets$
              })) {
                yield {
                  ...evt,
                  index: obj.targets
                }
              }

              obj.targets++

              break
            }
            case 8: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 9: {
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
            case 10: {
              yield {
                field: `${prefix}.createdAt`,
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

  export interface GroupOpGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupOpKindFieldEvent {
    field: '$.kind'
    value: GroupOp.Kind
  }

  export interface GroupOpLamportFieldEvent {
    field: '$.lamport'
    value: number
  }

  export interface GroupOpParentsFieldEvent {
    field: '$.parents[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupOpAuthorFieldEvent {
    field: '$.author'
    value: string
  }

  export interface GroupOpAuthorDeviceFieldEvent {
    field: '$.authorDevice'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupOpTargetsUserIdFieldEvent {
    field: '$.targets[].userId'
    value: string
    index: number
  }

  export interface GroupOpTargetsDevicesFieldEvent {
    field: '$.targets[].devices[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupOpNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface GroupOpMailboxesFieldEvent {
    field: '$.mailboxes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupOpCreatedAtFieldEvent {
    field: '$.createdAt'
    value: bigint
  }

  export function encode (obj: Partial<GroupOp>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupOp.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupOp>): GroupOp {
    return decodeMessage(buf, GroupOp.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupOp>): Generator<GroupOpGroupIdFieldEvent | GroupOpKindFieldEvent | GroupOpLamportFieldEvent | GroupOpParentsFieldEvent | GroupOpAuthorFieldEvent | GroupOpAuthorDeviceFieldEvent | GroupOpTargetsUserIdFieldEvent | GroupOpTargetsDevicesFieldEvent | GroupOpNameFieldEvent | GroupOpMailboxesFieldEvent | GroupOpCreatedAtFieldEvent> {
    return streamMessage(buf, GroupOp.codec(), opts)
  }
}

export interface SignedGroupOp {
  op: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedGroupOp {
  let _codec: Codec<SignedGroupOp>

  export const codec = (): Codec<SignedGroupOp> => {
    if (_codec == null) {
      _codec = message<SignedGroupOp>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.op != null && obj.op.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.op)
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
          op: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.op = reader.bytes()
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
                field: `${prefix}.op`,
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

  export interface SignedGroupOpOpFieldEvent {
    field: '$.op'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedGroupOpSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedGroupOp>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedGroupOp.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedGroupOp>): SignedGroupOp {
    return decodeMessage(buf, SignedGroupOp.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedGroupOp>): Generator<SignedGroupOpOpFieldEvent | SignedGroupOpSignatureFieldEvent> {
    return streamMessage(buf, SignedGroupOp.codec(), opts)
  }
}

export interface GroupContent {
  id: Uint8Array<ArrayBuffer>
  sentAt: bigint
  text?: string
  ops: Uint8Array<ArrayBuffer>[]
}

export namespace GroupContent {
  let _codec: Codec<GroupContent>

  export const codec = (): Codec<GroupContent> => {
    if (_codec == null) {
      _codec = message<GroupContent>((obj, w, opts = {}) => {
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

        if (obj.ops != null && obj.ops.length > 0) {
          for (const value of obj.ops) {
            w.uint32(34)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          sentAt: 0n,
          ops: []
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
              if (opts.limits?.ops != null && obj.ops.length === opts.limits.ops) {
                throw new MaxLengthError('Decode error - repeated field "ops" had too many elements')
              }

              obj.ops.push(reader.bytes())
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
          ops: 0
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
              if (opts.limits?.ops != null && obj.ops === opts.limits.ops) {
                throw new MaxLengthError('Streaming decode error - repeated field "ops" had too many elements')
              }

              yield {
                field: `${prefix}.ops[]`,
                index: obj.ops,
                value: reader.bytes()
              }

              obj.ops++

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

  export interface GroupContentIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupContentSentAtFieldEvent {
    field: '$.sentAt'
    value: bigint
  }

  export interface GroupContentTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface GroupContentOpsFieldEvent {
    field: '$.ops[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupContent>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupContent.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupContent>): GroupContent {
    return decodeMessage(buf, GroupContent.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupContent>): Generator<GroupContentIdFieldEvent | GroupContentSentAtFieldEvent | GroupContentTextFieldEvent | GroupContentOpsFieldEvent> {
    return streamMessage(buf, GroupContent.codec(), opts)
  }
}

export interface GroupControl {
  groupId: Uint8Array<ArrayBuffer>
  ops: Uint8Array<ArrayBuffer>[]
  senderKey?: Uint8Array<ArrayBuffer>
}

export namespace GroupControl {
  let _codec: Codec<GroupControl>

  export const codec = (): Codec<GroupControl> => {
    if (_codec == null) {
      _codec = message<GroupControl>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.groupId)
        }

        if (obj.ops != null && obj.ops.length > 0) {
          for (const value of obj.ops) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if (obj.senderKey != null) {
          w.uint32(26)
          w.bytes(obj.senderKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groupId: uint8ArrayAlloc(0),
          ops: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.groupId = reader.bytes()
              break
            }
            case 2: {
              if (opts.limits?.ops != null && obj.ops.length === opts.limits.ops) {
                throw new MaxLengthError('Decode error - repeated field "ops" had too many elements')
              }

              obj.ops.push(reader.bytes())
              break
            }
            case 3: {
              obj.senderKey = reader.bytes()
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
          ops: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.groupId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              if (opts.limits?.ops != null && obj.ops === opts.limits.ops) {
                throw new MaxLengthError('Streaming decode error - repeated field "ops" had too many elements')
              }

              yield {
                field: `${prefix}.ops[]`,
                index: obj.ops,
                value: reader.bytes()
              }

              obj.ops++

              break
            }
            case 3: {
              yield {
                field: `${prefix}.senderKey`,
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

  export interface GroupControlGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupControlOpsFieldEvent {
    field: '$.ops[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupControlSenderKeyFieldEvent {
    field: '$.senderKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupControl>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupControl.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupControl>): GroupControl {
    return decodeMessage(buf, GroupControl.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupControl>): Generator<GroupControlGroupIdFieldEvent | GroupControlOpsFieldEvent | GroupControlSenderKeyFieldEvent> {
    return streamMessage(buf, GroupControl.codec(), opts)
  }
}

export interface ChannelInvite {
  channelId: Uint8Array<ArrayBuffer>
  name: string
  owner: string
  signingKey: Uint8Array<ArrayBuffer>
  epoch: number
  key: Uint8Array<ArrayBuffer>
  mailboxes: Uint8Array<ArrayBuffer>[]
}

export namespace ChannelInvite {
  let _codec: Codec<ChannelInvite>

  export const codec = (): Codec<ChannelInvite> => {
    if (_codec == null) {
      _codec = message<ChannelInvite>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.channelId != null && obj.channelId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.channelId)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(18)
          w.string(obj.name)
        }

        if ((obj.owner != null && obj.owner !== '')) {
          w.uint32(26)
          w.string(obj.owner)
        }

        if ((obj.signingKey != null && obj.signingKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.signingKey)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(40)
          w.uint32(obj.epoch)
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.key)
        }

        if (obj.mailboxes != null && obj.mailboxes.length > 0) {
          for (const value of obj.mailboxes) {
            w.uint32(58)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          channelId: uint8ArrayAlloc(0),
          name: '',
          owner: '',
          signingKey: uint8ArrayAlloc(0),
          epoch: 0,
          key: uint8ArrayAlloc(0),
          mailboxes: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.channelId = reader.bytes()
              break
            }
            case 2: {
              obj.name = reader.string()
              break
            }
            case 3: {
              obj.owner = reader.string()
              break
            }
            case 4: {
              obj.signingKey = reader.bytes()
              break
            }
            case 5: {
              obj.epoch = reader.uint32()
              break
            }
            case 6: {
              obj.key = reader.bytes()
              break
            }
            case 7: {
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
                field: `${prefix}.channelId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.owner`,
                value: reader.string()
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
            case 5: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
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

  export interface ChannelInviteChannelIdFieldEvent {
    field: '$.channelId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ChannelInviteNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface ChannelInviteOwnerFieldEvent {
    field: '$.owner'
    value: string
  }

  export interface ChannelInviteSigningKeyFieldEvent {
    field: '$.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ChannelInviteEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface ChannelInviteKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ChannelInviteMailboxesFieldEvent {
    field: '$.mailboxes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ChannelInvite>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ChannelInvite.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelInvite>): ChannelInvite {
    return decodeMessage(buf, ChannelInvite.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelInvite>): Generator<ChannelInviteChannelIdFieldEvent | ChannelInviteNameFieldEvent | ChannelInviteOwnerFieldEvent | ChannelInviteSigningKeyFieldEvent | ChannelInviteEpochFieldEvent | ChannelInviteKeyFieldEvent | ChannelInviteMailboxesFieldEvent> {
    return streamMessage(buf, ChannelInvite.codec(), opts)
  }
}

export interface ChannelPost {
  id: Uint8Array<ArrayBuffer>
  sentAt: bigint
  text: string
}

export namespace ChannelPost {
  let _codec: Codec<ChannelPost>

  export const codec = (): Codec<ChannelPost> => {
    if (_codec == null) {
      _codec = message<ChannelPost>((obj, w, opts = {}) => {
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

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(26)
          w.string(obj.text)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          sentAt: 0n,
          text: ''
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

  export interface ChannelPostIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ChannelPostSentAtFieldEvent {
    field: '$.sentAt'
    value: bigint
  }

  export interface ChannelPostTextFieldEvent {
    field: '$.text'
    value: string
  }

  export function encode (obj: Partial<ChannelPost>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ChannelPost.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelPost>): ChannelPost {
    return decodeMessage(buf, ChannelPost.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelPost>): Generator<ChannelPostIdFieldEvent | ChannelPostSentAtFieldEvent | ChannelPostTextFieldEvent> {
    return streamMessage(buf, ChannelPost.codec(), opts)
  }
}

export interface ChannelControl {
  channelId: Uint8Array<ArrayBuffer>
  invite?: Uint8Array<ArrayBuffer>
  join: boolean
}

export namespace ChannelControl {
  let _codec: Codec<ChannelControl>

  export const codec = (): Codec<ChannelControl> => {
    if (_codec == null) {
      _codec = message<ChannelControl>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.channelId != null && obj.channelId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.channelId)
        }

        if (obj.invite != null) {
          w.uint32(18)
          w.bytes(obj.invite)
        }

        if ((obj.join != null && obj.join !== false)) {
          w.uint32(24)
          w.bool(obj.join)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          channelId: uint8ArrayAlloc(0),
          join: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.channelId = reader.bytes()
              break
            }
            case 2: {
              obj.invite = reader.bytes()
              break
            }
            case 3: {
              obj.join = reader.bool()
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
                field: `${prefix}.channelId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.invite`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.join`,
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

  export interface ChannelControlChannelIdFieldEvent {
    field: '$.channelId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ChannelControlInviteFieldEvent {
    field: '$.invite'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ChannelControlJoinFieldEvent {
    field: '$.join'
    value: boolean
  }

  export function encode (obj: Partial<ChannelControl>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ChannelControl.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelControl>): ChannelControl {
    return decodeMessage(buf, ChannelControl.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelControl>): Generator<ChannelControlChannelIdFieldEvent | ChannelControlInviteFieldEvent | ChannelControlJoinFieldEvent> {
    return streamMessage(buf, ChannelControl.codec(), opts)
  }
}

export interface SenderKeyRecord {
  keyId: number
  iteration: number
  chainKey: Uint8Array<ArrayBuffer>
  signingSecret: Uint8Array<ArrayBuffer>
  signingPublic: Uint8Array<ArrayBuffer>
}

export namespace SenderKeyRecord {
  let _codec: Codec<SenderKeyRecord>

  export const codec = (): Codec<SenderKeyRecord> => {
    if (_codec == null) {
      _codec = message<SenderKeyRecord>((obj, w, opts = {}) => {
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

        if ((obj.signingSecret != null && obj.signingSecret.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.signingSecret)
        }

        if ((obj.signingPublic != null && obj.signingPublic.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.signingPublic)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          keyId: 0,
          iteration: 0,
          chainKey: uint8ArrayAlloc(0),
          signingSecret: uint8ArrayAlloc(0),
          signingPublic: uint8ArrayAlloc(0)
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
              obj.signingSecret = reader.bytes()
              break
            }
            case 5: {
              obj.signingPublic = reader.bytes()
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
                field: `${prefix}.signingSecret`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.signingPublic`,
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

  export interface SenderKeyRecordKeyIdFieldEvent {
    field: '$.keyId'
    value: number
  }

  export interface SenderKeyRecordIterationFieldEvent {
    field: '$.iteration'
    value: number
  }

  export interface SenderKeyRecordChainKeyFieldEvent {
    field: '$.chainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyRecordSigningSecretFieldEvent {
    field: '$.signingSecret'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyRecordSigningPublicFieldEvent {
    field: '$.signingPublic'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SenderKeyRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SenderKeyRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyRecord>): SenderKeyRecord {
    return decodeMessage(buf, SenderKeyRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyRecord>): Generator<SenderKeyRecordKeyIdFieldEvent | SenderKeyRecordIterationFieldEvent | SenderKeyRecordChainKeyFieldEvent | SenderKeyRecordSigningSecretFieldEvent | SenderKeyRecordSigningPublicFieldEvent> {
    return streamMessage(buf, SenderKeyRecord.codec(), opts)
  }
}

export interface SkippedSenderKey {
  id: string
  key: Uint8Array<ArrayBuffer>
}

export namespace SkippedSenderKey {
  let _codec: Codec<SkippedSenderKey>

  export const codec = (): Codec<SkippedSenderKey> => {
    if (_codec == null) {
      _codec = message<SkippedSenderKey>((obj, w, opts = {}) => {
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

  export interface SkippedSenderKeyIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface SkippedSenderKeyKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SkippedSenderKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SkippedSenderKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SkippedSenderKey>): SkippedSenderKey {
    return decodeMessage(buf, SkippedSenderKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SkippedSenderKey>): Generator<SkippedSenderKeyIdFieldEvent | SkippedSenderKeyKeyFieldEvent> {
    return streamMessage(buf, SkippedSenderKey.codec(), opts)
  }
}

export interface SenderKeyReceiverRecord {
  keyId: number
  iteration: number
  chainKey: Uint8Array<ArrayBuffer>
  signingKey: Uint8Array<ArrayBuffer>
  skipped: SkippedSenderKey[]
}

export namespace SenderKeyReceiverRecord {
  let _codec: Codec<SenderKeyReceiverRecord>

  export const codec = (): Codec<SenderKeyReceiverRecord> => {
    if (_codec == null) {
      _codec = message<SenderKeyReceiverRecord>((obj, w, opts = {}) => {
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

        if (obj.skipped != null && obj.skipped.length > 0) {
          for (const value of obj.skipped) {
            w.uint32(42)
            SkippedSenderKey.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          keyId: 0,
          iteration: 0,
          chainKey: uint8ArrayAlloc(0),
          signingKey: uint8ArrayAlloc(0),
          skipped: []
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
            case 5: {
              if (opts.limits?.skipped != null && obj.skipped.length === opts.limits.skipped) {
                throw new MaxLengthError('Decode error - repeated field "skipped" had too many elements')
              }

              obj.skipped.push(SkippedSenderKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.skipped$
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
          skipped: 0
        }

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
            case 5: {
              if (opts.limits?.skipped != null && obj.skipped === opts.limits.skipped) {
                throw new MaxLengthError('Streaming decode error - repeated field "skipped" had too many elements')
              }

              for (const evt of SkippedSenderKey.codec().stream(reader, reader.uint32(), `${prefix}.skipped[]`, {
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

  export interface SenderKeyReceiverRecordKeyIdFieldEvent {
    field: '$.keyId'
    value: number
  }

  export interface SenderKeyReceiverRecordIterationFieldEvent {
    field: '$.iteration'
    value: number
  }

  export interface SenderKeyReceiverRecordChainKeyFieldEvent {
    field: '$.chainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyReceiverRecordSigningKeyFieldEvent {
    field: '$.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyReceiverRecordSkippedIdFieldEvent {
    field: '$.skipped[].id'
    value: string
    index: number
  }

  export interface SenderKeyReceiverRecordSkippedKeyFieldEvent {
    field: '$.skipped[].key'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<SenderKeyReceiverRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SenderKeyReceiverRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyReceiverRecord>): SenderKeyReceiverRecord {
    return decodeMessage(buf, SenderKeyReceiverRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyReceiverRecord>): Generator<SenderKeyReceiverRecordKeyIdFieldEvent | SenderKeyReceiverRecordIterationFieldEvent | SenderKeyReceiverRecordChainKeyFieldEvent | SenderKeyReceiverRecordSigningKeyFieldEvent | SenderKeyReceiverRecordSkippedIdFieldEvent | SenderKeyReceiverRecordSkippedKeyFieldEvent> {
    return streamMessage(buf, SenderKeyReceiverRecord.codec(), opts)
  }
}
