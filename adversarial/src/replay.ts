/**
 * Replayed and tampered envelopes (issue 7): `replays` (area 'replay') and
 * `tampering` (area 'tamper'), against the shipped peers and bootstrap node
 * on 127.0.0.1.
 */

export { replays } from './replay-replays.ts'
export { tampering } from './replay-tamper.ts'
