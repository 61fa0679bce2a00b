/**
 * Tampering (issue 7: "at least 100,000 tampered envelopes; 0 accepted").
 *
 * A, C and B on one hub. While B's Messenger is paused (its node stays on
 * the mesh), A and C send it genuine envelopes, which a capturing node
 * records off the gossip: prekey envelopes (a new session, then later ones
 * of that session), ratchet messages (a new chain, a skipped key, the
 * current chain), group messages (A's, and B's own as gossip echoes them)
 * and a key package (A rotating its sender key). B resumes; for each genuine
 * envelope, still undelivered, its tampered variants (`tamper`: bit flips in
 * every region, substitutions, truncations, extensions, splices, swaps
 * between sessions, non-canonical encodings) go through B's one receive
 * pipeline (`Messenger.receive`), then the genuine envelope itself, which
 * must still decrypt to what was sent: tampering neither changed the state
 * nor burnt a key. A sample goes over the real gossip path from an attacker
 * node instead, the genuine envelopes then from B's mailbox.
 *
 * Accepted: an `envelope` event with `decrypted` for a tampered input, or a
 * message, group message, receipt or group event while one was processed.
 */

import { checkInboxEnvelope, constants, decodeKeyPackage, envelopeId, inboxTopic, parseRatchetMessage } from '@hypha/core'
import { startHub, startPeer, until } from './mesh.ts'
import { classTally, encodeVarint, kindOf, Rng, tamper } from './replay-mutations.ts'
import { Attacker, BARRIER_ID, Capture, crashCounter, heapAfterGcMiB, settle, stopStage, tally, Target } from './replay-world.ts'
import { rssMiB, TYPED_ERRORS } from './report.ts'
import type { Peer } from './mesh.ts'
import type { EnvelopeKind, Variant } from './replay-mutations.ts'
import type { Captured, Outcome } from './replay-world.ts'
import type { Row, Scenario, SuiteOptions } from './report.ts'

const TARGET = '0 accepted (issue: >= 100,000 tampered, 0 accepted); every refusal typed; the genuine envelope still decrypts'

interface Sizes {
  /** Tampered variants per genuine envelope, by type */
  variants: Record<EnvelopeKind, number>
  /** Ratchet chains A starts (each: 4 messages) */
  chains: number
  /** Variants sent over the real gossip path */
  gossip: number
  /** Of those, at most this many from one attacker node */
  perAttacker: number
}

/** Each attacker node's pace: under B's inbox validator's per-neighbour burst and rate (INBOX_PUBLISH_BURST, INBOX_PUBLISH_RATE) */
const GOSSIP_BURST = Math.floor(constants.INBOX_PUBLISH_BURST * 0.8)
const GOSSIP_RATE = constants.INBOX_PUBLISH_RATE * 0.8

/** Between two attacker nodes' dials to B: libp2p refuses more than 5 inbound connections a second from one host */
export const DIAL_SPACING = 250

const FULL: Sizes = { variants: { 'prekey envelope': 1_500, 'ratchet message': 3_500, 'group message': 10_000, 'key package': 8_000 }, chains: 3, gossip: 3_000, perAttacker: 300 }
const CI: Sizes = { variants: { 'prekey envelope': 150, 'ratchet message': 350, 'group message': 300, 'key package': 250 }, chains: 1, gossip: 400, perAttacker: 200 }

/** A genuine envelope to tamper with, and what it must decrypt to */
interface Genuine extends Captured {
  /** Text of the message it carries (1:1 or group); undefined for a key package or an own echo */
  text?: string
  /** Deliver it after its variants (false: B's own group message, echoed) */
  deliver: boolean
  /** Share of its type's budget of variants (default 1) */
  weight?: number
}

interface Tally {
  tried: number
  outcomes: Record<Outcome, number>
  /** Error names of the typed refusals */
  names: string[]
  kinds: string[]
  acceptedKinds: string[]
  untypedNames: string[]
  ms: number
  notes?: string[]
}

function newTally (): Tally {
  return { tried: 0, outcomes: { accepted: 0, rejected: 0, ignored: 0, deduped: 0, untyped: 0, rewrapped: 0 }, names: [], kinds: [], acceptedKinds: [], untypedNames: [], ms: 0 }
}

