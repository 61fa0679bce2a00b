/**
 * The rendezvous server's stream handler on in-memory streams: which error a
 * bad frame ends the stream with, and that the next stream is served.
 */

import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { pbStream, streamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { varint } from 'multiformats'
import { Message } from '../../../src/protocol/pb/rendezvous.ts'
import { MAX_MESSAGE_SIZE, MAX_REQUESTS_PER_STREAM } from '../../../src/services/rendezvous/constants.ts'
import { sealPeerRecord } from '../../../src/services/rendezvous/peer-record.ts'
import { RendezvousServer } from '../../../src/services/rendezvous/server.ts'
import type { ComponentLogger, Connection, Logger, PeerId, PrivateKey, Stream } from '@libp2p/interface'

const { MessageType, ResponseStatus } = Message

const silent: Logger = Object.assign(() => {}, {
  error: () => {},
  trace: () => {},
  enabled: false,
  newScope: () => silent
})
const logger: ComponentLogger = { forComponent: () => silent }

function frame (body: Uint8Array, claimedLength = body.byteLength): Uint8Array {
  const prefix = new Uint8Array(varint.encodingLength(claimedLength))
  varint.encodeTo(claimedLength, prefix)
  const out = new Uint8Array(prefix.byteLength + body.byteLength)
  out.set(prefix)
  out.set(body, prefix.byteLength)
  return out
}

describe('rendezvous server stream handler', () => {
  let server: RendezvousServer
  let peerId: PeerId
  let privateKey: PrivateKey
  let connection: Connection

  before(async () => {
    privateKey = await generateKeyPair('Ed25519')
    peerId = peerIdFromPrivateKey(privateKey)
    connection = { remotePeer: peerId } as unknown as Connection // the handler reads only remotePeer
    server = new RendezvousServer({ registrar: { handle: async () => {}, unhandle: async () => {} }, logger }, { minTtl: 1 })
    await server.start()
  })

  after(async () => {
    await server.stop()
  })

  /** Run the handler on a fresh stream pair; resolves with the error the server aborted its end with, if any */
  async function serve (send: (client: Stream) => Promise<void>): Promise<{ aborted?: Error, client: Stream }> {
    const [client, inbound] = await streamPair()
    let aborted: Error | undefined
    const abort = inbound.abort.bind(inbound)
    inbound.abort = (err: Error) => { aborted = err; abort(err) }
    const handled = server.handleStream(inbound, connection)
    await send(client)
    await handled
    return { aborted, client }
  }

  async function sendRaw (client: Stream, bytes: Uint8Array): Promise<void> {
    client.send(bytes)
    await client.close().catch(() => {})
  }

  /** A valid request on a new stream is still answered */
  async function stillServing (): Promise<void> {
    let answer: Message | undefined
    await serve(async (client) => {
      const messages = pbStream(client, { maxDataLength: MAX_MESSAGE_SIZE }).pb(Message)
      await messages.write({ type: MessageType.DISCOVER, discover: {} })
      answer = await messages.read()
      await client.close()
    })
    expect(answer?.discoverResponse?.status).to.equal(ResponseStatus.OK)
  }

  const malformed: Array<[string, Uint8Array]> = [
    ['bytes that do not decode', frame(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff))],
    ['an unknown message type', frame(Uint8Array.of(0x08, 99))],
    ['a field of the wrong wire type', frame(Uint8Array.of(0x0a, 0x05, 0x01, 0x02, 0x03, 0x04, 0x05))],
    ['a message without a type', frame(Message.encode({ discover: { ns: 'x' } }))],
    ['a response type', frame(Message.encode({ type: MessageType.REGISTER_RESPONSE, registerResponse: {} }))],
    ['a truncated frame', frame(Uint8Array.of(0x08, 0x03), 10)],
    ['a frame over MAX_MESSAGE_SIZE', frame(new Uint8Array(MAX_MESSAGE_SIZE + 1))],
    ['a length prefix that never ends', new Uint8Array(8).fill(0xff)],
    ['nothing at all', new Uint8Array(0)]
  ]

  for (const [name, bytes] of malformed) {
    it(`ends the stream with InvalidRendezvousMessageError on ${name}, then serves the next one`, async () => {
      const { aborted } = await serve(async client => sendRaw(client, bytes))
      expect(aborted?.name).to.equal('InvalidRendezvousMessageError')
      await stillServing()
    })
  }

  it('answers REGISTER then DISCOVER on one stream, and closes cleanly when the client is done', async () => {
    const signedPeerRecord = await sealPeerRecord(privateKey, peerId, [])
    let registered: Message | undefined
    let discovered: Message | undefined
    const { aborted } = await serve(async (client) => {
      const messages = pbStream(client, { maxDataLength: MAX_MESSAGE_SIZE }).pb(Message)
      await messages.write({ type: MessageType.REGISTER, register: { ns: 'unit', signedPeerRecord, ttl: 10n } })
      registered = await messages.read()
      await messages.write({ type: MessageType.DISCOVER, discover: { ns: 'unit' } })
      discovered = await messages.read()
      await client.close()
    })
    expect(aborted).to.equal(undefined)
    expect(registered?.registerResponse).to.deep.equal({ status: ResponseStatus.OK, ttl: 10n })
    expect(discovered?.discoverResponse?.registrations.map(r => r.ns)).to.deep.equal(['unit'])
    expect(server.registrationCount).to.equal(1)
  })

  it(`answers at most MAX_REQUESTS_PER_STREAM (${MAX_REQUESTS_PER_STREAM}) requests on one stream`, async () => {
    let answered = 0
    await serve(async (client) => {
      const messages = pbStream(client, { maxDataLength: MAX_MESSAGE_SIZE }).pb(Message)
      await messages.writeV(new Array(MAX_REQUESTS_PER_STREAM + 1).fill({ type: MessageType.DISCOVER, discover: { ns: 'none' } }))
      try {
        while (true) {
          await messages.read()
          answered++
        }
      } catch {
        // the server closed the stream after its last answer
      }
      await client.close().catch(() => {})
    })
    expect(answered).to.equal(MAX_REQUESTS_PER_STREAM)
    await stillServing()
  })

  it('refuses invalid settings with RangeError', () => {
    const components = { registrar: { handle: async () => {}, unhandle: async () => {} }, logger }
    expect(() => new RendezvousServer(components, { maxTtl: 72 * 3600 + 1 })).to.throw(RangeError)
    expect(() => new RendezvousServer(components, { minTtl: 100, maxTtl: 10 })).to.throw(RangeError)
    expect(() => new RendezvousServer(components, { maxRegistrations: 0 })).to.throw(RangeError)
    expect(() => new RendezvousServer(components, { sweepInterval: 1.5 })).to.throw(RangeError)
  })
})
