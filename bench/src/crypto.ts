/**
 * Costs of Hypha's end-to-end encryption, side by side with the raw
 * XChaCha20-Poly1305 cost they are measured against (issue: one-chain message
 * <= 4x the raw AEAD, session setup <= 4 ms, 1:1 overhead <= 80 bytes).
 */

import {
  createIdentity, currentBundle, curves, localDevice, prekeyStore, SenderKey, SenderKeyReceiver, SessionManager,
  verifyBundle, verifyDeviceList
} from '@hypha/core'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { formatNumber, formatTable, measure } from './harness.ts'
import type { BenchResult } from './harness.ts'
import type { LocalIdentity, VerifiedBundle } from '@hypha/core'

export const MESSAGE_BYTES = 256

export interface Target {
  /** What the number is checked against, e.g. '<= 4x raw AEAD' */
  label: string
  /** True when the measured value meets the target */
  met: boolean
}

export interface CryptoBenchReport {
  curves: string
  rows: Array<BenchResult & { vsAead?: number, target?: Target }>
  overhead: Array<{ name: string, bytes: number, target?: Target }>
}

interface Party {
  identity: LocalIdentity
  sessions: SessionManager
  bundle: VerifiedBundle
}

async function party (oneTimePrekeys = 0): Promise<Party> {
  const identity = await createIdentity({ oneTimePrekeys })
  const sessions = new SessionManager(localDevice(identity), prekeyStore(identity))
  const bundle = await verifyBundle(currentBundle(identity), await verifyDeviceList(identity.deviceList, identity.userId))
  return { identity, sessions, bundle }
}

/** A and B with a session in which both have sent and received (ratchet messages, no prekey envelopes) */
async function established (): Promise<{ a: Party, b: Party }> {
  const [a, b] = [await party(), await party()]
  await a.sessions.initiate(b.bundle)
  await b.sessions.decrypt(await a.sessions.encrypt(b.bundle.signingKey, new Uint8Array(1)))
  await a.sessions.decrypt(await b.sessions.encrypt(a.bundle.signingKey, new Uint8Array(1)))
  return { a, b }
}