export const tampering: Scenario = async (options: SuiteOptions) => {
  const sizes = options.full ? FULL : CI
  const progress = options.progress ?? (() => {})
  const crashes = crashCounter()
  const rng = new Rng(0x7a3c_2001)
  const hub = await startHub()
  const peers: Peer[] = []
  let capture: Capture | undefined
  let b: Target | undefined
  const attackers: Attacker[] = []
  try {
    capture = await Capture.start(hub)
    const a = await startPeer([hub], 'A')
    peers.push(a)
    const c = await startPeer([hub], 'C')
    peers.push(c)
    b = await Target.start([hub], 'B')
    const target = b
    const cap = capture
    const bId = b.messenger.userId
    await a.messenger.addContact(bId)
    await c.messenger.addContact(bId)
    await b.messenger.addContact(a.messenger.userId)
    const rssBefore = rssMiB()
    const heapBefore = heapAfterGcMiB()

    let sent = 0
    const text = (who: string): string => `${who} to B, genuine ${++sent}`

    /** Envelopes sent while B's Messenger is paused (its node keeps relaying them to the capture) */
    async function fresh (send: () => Promise<string[]>, count: number, topics = target.topics, type?: number): Promise<Genuine[]> {
      const from = cap.envelopes.length
      await target.messenger.stop()
      const texts = await send()
      const got = (await cap.waitFor(topics, from, count)).filter(e => type == null || e.bytes[0] === type)
      await target.messenger.start()
      if (got.length !== count) { throw new Error(`expected ${count} fresh envelopes, captured ${got.length}`) }
      return got.map((e, i) => ({ ...e, text: texts[i], deliver: true }))
    }

    async function sendTexts (peer: Peer, who: string, n: number): Promise<string[]> {
      const texts: string[] = []
      for (let i = 0; i < n; i++) {
        const t = text(who)
        await peer.messenger.send(bId, t)
        texts.push(t)
      }
      return texts
    }

    /** Waits until `peer` has its messages to B marked delivered (B's receipts reached it): its session has B's reply */
    async function receiptsReached (peer: Peer): Promise<void> {
      const ok = await until(async () => (await peer.messenger.history(bId)).every(m => m.direction === 'in' || m.state === 'delivered'), 15_000)
      if (!ok) { throw new Error(`${peer.name} never got B's receipts`) }
    }

    const tallies = new Map<string, Tally>()
    const honest = { tried: 0, delivered: 0, viaRewrap: 0, lost: [] as string[] }
    /** Genuine key packages whose entry for B was taken from a re-wrapped copy first */
    const rewrapTaken = new Set<string>()
    const all: Genuine[] = []
    /** Ids of every genuine envelope and every variant so far: each input is distinct across the run */
    const exclude = new Set<string>()
    const remember = (list: Genuine[]): void => {
      all.push(...list)
      for (const e of list) { exclude.add(e.id) }
    }

    /** One input through B's pipeline, classified */
    async function feed (topic: string, variant: Variant): Promise<{ outcome: Outcome, names: string[] }> {
      const watch = target.watch
      const before = watch.acceptedEvents()
      const rejectedFrom = watch.groupRejected.length
      const ok = await target.messenger.receive(topic, variant.bytes)
      const envelope = watch.envelopes.get(variant.id)
      const names = [...(watch.drops.get(variant.id.slice(0, 12)) ?? []), ...watch.groupRejected.splice(rejectedFrom)]
      watch.envelopes.delete(variant.id)
      watch.drops.delete(variant.id.slice(0, 12))
      if (!ok) { return { outcome: 'deduped', names: ['receive queue full'] } }
      if ((envelope?.decrypted ?? 0) > 0 || watch.acceptedEvents() > before) { return { outcome: 'accepted', names } }
      if (names.some(n => !TYPED_ERRORS.has(n))) { return { outcome: 'untyped', names } }
      if (envelope == null) { return { outcome: 'deduped', names } }
      return { outcome: names.length > 0 ? 'rejected' : 'ignored', names }
    }

    /** Tampered variants of each genuine envelope, then (when it is to be delivered) the envelope itself */
    async function attack (list: Genuine[], order: number[]): Promise<void> {
      for (const i of order) {
        const genuine = list[i]
        const kind = kindOf(genuine.bytes)
        const tally = tallies.get(kind) ?? newTally()
        tallies.set(kind, tally)
        const others = all.filter(e => e.id !== genuine.id).map(e => e.bytes)
        const variants = tamper(genuine.bytes, others, exclude, Math.ceil(sizes.variants[kind] * (genuine.weight ?? 1)), rng)
        const t0 = performance.now()
        for (const variant of variants) {
          let { outcome, names } = await feed(genuine.topic, variant)
          if (outcome === 'accepted' && kind === 'key package' && entryIntact(genuine.bytes, variant.bytes)) {
            outcome = 'rewrapped'
            rewrapTaken.add(genuine.id)
          }
          tally.tried++
          tally.outcomes[outcome]++
          tally.kinds.push(variant.kind)
          if (outcome === 'accepted') { tally.acceptedKinds.push(variant.kind) }
          if (outcome === 'untyped') { tally.untypedNames.push(...names.filter(n => !TYPED_ERRORS.has(n))) }
          if (outcome === 'rejected') { tally.names.push(names[0]) }
        }
        tally.ms += performance.now() - t0
        if (genuine.deliver) { await deliver(genuine) }
        progress(`${kind}: ${variants.length} variants, ${tally.outcomes.accepted} accepted so far`)
      }
    }

    /**
     * The genuine envelope after its variants, through the same `feed` and
     * classification: it must count as accepted (the negative control of the
     * counting) and decrypt to what was sent
     */
    async function deliver (genuine: Genuine): Promise<void> {
      honest.tried++
      const texts: string[] = []
      const onMessage = (evt: CustomEvent<{ text: string }>): void => { texts.push(evt.detail.text) }
      target.messenger.addEventListener('message', onMessage)
      target.messenger.addEventListener('group-message', onMessage)
      let result: { outcome: Outcome, names: string[] }
      try {
        result = await feed(genuine.topic, { kind: 'genuine', bytes: genuine.bytes, id: genuine.id })
      } finally {
        target.messenger.removeEventListener('message', onMessage)
        target.messenger.removeEventListener('group-message', onMessage)
      }
      // a key package whose entry for B B already took from a re-wrapped copy: the same entry again is a duplicate
      const taken = rewrapTaken.has(genuine.id) && result.names.includes('DuplicateMessageError')
      if (taken) { honest.viaRewrap++ }
      if (taken || (result.outcome === 'accepted' && (genuine.text == null || texts.includes(genuine.text)))) {
        honest.delivered++
      } else {
        honest.lost.push(`${kindOf(genuine.bytes)} ${genuine.id.slice(0, 8)}: ${result.outcome} ${result.names.join(',')}`)
      }
    }

    // 1. prekey envelopes: A's first (a new session), A's later ones (a known session), C's (another session)
    const prekeyA = await fresh(async () => sendTexts(a, 'A', 3), 3)
    const prekeyC = await fresh(async () => sendTexts(c, 'C', 2), 2)
    remember([...prekeyA, ...prekeyC])
    await attack(prekeyA, [0, 1, 2])
    await attack(prekeyC, [0, 1])
    await receiptsReached(a)
    await receiptsReached(c)

    // 2. ratchet messages, chain after chain: delivered 1, 0, 2, 3 (a new chain, then a skipped key, then the current chain)
    const aInbox = new Set([inboxTopic(a.messenger.identity.device.signing.publicKey)])
    let limit: Tally | undefined
    for (let chain = 0; chain < sizes.chains; chain++) {
      const ratchetA = await fresh(async () => sendTexts(a, 'A', 4), 4)
      const ratchetC = chain === 0 ? await fresh(async () => sendTexts(c, 'C', 2), 2) : []
      remember([...ratchetA, ...ratchetC])
      // the first of a new chain costs B a DH ratchet step per variant: fewer of those, the rest on the cheaper paths
      ratchetA[1].weight = 0.4
      const toA = cap.envelopes.length
      await attack(ratchetA, [1, 0, 2, 3])
      await attack(ratchetC, ratchetC.map((_, i) => i))
      if (chain === sizes.chains - 1) {
        // B's receipts to A show B's current ratchet key (its hint is what a new chain to B must carry)
        const fromB = (await cap.waitFor(aInbox, toA, 1)).filter(e => e.bytes[0] === 0x02)
        limit = await forgeAtLimit(ratchetA[3], fromB[fromB.length - 1].bytes.subarray(5, 37))
      }
      // B answers: A's next messages start a new chain
      await b.messenger.send(a.messenger.userId, `B to A ${chain}`)
      await receiptsReached(a)
      await until(async () => (await a.messenger.history(bId)).some(m => m.text === `B to A ${chain}`), 10_000)
      // and A's receipt for it reached B: nothing of A's is left in flight to B's inbox
      await until(async () => (await target.messenger.history(a.messenger.userId)).every(m => m.direction === 'in' || m.state === 'delivered'), 10_000)
    }

    /**
     * Forged counters at MAX_FORWARD_JUMP: on A's current chain (n far
     * ahead) and as a new chain (a random ratchet key under B's current hint,
     * pn and n far ahead). B would step the chain that far before the tag can
     * tell; the device's budget of skipped chain steps (CHAIN_STEP_BURST, then
     * CHAIN_STEP_RATE a second) bounds that work: once it is spent, forgeries
     * are refused unjudged (RateLimitedError) at the cost of an ordinary one.
     */
    async function forgeAtLimit (last: Genuine, bKey: Uint8Array): Promise<Tally> {
      const t = newTally()
      const { header } = parseRatchetMessage(last.bytes)
      const body = last.bytes.subarray(header.bytes.length)
      const jump = constants.MAX_FORWARD_JUMP
      // more forged steps than the budget holds at once, so the run shows both sides of it
      const count = Math.ceil(constants.CHAIN_STEP_BURST / jump / 2) + 2
      const make = (hint: Uint8Array, dh: Uint8Array, pn: number, n: number): Uint8Array =>
        Uint8Array.from([0x02, ...hint, ...dh, ...encodeVarint(pn), ...encodeVarint(n), ...body])
      const groups: Array<[string, Uint8Array[]]> = [
        [`current chain, n + ${jump}`, Array.from({ length: count }, (_, i) => make(header.hint, header.dh, header.pn, header.n + jump - i))],
        [`new chain, n = ${jump}`, Array.from({ length: count }, (_, i) => make(bKey.subarray(0, 4), rng.bytes(32), header.n, jump - i))],
        // the next message of the current chain with a ciphertext bit flipped: no step, one tag check
        ['ordinary: next in the chain, a ciphertext bit flipped', Array.from({ length: 20 }, (_, i) => {
          const copy = make(header.hint, header.dh, header.pn, header.n + 1)
          copy[copy.length - body.length + 24 + i] ^= 1
          return copy
        })]
      ]
      const times: string[] = []
      let stepped = 0
      let steppedMs = 0
      const budgetRefusals: number[] = []
      for (const [name, list] of groups) {
        const spent: number[] = []
        for (const bytes of list) {
          const variant = { kind: name, bytes, id: envelopeId(bytes) }
          exclude.add(variant.id)
          const t0 = performance.now()
          const { outcome, names } = await feed(last.topic, variant)
          const ms = performance.now() - t0
          spent.push(ms)
          t.tried++
          t.outcomes[outcome]++
          t.kinds.push(name)
          if (outcome === 'accepted') { t.acceptedKinds.push(name) }
          if (outcome === 'untyped') { t.untypedNames.push(...names.filter(n => !TYPED_ERRORS.has(n))) }
          if (outcome === 'rejected') { t.names.push(names[0]) }
          if (!name.startsWith('ordinary')) {
            if (names[0] === 'RateLimitedError') {
              budgetRefusals.push(ms)
            } else {
              stepped++
              steppedMs += ms
            }
          }
        }
        spent.sort((x, y) => x - y)
        times.push(`${name}: median ${spent[Math.floor(spent.length / 2)].toFixed(1)} ms`)
      }
      budgetRefusals.sort((x, y) => x - y)
      times.push(`${stepped} forgeries stepped their chain (${steppedMs.toFixed(0)} ms in all, within the budget of ${constants.CHAIN_STEP_BURST} steps), ` +
        `${budgetRefusals.length} refused over the budget (median ${budgetRefusals.length === 0 ? '-' : budgetRefusals[Math.floor(budgetRefusals.length / 2)].toFixed(1)} ms); ` +
        `sustained, a flood can ask for ${constants.CHAIN_STEP_RATE} steps a second`)
      if (budgetRefusals.length === 0) { t.outcomes.accepted++; t.acceptedKinds.push('no forgery reached the step budget') }
      t.notes = times
      return t
    }

    // 3. group messages: A's (delivered 1, 0, 2, 3) and B's own, as gossip and the group inbox echo them
    const group = await a.messenger.createGroup('tamper', [bId, c.messenger.userId])
    const topicG = new Set([group.topic])
    target.topics.add(group.topic)
    const joined = await until(async () => (await a.messenger.group(group.id)).members.length === 3 &&
      (await b!.messenger.groups()).some(g => g.member) && (await c.messenger.groups()).some(g => g.member), 15_000)
    if (!joined) { throw new Error('B and C never joined the group') }
    // B's sender key must reach A before B's own message means anything to A
    const fromOwn = cap.envelopes.length
    const aGot = new Promise<void>(resolve => { a.messenger.addEventListener('group-message', () => { resolve() }, { once: true }) })
    await b.messenger.sendToGroup(group.id, 'B to the group')
    await Promise.race([aGot, new Promise(resolve => setTimeout(resolve, 10_000))])
    const own = (await cap.waitFor(topicG, fromOwn, 1)).filter(e => e.bytes[0] === 0x04).slice(0, 1).map(e => ({ ...e, deliver: false, weight: 0.2 }))
    const groupA = await fresh(async () => {
      const texts: string[] = []
      for (let i = 0; i < 4; i++) {
        const t = `A to the group, genuine ${++sent}`
        await a.messenger.sendToGroup(group.id, t)
        texts.push(t)
      }
      return texts
    }, 4, topicG, 0x04)
    remember([...own, ...groupA])
    await attack(groupA, [1, 0, 2, 3])
    await attack(own, [0])

    // 4. a key package: A removes C and sends its new sender key to B
    const fromPkg = cap.envelopes.length
    await b.messenger.stop()
    await a.messenger.removeFromGroup(group.id, c.messenger.userId)
    await until(() => cap.on(topicG, fromPkg).some(e => e.bytes[0] === 0x05), 10_000)
    const packages = cap.on(topicG, fromPkg)
    await b.messenger.start()
    // what came with the removal goes first (the operation), the key package last, after its variants
    const keyPackage = packages.filter(e => e.bytes[0] === 0x05).map(e => ({ ...e, deliver: true }))
    for (const e of packages.filter(e => e.bytes[0] !== 0x05)) { await b.messenger.receive(e.topic, e.bytes) }
    remember(keyPackage)
    await attack(keyPackage, keyPackage.map((_, i) => i))

    // 5. a sample over the real gossip path: attacker nodes connected to B publish the variants. Those that
    // parse go out from several nodes, each under the per-neighbour rate of B's inbox validator, so that they
    // reach B's pipeline; the rest from one more node, which B's validator refuses and gossipsub then graylists
    const gossipTally = newTally()
    const gossipGenuine = await fresh(async () => sendTexts(a, 'A', 2), 2, new Set([b.inbox]), 0x02)
    remember(gossipGenuine)
    const watch = b.watch
    const variants = gossipGenuine.flatMap(g => tamper(g.bytes, all.filter(e => e.id !== g.id).map(e => e.bytes), exclude, Math.ceil(sizes.gossip / gossipGenuine.length), rng)
      .map(v => ({ v, topic: g.topic })))
    const parses = (bytes: Uint8Array): boolean => {
      try {
        checkInboxEnvelope(bytes)
        return true
      } catch {
        return false
      }
    }
    const valid = variants.filter(x => parses(x.v.bytes))
    const invalid = variants.filter(x => !parses(x.v.bytes))
    const senders = Math.max(1, Math.ceil(valid.length / sizes.perAttacker))
    for (let i = 0; i <= senders; i++) {
      attackers.push(await Attacker.start(hub, b.peer, [b.inbox]))
      // B, like every libp2p node, takes a few new connections a second from one host: the attacker paces its dials
      await new Promise(resolve => setTimeout(resolve, DIAL_SPACING))
    }
    const acceptedBefore = watch.acceptedEvents()
    const validatorBefore = watch.validatorRejected.length
    const t0 = performance.now()
    const publishedCounts = await Promise.all(attackers.map(async (attacker, i) => {
      const share = i === senders ? invalid : valid.filter((_, j) => j % senders === i)
      let published = 0
      for (const [j, { v, topic }] of share.entries()) {
        if (await attacker.publish(topic, v.bytes)) { published++ }
        // under the validator's rate: a burst, then a steady pace
        if (j >= GOSSIP_BURST) { await new Promise(resolve => setTimeout(resolve, 1000 / GOSSIP_RATE)) }
      }
      return published
    }))
    const published = publishedCounts.reduce((x, y) => x + y, 0)
    const ids = variants.map(x => x.v.id)
    await settle(() => watch.deliveredOf(ids) + watch.validatorRejected.length)
    await b.drain()
    gossipTally.ms = performance.now() - t0
    const reached = ids.filter(id => watch.envelopes.has(id))
    const delivered = watch.deliveredOf(ids)
    const decrypted = watch.decryptedOf(ids)
    const acceptedEvents = watch.acceptedEvents() - acceptedBefore
    const validatorNames = watch.validatorRejected.slice(validatorBefore)
    const dropNames = watch.dropNamesOf(ids)
    gossipTally.tried = published
    gossipTally.outcomes.accepted = decrypted + acceptedEvents
    gossipTally.outcomes.untyped = [...validatorNames, ...dropNames].filter(n => !TYPED_ERRORS.has(n)).length
    gossipTally.kinds = variants.map(x => x.v.kind)
    const notDelivered = Math.max(0, published - validatorNames.length - delivered)
    // the genuine ones, from B's mailbox (A deposited them there when it sent them)
    const synced = await b.messenger.sync()
    const gossipGenuineOk = gossipGenuine.filter(g => synced.messages.some(m => m.text === g.text)).length
    honest.tried += gossipGenuine.length
    honest.delivered += gossipGenuineOk
    if (gossipGenuineOk < gossipGenuine.length) { honest.lost.push(`${gossipGenuine.length - gossipGenuineOk} genuine envelope(s) after the gossip sample`) }
    for (const id of ids) {
      watch.envelopes.delete(id)
      watch.drops.delete(id.slice(0, 12))
      watch.gossipDelivered.delete(id)
    }
    watch.envelopes.delete(BARRIER_ID)

    // 6. the sessions and the group still work both ways
    const after = `A to B after tampering ${Date.now()}`
    const back = `B to A after tampering ${Date.now()}`
    const gotAfter = new Promise<boolean>(resolve => {
      target.messenger.addEventListener('message', evt => { if (evt.detail.text === after) { resolve(true) } })
      setTimeout(() => { resolve(false) }, 15_000)
    })
    await a.messenger.send(bId, after)
    const gotBack = new Promise<boolean>(resolve => {
      a.messenger.addEventListener('message', evt => { if (evt.detail.text === back) { resolve(true) } })
      setTimeout(() => { resolve(false) }, 15_000)
    })
    await b.messenger.send(a.messenger.userId, back)
    const groupAfter = `A to the group after tampering ${Date.now()}`
    const gotGroup = new Promise<boolean>(resolve => {
      target.messenger.addEventListener('group-message', evt => { if (evt.detail.text === groupAfter) { resolve(true) } })
      setTimeout(() => { resolve(false) }, 15_000)
    })
    await a.messenger.sendToGroup(group.id, groupAfter)
    const liveOk = [await gotAfter, await gotBack, await gotGroup]
    honest.tried += 3
    honest.delivered += liveOk.filter(Boolean).length
    liveOk.forEach((ok, i) => { if (!ok) { honest.lost.push(['A to B', 'B to A', 'A to the group'][i] + ' after tampering') } })
    const rssAfter = rssMiB()
    const heapAfter = heapAfterGcMiB()

    const rows: Row[] = []
    for (const kind of ['prekey envelope', 'ratchet message', 'group message', 'key package'] as EnvelopeKind[]) {
      const t = tallies.get(kind)
      if (t == null) { continue }
      rows.push(tamperRow(kind === 'group message' ? 'group message (A\'s; B\'s own echo)' : kind, t, crashes.count()))
    }
    if (limit != null) {
      const row = tamperRow('ratchet message, counters at the forward-jump limit', limit, crashes.count())
      row.detail = `${limit.notes?.join('; ') ?? ''}; refused ${tally(limit.names)}`
      rows.push(row)
    }
    const g = gossipTally
    rows.push({
      area: 'tamper',
      name: 'over gossip (attacker node -> B)',
      tried: g.tried,
      accepted: g.outcomes.accepted,
      rejected: g.tried - g.outcomes.accepted - g.outcomes.untyped,
      untyped: g.outcomes.untyped,
      crashes: 0,
      lost: 0,
      detail: `${valid.length} parse (from ${senders} nodes), ${invalid.length} do not (from 1); B's gossip validator refused ${validatorNames.length} (${tally(validatorNames)}); ` +
        `gossipsub delivered ${delivered}, B's pipeline refused ${reached.length} (${tally(dropNames)}); not delivered by gossipsub (graylisted) ${notDelivered}; ` +
        `${classTally(g.kinds)}; ${(g.ms / 1000).toFixed(1)} s`,
      target: TARGET,
      met: g.outcomes.accepted === 0 && g.outcomes.untyped === 0
    })
    // the pipeline itself must never fail (every refusal above is an error it caught and typed)
    const pipelineFailures = b.watch.failures.filter(line => line.startsWith('receive failed')).length
    rows.push({
      area: 'tamper',
      name: 'genuine envelopes after their variants',
      tried: honest.tried,
      accepted: honest.delivered,
      rejected: 0,
      untyped: pipelineFailures,
      crashes: crashes.count(),
      lost: honest.lost.length,
      detail: `each counted as accepted by the same classification as the variants (the control) and decrypted to what was sent${honest.viaRewrap > 0 ? ` (${honest.viaRewrap} key package(s) had given B their entry through a re-wrapped copy already)` : ''}, then A<->B and the group live; RSS ${rssBefore.toFixed(0)} -> ${rssAfter.toFixed(0)} MiB, ` +
        `heap after GC ${heapBefore.toFixed(0)} -> ${heapAfter.toFixed(0)} MiB (with the run's own record of ${exclude.size} input ids)` +
        (honest.lost.length > 0 ? `; LOST: ${honest.lost.slice(0, 5).join('; ')}` : ''),
      target: 'every genuine envelope still decrypts (tampering changed no state, burnt no key)',
      met: honest.lost.length === 0 && crashes.count() === 0 && pipelineFailures === 0
    })
    return rows
  } finally {
    await stopStage({ crashes, attackers, b, peers, capture, hub })
  }
}

