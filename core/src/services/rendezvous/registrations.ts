/**
 * The rendezvous point's registrations, in memory, bounded per peer and in
 * all. Every registration carries a sequence number from one counter; a
 * refresh takes a new number and moves to the end, so the maps below iterate
 * in sequence order and a cookie is "everything after number n".
 */

import { concat } from 'uint8arrays/concat'
import { equals } from 'uint8arrays/equals'
import { fromString } from 'uint8arrays/from-string'
import { COOKIE_EPOCH_LENGTH, COOKIE_VERSION, FULL_PURGE_MIN_INTERVAL, MAX_COOKIE_LENGTH, MIN_COOKIE_LENGTH } from './constants.ts'
import type { PeerId } from '@libp2p/interface'

export interface Registration {
  peerId: PeerId
  ns: string
  /** The RecordEnvelope bytes exactly as the peer sent them */
  signedPeerRecord: Uint8Array<ArrayBuffer>
  /** Milliseconds since the epoch */
  expiresAt: number
  seq: number
}

export type AddResult = 'ok' | 'peer-limit' | 'full'

export interface RegistrationLimits {
  maxRegistrationsPerPeer: number
  maxRegistrations: number
}

/** Map key of one registration: a peer id string has no spaces */
function key (peer: string, ns: string): string {
  return `${peer} ${ns}`
}

export class Registrations {
  /** All registrations, in sequence order */
  private readonly all = new Map<string, Registration>()
  /** Namespace -> peer id string -> registration, each in sequence order; no empty namespaces */
  private readonly namespaces = new Map<string, Map<string, Registration>>()
  /** Peer id string -> namespace -> registration; no empty entries */
  private readonly peers = new Map<string, Map<string, Registration>>()
  private readonly limits: RegistrationLimits
  private seq = 0
  private lastFullPurge = 0

  /** Random per instance: cookies from another instance (a restart) are refused */
  readonly epoch: Uint8Array

  constructor (limits: RegistrationLimits) {
    this.limits = limits
    this.epoch = crypto.getRandomValues(new Uint8Array(COOKIE_EPOCH_LENGTH))
  }

  get size (): number {
    return this.all.size
  }

  /** The sequence number of the latest registration: a cookie may not name a later one */
  get lastSeq (): number {
    return this.seq
  }

  /**
   * Add or refresh the registration of `peerId` in `ns`. A refresh replaces
   * the old one and does not count against the limits.
   */
  add (peerId: PeerId, ns: string, signedPeerRecord: Uint8Array<ArrayBuffer>, ttlSeconds: number, now: number): AddResult {
    const peer = peerId.toString()
    const existing = this.all.get(key(peer, ns))

    if (existing != null) {
      this.delete(existing)
    } else {
      if ((this.peers.get(peer)?.size ?? 0) >= this.limits.maxRegistrationsPerPeer) {
        this.purgePeer(peer, now)
        if ((this.peers.get(peer)?.size ?? 0) >= this.limits.maxRegistrationsPerPeer) {
          return 'peer-limit'
        }
      }
      if (this.all.size >= this.limits.maxRegistrations) {
        // a full scan, so not on every REGISTER while full; the periodic sweep does the rest
        if (now - this.lastFullPurge >= FULL_PURGE_MIN_INTERVAL) {
          this.lastFullPurge = now
          this.purgeExpired(now)
        }
        if (this.all.size >= this.limits.maxRegistrations) {
          return 'full'
        }
      }
    }

    const registration: Registration = { peerId, ns, signedPeerRecord, expiresAt: now + ttlSeconds * 1000, seq: ++this.seq }
    this.all.set(key(peer, ns), registration)
    let inNamespace = this.namespaces.get(ns)
    if (inNamespace == null) {
      inNamespace = new Map()
      this.namespaces.set(ns, inNamespace)
    }
    inNamespace.set(peer, registration)
    let ofPeer = this.peers.get(peer)
    if (ofPeer == null) {
      ofPeer = new Map()
      this.peers.set(peer, ofPeer)
    }
    ofPeer.set(ns, registration)
    return 'ok'
  }

  /** Remove the registration of `peerId` in `ns`, if any */
  remove (peerId: PeerId, ns: string): boolean {
    const existing = this.all.get(key(peerId.toString(), ns))
    if (existing == null) { return false }
    this.delete(existing)
    return true
  }

  /**
   * Live registrations in `ns` (all namespaces when undefined) with a sequence
   * number above `afterSeq`, in sequence order. Expired ones met on the way
   * are dropped.
   */
  * after (ns: string | undefined, afterSeq: number, now: number): Generator<Registration> {
    const source = ns == null ? this.all : this.namespaces.get(ns)
    if (source == null) { return }
    // deleting the entry being visited is safe while iterating a Map
    for (const registration of source.values()) {
      if (registration.expiresAt <= now) {
        this.delete(registration)
        continue
      }
      if (registration.seq > afterSeq) {
        yield registration
      }
    }
  }

  /** Drop every expired registration; returns how many */
  purgeExpired (now: number): number {
    let purged = 0
    for (const registration of this.all.values()) {
      if (registration.expiresAt <= now) {
        this.delete(registration)
        purged++
      }
    }
    return purged
  }

  clear (): void {
    this.all.clear()
    this.namespaces.clear()
    this.peers.clear()
  }

  /**
   * The cookie after a page of results: it names the namespace it was issued
   * for and the last sequence number the client has seen.
   */
  cookie (ns: string | undefined, seq: number): Uint8Array<ArrayBuffer> {
    const seqBytes = new Uint8Array(8)
    new DataView(seqBytes.buffer).setBigUint64(0, BigInt(seq))
    return concat([Uint8Array.of(COOKIE_VERSION), this.epoch, seqBytes, fromString(ns ?? '')])
  }

  /**
   * The sequence number a cookie carries, or undefined if it is not one this
   * instance issued for `ns` (wrong length, version, epoch, namespace, or a
   * number from the future).
   */
  parseCookie (cookie: Uint8Array, ns: string | undefined): number | undefined {
    if (cookie.byteLength < MIN_COOKIE_LENGTH || cookie.byteLength > MAX_COOKIE_LENGTH || cookie[0] !== COOKIE_VERSION) {
      return undefined
    }
    if (!equals(cookie.subarray(1, 1 + COOKIE_EPOCH_LENGTH), this.epoch)) {
      return undefined
    }
    const seq = new DataView(cookie.buffer, cookie.byteOffset + 1 + COOKIE_EPOCH_LENGTH, 8).getBigUint64(0)
    if (seq > BigInt(this.seq)) {
      return undefined
    }
    let cookieNs: string
    try {
      cookieNs = new TextDecoder('utf-8', { fatal: true }).decode(cookie.subarray(MIN_COOKIE_LENGTH))
    } catch {
      return undefined
    }
    if (cookieNs !== (ns ?? '')) {
      return undefined
    }
    return Number(seq)
  }

  private purgePeer (peer: string, now: number): void {
    for (const registration of this.peers.get(peer)?.values() ?? []) {
      if (registration.expiresAt <= now) {
        this.delete(registration)
      }
    }
  }

  private delete (registration: Registration): void {
    const peer = registration.peerId.toString()
    this.all.delete(key(peer, registration.ns))
    const inNamespace = this.namespaces.get(registration.ns)
    inNamespace?.delete(peer)
    if (inNamespace?.size === 0) {
      this.namespaces.delete(registration.ns)
    }
    const ofPeer = this.peers.get(peer)
    ofPeer?.delete(registration.ns)
    if (ofPeer?.size === 0) {
      this.peers.delete(peer)
    }
  }
}