export async function cryptoBench (options: { iterations?: number } = {}): Promise<CryptoBenchReport> {
  const n = options.iterations ?? 2000
  const plaintext = randomBytes(MESSAGE_BYTES)
  const ad = randomBytes(64)
  const key = randomBytes(32)

  const aead = await measure(`raw XChaCha20-Poly1305 seal+open, ${MESSAGE_BYTES} B (baseline)`, () => {
    const nonce = randomBytes(24)
    const sealed = xchacha20poly1305(key, nonce, ad).encrypt(plaintext)
    xchacha20poly1305(key, nonce, ad).decrypt(sealed)
  }, { iterations: n * 5, warmup: 500 })

  // one chain: A keeps sending, B keeps receiving, no DH ratchet step
  const chain = await established()
  const oneChain = await measure(`1:1 message on one chain, encrypt+decrypt, ${MESSAGE_BYTES} B`, async () => {
    await chain.b.sessions.decrypt(await chain.a.sessions.encrypt(chain.b.bundle.signingKey, plaintext))
  }, { iterations: n * 2, warmup: 200 })

  // every message answers the previous one: each decrypt is a DH ratchet step
  const turn = await established()
  let aSends = true
  const dhStep = await measure(`1:1 message that steps the DH ratchet, encrypt+decrypt, ${MESSAGE_BYTES} B`, async () => {
    const [from, to] = aSends ? [turn.a, turn.b] : [turn.b, turn.a]
    await to.sessions.decrypt(await from.sessions.encrypt(to.bundle.signingKey, plaintext))
    aSends = !aSends
  }, { iterations: n, warmup: 100 })

  // session setup, each side on its own
  const setupIterations = Math.max(50, Math.floor(n / 10))
  const responders: Party[] = []
  for (let i = 0; i < setupIterations + 20; i++) { responders.push(await party(1)) }
  const initiator = await party()
  const firstEnvelopes: Array<{ responder: Party, envelope: Uint8Array }> = []
  let next = 0
  const setupInitiator = await measure('session setup, initiator: verify bundle + PQXDH + first message', async () => {
    const responder = responders[next++]
    const bundle = await verifyBundle(currentBundle(responder.identity), await verifyDeviceList(responder.identity.deviceList, responder.identity.userId))
    await initiator.sessions.initiate(bundle)
    firstEnvelopes.push({ responder, envelope: await initiator.sessions.encrypt(bundle.signingKey, plaintext) })
  }, { iterations: setupIterations, warmup: 20 })
  let accepted = 0
  const setupResponder = await measure('session setup, responder: open sealed sender + PQXDH + first message', async () => {
    const { responder, envelope } = firstEnvelopes[accepted++]
    await responder.sessions.decrypt(envelope)
  }, { iterations: setupIterations, warmup: 20 })

  // sender keys: encrypt once, decrypt once (one receiver)
  const senderKey = await SenderKey.create()
  const receiver = SenderKeyReceiver.fromDistribution(senderKey.distribution())
  const group = await measure(`sender-key message encrypt+sign, verify+decrypt, ${MESSAGE_BYTES} B`, async () => {
    await receiver.decrypt(await senderKey.encrypt(plaintext))
  }, { iterations: n, warmup: 100 })

  const ratio = (r: BenchResult): number => r.meanUs / aead.meanUs
  const oneChainRatio = ratio(oneChain)

  // overhead grows by one byte per varint counter past 127 and 16,383: show the usual case and a long chain
  const fresh = await established()
  const ratchetMessage = await fresh.a.sessions.encrypt(fresh.b.bundle.signingKey, plaintext)
  const longChainMessage = await chain.a.sessions.encrypt(chain.b.bundle.signingKey, plaintext)
  const [x, y] = [await party(), await party(1)]
  await x.sessions.initiate(y.bundle)
  const prekeyEnvelope = await x.sessions.encrypt(y.bundle.signingKey, plaintext)
  const groupMessage = await senderKey.encrypt(plaintext)

  return {
    curves: (await curves()).name,
    rows: [
      aead,
      { ...oneChain, vsAead: oneChainRatio, target: { label: '<= 4x raw AEAD', met: oneChainRatio <= 4 } },
      { ...dhStep, vsAead: ratio(dhStep) },
      { ...setupInitiator, target: { label: '<= 4 ms', met: setupInitiator.meanUs <= 4000 } },
      { ...setupResponder, target: { label: '<= 4 ms', met: setupResponder.meanUs <= 4000 } },
      { ...group, vsAead: ratio(group) }
    ],
    overhead: [
      { name: `1:1 ratchet message, ${MESSAGE_BYTES} B plaintext`, bytes: ratchetMessage.length - MESSAGE_BYTES, target: { label: '<= 80 B', met: ratchetMessage.length - MESSAGE_BYTES <= 80 } },
      { name: `1:1 ratchet message, ${MESSAGE_BYTES} B, after ${n * 2 + 200} messages on one chain`, bytes: longChainMessage.length - MESSAGE_BYTES },
      { name: `1:1 prekey envelope (first messages, sealed sender + ML-KEM), ${MESSAGE_BYTES} B`, bytes: prekeyEnvelope.length - MESSAGE_BYTES },
      { name: `group sender-key message, ${MESSAGE_BYTES} B`, bytes: groupMessage.length - MESSAGE_BYTES },
      { name: `raw XChaCha20-Poly1305 (nonce + tag), ${MESSAGE_BYTES} B`, bytes: 24 + 16 }
    ]
  }
}

export function formatCryptoReport (report: CryptoBenchReport): string {
  const table = formatTable(report.rows)
  const lines = table.split('\n')
  const extra = [' vs AEAD  target', ' -------  ------', ...report.rows.map(r =>
    ` ${(r.vsAead == null ? '' : `${formatNumber(r.vsAead)}x`).padStart(7)}  ${r.target == null ? '' : `${r.target.label} ${r.target.met ? 'MET' : 'MISSED'}`}`
  )]
  const joined = lines.map((line, i) => line + (extra[i] ?? ''))
  const width = Math.max(...report.overhead.map(o => o.name.length))
  return [
    `End-to-end encryption (curves: ${report.curves}; times per operation)`,
    ...joined,
    '',
    'Bytes on the wire over the plaintext',
    ...report.overhead.map(o => `${o.name.padEnd(width)}  ${String(o.bytes).padStart(5)} B${o.target == null ? '' : `  target ${o.target.label} ${o.target.met ? 'MET' : 'MISSED'}`}`)
  ].join('\n')
}
