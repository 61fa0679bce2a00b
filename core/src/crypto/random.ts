import { randomBytes } from '@noble/hashes/utils.js'

/**
 * Where fresh bytes come from: `crypto.getRandomValues` by default. Tests and
 * the PROTOCOL.md vectors pass a deterministic source; nothing else should.
 */
export type RandomSource = (length: number) => Uint8Array

export const systemRandom: RandomSource = (length) => randomBytes(length)