/**
 * True when a key package variant still holds the genuine package's entries
 * unchanged, for the same group: only the container around them changed. A
 * package is not authenticated as a whole (each entry is sealed for its
 * device, and a signature over the package would name the sender to every
 * relay), so B taking its own genuine entry out of it is not B accepting
 * altered content.
 */
function entryIntact (genuine: Uint8Array, variant: Uint8Array): boolean {
  if (variant[0] !== genuine[0] || hex(variant.subarray(1, 9)) !== hex(genuine.subarray(1, 9))) { return false }
  try {
    const theirs = new Set(decodeKeyPackage(variant.subarray(9)).map(e => hex(e.hint) + hex(e.envelope)))
    return decodeKeyPackage(genuine.subarray(9)).every(e => theirs.has(hex(e.hint) + hex(e.envelope)))
  } catch {
    return false
  }
}

function hex (bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

function tamperRow (name: string, t: Tally, crashes: number): Row {
  const accepted = t.acceptedKinds.length > 0 ? `; ACCEPTED: ${tally(t.acceptedKinds)}` : ''
  const untyped = t.untypedNames.length > 0 ? `; UNTYPED: ${tally(t.untypedNames)}` : ''
  return {
    area: 'tamper',
    name,
    tried: t.tried,
    accepted: t.outcomes.accepted,
    rejected: t.outcomes.rejected + t.outcomes.ignored + t.outcomes.deduped + t.outcomes.rewrapped,
    untyped: t.outcomes.untyped,
    crashes,
    lost: 0,
    detail: `${classTally(t.kinds)}; refused ${tally(t.names)}; ignored as not for B ${t.outcomes.ignored}` +
      `${t.outcomes.rewrapped > 0 ? `; re-wrapped around B's intact genuine entry ${t.outcomes.rewrapped} (B took that entry once: the same content; a package is authenticated entry by entry)` : ''}` +
      `${t.outcomes.deduped > 0 ? `; deduped ${t.outcomes.deduped}` : ''}; ${(t.ms / Math.max(1, t.tried) * 1000).toFixed(0)} us each${accepted}${untyped}`,
    target: TARGET,
    met: t.outcomes.accepted === 0 && t.outcomes.untyped === 0 && crashes === 0
  }
}
