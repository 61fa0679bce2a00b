/**
 * Signed peer records (libp2p RFC 0002 envelopes holding RFC 0003 peer
 * records): the client seals its own, the server and other clients open and
 * check them.
 */

import { PeerRecord, RecordEnvelope } from '@libp2p/peer-record'
import { CODE_P2P } from '@multiformats/multiaddr'
import { equals } from 'uint8arrays/equals'
import { InvalidRecordError, InvalidSignatureError } from '../../errors.ts'
import type { AbortOptions, PeerId, PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface OpenedPeerRecord {
  peerId: PeerId
  multiaddrs: Multiaddr[]
}

/** Seal a peer record for `peerId` listing `multiaddrs` (a trailing /p2p/<id> is dropped, as identify does) */
export async function sealPeerRecord (privateKey: PrivateKey, peerId: PeerId, multiaddrs: Multiaddr[], options?: AbortOptions): Promise<Uint8Array<ArrayBuffer>> {
  const record = new PeerRecord({
    peerId,
    multiaddrs: multiaddrs.map(ma => ma.decapsulateCode(CODE_P2P))
  })
  const envelope = await RecordEnvelope.seal(record, privateKey, options)
  return Uint8Array.from(envelope.marshal())
}

/**
 * Open a signed peer record. Throws InvalidSignatureError if the envelope's
 * signature does not verify, InvalidRecordError if the bytes are not an
 * envelope holding a peer record, or the record names a peer other than the
 * key that signed it.
 */
export async function openPeerRecord (bytes: Uint8Array, options?: AbortOptions): Promise<OpenedPeerRecord> {
  let envelope: RecordEnvelope
  try {
    envelope = RecordEnvelope.createFromProtobuf(bytes)
  } catch (err: any) {
    throw new InvalidRecordError(`signed peer record does not parse: ${err.message}`)
  }
  let valid: boolean
  try {
    valid = await envelope.validate(PeerRecord.DOMAIN, options)
  } catch (err: any) {
    throw new InvalidSignatureError(`signed peer record signature cannot be checked: ${err.message}`)
  }
  if (!valid) {
    throw new InvalidSignatureError('signed peer record signature does not verify')
  }
  if (!equals(envelope.payloadType, PeerRecord.CODEC)) {
    throw new InvalidRecordError('signed envelope does not hold a peer record')
  }
  let record: PeerRecord
  try {
    record = PeerRecord.createFromProtobuf(envelope.payload)
  } catch (err: any) {
    throw new InvalidRecordError(`peer record does not parse: ${err.message}`)
  }
  if (!equals(envelope.publicKey.toMultihash().bytes, record.peerId.toMultihash().bytes)) {
    throw new InvalidRecordError('peer record names a peer other than its signer')
  }
  return { peerId: record.peerId, multiaddrs: record.multiaddrs }
}
