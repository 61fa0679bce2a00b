/**
 * Replays (issue 7: "at least 10,000 replayed envelopes across the gossip
 * path, the mailbox path and node restarts; 0 accepted").
 *
 * A and B talk for real on one hub: prekey envelopes, ratchet messages over
 * several chains, receipts both ways, a group (key packages, A's group
 * messages, B's own echoed back). A capturing node records every envelope
 * gossiped on B's inbox topic and the group's topic. Then attacker nodes
 * replay all of it: republished raw on gossip (from a fresh node each round,
 * connected to B), re-deposited at the hub's mailbox with real stamps (under
 * B's inbox tag, and the group's), and given straight to
 * `Messenger.receive`; while B runs (gossipsub and the Messenger remember
 * what they saw), after each of several restarts of B on its database (a new
 * node: both caches empty, only what is stored remains), and after the
 * Messenger's bounded seen set was flushed with junk.
 *
 * Accepted: an `envelope` event with `decrypted` for a replay, a message,
 * group message, receipt or group event, or any change in B's stored
 * history. At the end B's history must hold exactly the genuine messages in
 * their states, and new messages must still go both ways.
 */

import { constants, groupInboxKey, mailboxTag } from '@hypha/core'
import { startHub, startPeer, until } from './mesh.ts'
import { kindOf, Rng } from './replay-mutations.ts'
import { Attacker, BARRIER_ID, Capture, crashCounter, heapAfterGcMiB, settle, stopStage, tally, Target } from './replay-world.ts'
import { rssMiB } from './report.ts'
import type { Peer } from './mesh.ts'
import type { Captured } from './replay-world.ts'
import type { Row, Scenario, SuiteOptions } from './report.ts'

const TARGET = '0 accepted (issue: >= 10,000 replays over gossip, mailbox, restarts)'

interface Sizes {
  /** Replays in all */
  total: number
  restarts: number
  /** Genuine traffic: A->B text messages, B->A, A's and B's group messages */
  aToB: number
  bToA: number
  groupA: number
  groupB: number
}

const FULL: Sizes = { total: 10_000, restarts: 4, aToB: 12, bToA: 4, groupA: 6, groupB: 2 }
const CI: Sizes = { total: 1_000, restarts: 2, aToB: 5, bToA: 2, groupA: 2, groupB: 1 }

type Path = 'gossip' | 'mailbox' | 'direct'

/** Deposits in flight at once from one attacker node, under the mailbox's streams per connection */
const DEPOSITS_AT_ONCE = 8

interface PathTally {
  tried: number
  accepted: number
  untyped: number
  /** Inputs that reached B's Messenger, and those its pipeline ran to a refusal (the rest it deduped by id) */
  intoMessenger: number
  decryptor: number
  /** Refusal names of the replays that reached decryption */
  names: string[]
  /** Path specifics: gossipsub's drops, the mailbox's outcomes */
  notes: Map<string, number>
}

function newTally (): PathTally {
  return { tried: 0, accepted: 0, untyped: 0, intoMessenger: 0, decryptor: 0, names: [], notes: new Map() }
}

function note (t: PathTally, key: string, n = 1): void {
  t.notes.set(key, (t.notes.get(key) ?? 0) + n)
}

export const replays: Scenario = async (options: SuiteOptions) => {
  const sizes = options.full ? FULL : CI
  const progress = options.progress ?? (() => {})
  const crashes = crashCounter()
  const hub = await startHub()
  const peers: Peer[] = []
  const attackers: Attacker[] = []
  let capture: Capture | undefined
  let b: Target | undefined
  try {
    capture = await Capture.start(hub)
    const a = await startPeer([hub], 'A')
    peers.push(a)
    b = await Target.start([hub], 'B')
    const target = b
    const cap = capture
    const aId = a.messenger.userId
    const bId = b.messenger.userId
    await a.messenger.addContact(bId)
    await b.messenger.addContact(aId)

    // genuine traffic: A's first messages (prekey envelopes), then both ways over several chains, receipts both ways
    let n = 0
    const texts = { aToB: [] as string[], bToA: [] as string[], group: [] as string[] }
    const sendAB = async (): Promise<void> => {
      const text = `A to B ${++n}`
      texts.aToB.push(text)
      await a.messenger.send(bId, text)
    }
    for (let i = 0; i < Math.min(3, sizes.aToB); i++) { await sendAB() }
    while (texts.aToB.length < sizes.aToB || texts.bToA.length < sizes.bToA) {
      if (!await until(async () => (await target.messenger.history(aId)).filter(m => m.direction === 'in').length === texts.aToB.length, 15_000)) {
        throw new Error('B did not get A\'s messages')
      }
      if (texts.bToA.length < sizes.bToA) {
        const text = `B to A ${++n}`
        texts.bToA.push(text)
        await target.messenger.send(aId, text)
        await until(async () => (await a.messenger.history(bId)).some(m => m.text === text), 15_000)
      }
      for (let j = 0; j < 3 && texts.aToB.length < sizes.aToB; j++) { await sendAB() }
    }
    const delivered = async (peer: { messenger: Peer['messenger'] }, other: string): Promise<boolean> =>
      (await peer.messenger.history(other)).every(m => m.direction === 'in' || m.state === 'delivered')
    if (!await until(async () => await delivered(a, bId) && await delivered(target, aId), 15_000)) { throw new Error('receipts did not come back') }

    // a group: A invites B and C; B and A write; A removes C and rotates its sender key (a key package for B); A writes on
    const c = await startPeer([hub], 'C')
    peers.push(c)
    const group = await a.messenger.createGroup('replays', [bId, c.messenger.userId])
    target.topics.add(group.topic)
    if (!await until(async () => (await target.messenger.groups()).some(g => g.member) && (await c.messenger.groups()).some(g => g.member) &&
      (await a.messenger.group(group.id)).members.length === 3, 15_000)) {
      throw new Error('B and C never joined the group')
    }
    for (let i = 0; i < sizes.groupB; i++) {
      const text = `B to the group ${++n}`
      texts.group.push(text)
      await target.messenger.sendToGroup(group.id, text)
    }
    // A writes once B's sender key reached it (B's messages are then readable to A)
    await until(async () => (await a.messenger.groupHistory(group.id)).length >= sizes.groupB, 15_000)
    const sendGroupA = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        const text = `A to the group ${++n}`
        texts.group.push(text)
        await a.messenger.sendToGroup(group.id, text)
      }
    }
    await sendGroupA(Math.ceil(sizes.groupA / 2))
    if (!await until(async () => (await target.messenger.groupHistory(group.id)).length === texts.group.length, 15_000)) {
      throw new Error('B did not get the group messages')
    }
    await a.messenger.removeFromGroup(group.id, c.messenger.userId)
    if (!await until(async () => (await target.messenger.group(group.id)).members.length === 2, 15_000)) { throw new Error('B never saw C removed') }
    await sendGroupA(Math.floor(sizes.groupA / 2))
    if (!await until(async () => (await target.messenger.groupHistory(group.id)).length === texts.group.length, 15_000)) {
      throw new Error('B did not get the group messages')
    }
    // B's mailbox still holds the genuine deposits: B takes them (deduped) so that the replays are what is new there
    await target.messenger.sync()
    await new Promise(resolve => setTimeout(resolve, 500))
    await target.drain()

    const captured = cap.on(target.topics)
    const ids = new Set(captured.map(e => e.id))
    const types = tally(captured.map(e => kindOf(e.bytes)))
    progress(`captured ${captured.length} envelopes on B's topics (${types})`)
    const history = await snapshot()
    async function snapshot (): Promise<string[]> {
      const direct = (await target.messenger.history(aId)).map(m => `${m.id} ${m.direction} ${m.state ?? ''} ${m.text}`)
      const grouped = (await target.messenger.groupHistory(group.id)).map(m => `${m.id} ${m.from ?? ''} ${m.text}`)
      return [...direct, ...grouped].sort()
    }
    if (history.length !== texts.aToB.length + texts.bToA.length + texts.group.length) {
      throw new Error(`B's history holds ${history.length} messages, ${texts.aToB.length + texts.bToA.length + texts.group.length} were sent`)
    }

    const inboxTag = mailboxTag(target.messenger.identity.device.signing.publicKey)
    const groupTag = mailboxTag((await groupInboxKey(Uint8Array.from(Buffer.from(group.id, 'hex')))).publicKey)
    const mailbox = hub.node.peerId
    const rssBefore = rssMiB()
    const heapBefore = heapAfterGcMiB()
    const tallies = new Map<string, PathTally>()
    const tallyOf = (name: string): PathTally => {
      const t = tallies.get(name) ?? newTally()
      tallies.set(name, t)
      return t
    }

    /**
     * One round of replays on one path, measured: what reached B's
     * Messenger, what its pipeline refused (and why), what was accepted
     */
    async function round (name: string, path: Path, copies = 1): Promise<void> {
      const t = tallyOf(name)
      const watch = target.watch
      for (const id of ids) { watch.drops.delete(id.slice(0, 12)) }
      const before = {
        seen: watch.seenOf(ids),
        decrypted: watch.decryptedOf(ids),
        delivered: watch.deliveredOf(ids),
        accepted: watch.acceptedEvents(),
        failures: watch.failures.length
      }
      const seenBefore = new Map(captured.map(e => [e.id, watch.envelopes.get(e.id)?.seen ?? 0]))
      let intoMessenger = 0
      if (path === 'gossip') {
        const attacker = await Attacker.start(hub, target.peer, [...target.topics])
        attackers.push(attacker)
        let published = 0
        for (const e of captured) {
          if (await attacker.publish(e.topic, e.bytes)) { published++ } else { note(t, 'refused by the attacker\'s own gossipsub') }
        }
        t.tried += published
        await settle(() => watch.deliveredOf(ids), 800)
        intoMessenger = watch.deliveredOf(ids) - before.delivered
        note(t, 'dropped by B\'s gossipsub (seen cache)', published - intoMessenger)
        await attacker.stop()
        attackers.splice(attackers.indexOf(attacker), 1)
      } else if (path === 'mailbox') {
        const attacker = await Attacker.start(hub)
        attackers.push(attacker)
        const since = Date.now()
        const deposits = captured.flatMap(e => e.topic === group.topic ? [[e, inboxTag], [e, groupTag]] as const : [[e, inboxTag]] as const)
        // a few at a time: a mailbox serves a bounded number of streams per connection (the Messenger deposits one by one)
        const outcomes: string[] = []
        for (let i = 0; i < deposits.length; i += DEPOSITS_AT_ONCE) {
          outcomes.push(...await Promise.all(deposits.slice(i, i + DEPOSITS_AT_ONCE).map(async ([e, tag]) => attacker.deposit(mailbox, tag, e.bytes, since))))
        }
        t.tried += deposits.length
        const outcomeNotes: Record<string, string> = { stored: 'stored by the mailbox', duplicate: 'kept once by the mailbox (still held)' }
        for (const o of outcomes) { note(t, outcomeNotes[o] ?? `refused by the mailbox: ${o}`) }
        await attacker.stop()
        attackers.splice(attackers.indexOf(attacker), 1)
        const synced = await target.messenger.sync()
        note(t, 'fetched by B\'s sync (own inbox)', synced.envelopes)
        intoMessenger = outcomes.filter(o => o === 'stored').length
      } else {
        for (let c = 0; c < copies; c++) {
          for (const e of captured) {
            if (await target.messenger.receive(e.topic, e.bytes)) { intoMessenger++ } else { note(t, 'receive queue full') }
            t.tried++
          }
        }
      }
      await target.drain()
      const reached = watch.seenOf(ids) - before.seen
      t.intoMessenger += intoMessenger
      t.decryptor += reached
      t.accepted += (watch.decryptedOf(ids) - before.decrypted) + (watch.acceptedEvents() - before.accepted)
      const names = watch.dropNamesOf(ids)
      t.names.push(...names)
      // reached the decryptor without an error: not for B to decrypt (B's own group message, a key package without B's entry)
      for (const e of captured) {
        if ((watch.envelopes.get(e.id)?.seen ?? 0) > (seenBefore.get(e.id) ?? 0) && watch.dropNamesOf([e.id]).length === 0) {
          note(t, `not for B, silently (${kindOf(e.bytes)})`)
        }
      }
      // untyped refusals and pipeline failures are logged lines the watch keeps
      t.untyped += watch.failures.length - before.failures
    }

    // while B runs: gossipsub's seen cache and the Messenger's seen set hold every id
    // direct copies make up the volume: the gossip and mailbox rounds replay each envelope once a round (group ones twice at the mailbox)
    const onGroup = captured.filter(e => e.topic === group.topic).length
    const others = (sizes.restarts + 1) * (2 * captured.length + onGroup) + 2 * captured.length
    const directCopies = Math.max(1, Math.ceil((sizes.total - others) / ((sizes.restarts + 1) * captured.length)))
    await round('gossip, B running', 'gossip')
    await round('mailbox, B running', 'mailbox')
    await round('direct receive, B running and restarted', 'direct', directCopies)
    // after each restart one path goes first (its replays meet only what is stored), the others after it
    const orders: Path[][] = [['gossip', 'mailbox', 'direct'], ['mailbox', 'direct', 'gossip'], ['direct', 'gossip', 'mailbox']]
    for (let r = 0; r < sizes.restarts; r++) {
      await target.restart()
      progress(`restart ${r + 1} of ${sizes.restarts}`)
      for (const path of orders[r % orders.length]) {
        const name = path === 'direct' ? 'direct receive, B running and restarted' : `${path}, after B restarted`
        await round(name, path, path === 'direct' ? directCopies : 1)
      }
    }
    // the Messenger's seen set is bounded: flushed with junk, it forgets; the replays then meet the sessions again
    const junk = new Rng(0x5eed)
    const flushTally = tallyOf('direct, after flushing the seen set')
    const flushed = constants.MAX_SEEN_ENVELOPES + 100
    for (let i = 0; i < flushed; i++) {
      await target.messenger.receive(target.inbox, Uint8Array.from([0x02, ...junk.bytes(36), 0, 0, ...junk.bytes(48)]))
    }
    const seenSize = (target.messenger as unknown as { seen: Set<string> }).seen.size
    note(flushTally, `junk envelopes given first (seen set then held ${seenSize}, bound ${constants.MAX_SEEN_ENVELOPES})`, flushed)
    await round('direct, after flushing the seen set', 'direct', 2)
    // the junk left its refusals in the watch: not needed
    target.watch.drops.clear()
    target.watch.envelopes.delete(BARRIER_ID)
    const rssAfter = rssMiB()
    const heapAfter = heapAfterGcMiB()

    // B's history: exactly the genuine messages, in their states
    const after = await snapshot()
    const extra = after.filter(m => !history.includes(m))
    const missing = history.filter(m => !after.includes(m))

    // the counting control: fresh envelopes, sent while B was down, through the same rounds are counted as accepted
    const control = newTally()
    await target.peer.stop()
    const from = cap.envelopes.length
    const fresh: string[] = []
    for (let i = 0; i < 3; i++) {
      const text = `A to B while B is down ${++n}`
      fresh.push(text)
      await a.messenger.send(bId, text)
    }
    const freshEnvelopes = await cap.waitFor(new Set([target.inbox]), from, 3)
    await target.restart()
    const controlOf = async (path: Path, envelope: Captured): Promise<void> => {
      const saved = captured.splice(0, captured.length, envelope)
      ids.add(envelope.id)
      const name = `control ${path}`
      try {
        await round(name, path)
      } finally {
        captured.splice(0, captured.length, ...saved)
      }
      const t = tallyOf(name)
      control.tried++
      control.accepted += t.accepted > 0 ? 1 : 0
      tallies.delete(name)
    }
    await controlOf('gossip', freshEnvelopes[0])
    await controlOf('direct', freshEnvelopes[1])
    // the mailbox path: B's sync fetches A's own deposits; the two above are deduped, the third is new
    await controlOf('mailbox', freshEnvelopes[2])

    // and the sessions and the group still work both ways
    const live = await liveCheck(a, target, group.id, bId, aId)
    const crashCount = crashes.count()

    const rows: Row[] = []
    for (const [name, t] of tallies) {
      const notes = [...t.notes].filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ')
      rows.push({
        area: 'replay',
        name,
        tried: t.tried,
        accepted: t.accepted,
        rejected: t.tried - t.accepted - t.untyped,
        untyped: t.untyped,
        crashes: 0,
        lost: 0,
        detail: `${notes === '' ? '' : `${notes}; `}into B's Messenger ${t.intoMessenger}: deduped by id ${Math.max(0, t.intoMessenger - t.decryptor)}, ` +
          `refused by the sessions/group keys ${t.decryptor}${t.names.length > 0 ? ` (${tally(t.names)})` : ''}`,
        target: TARGET,
        met: t.accepted === 0 && t.untyped === 0
      })
    }
    const replayed = rows.reduce((sum, row) => sum + row.tried, 0)
    rows.push({
      area: 'replay',
      name: 'B\'s stored history after all replays',
      tried: history.length,
      accepted: extra.length,
      rejected: 0,
      untyped: 0,
      crashes: crashCount,
      lost: missing.length,
      detail: `${replayed} replays of ${captured.length} captured envelopes (${types}) over ${sizes.restarts} restarts; ` +
        `history ${after.length} = ${history.length} genuine, states unchanged${extra.length > 0 ? `; EXTRA/CHANGED: ${extra.length}` : ''}; RSS ${rssBefore.toFixed(0)} -> ${rssAfter.toFixed(0)} MiB, heap after GC ${heapBefore.toFixed(0)} -> ${heapAfter.toFixed(0)} MiB`,
      target: 'exactly the genuine messages, in their states; 0 crashes',
      met: extra.length === 0 && missing.length === 0 && crashCount === 0 && replayed >= sizes.total
    })
    rows.push({
      area: 'replay',
      name: 'control: fresh envelopes, same counting',
      tried: control.tried,
      accepted: control.accepted,
      rejected: 0,
      untyped: 0,
      crashes: 0,
      lost: control.tried - control.accepted,
      detail: 'sent while B was down, then one each through the gossip, direct and mailbox rounds above: each must count as accepted',
      target: 'every fresh envelope counted as accepted',
      met: control.accepted === control.tried
    })
    rows.push({
      area: 'replay',
      name: 'new messages after the replays',
      tried: live.tried,
      accepted: live.delivered,
      rejected: 0,
      untyped: 0,
      crashes: 0,
      lost: live.tried - live.delivered,
      detail: live.detail,
      target: 'A->B, B->A and A->group still decrypt',
      met: live.delivered === live.tried
    })
    return rows
  } finally {
    await stopStage({ crashes, attackers, b, peers, capture, hub })
  }
}

/** A -> B, B -> A and A -> the group, each must arrive */
export async function liveCheck (a: Peer, b: Target, group: string, bId: string, aId: string): Promise<{ tried: number, delivered: number, detail: string }> {
  const stamp = Date.now()
  const wait = async (emitter: EventTarget, type: string, text: string): Promise<boolean> => new Promise(resolve => {
    const timer = setTimeout(() => { resolve(false) }, 15_000)
    emitter.addEventListener(type, (evt: any) => {
      if (evt.detail.text === text) {
        clearTimeout(timer)
        resolve(true)
      }
    })
  })
  const toB = `A to B after ${stamp}`
  const toA = `B to A after ${stamp}`
  const toGroup = `A to the group after ${stamp}`
  const gotB = wait(b.messenger, 'message', toB)
  await a.messenger.send(bId, toB)
  const gotA = wait(a.messenger, 'message', toA)
  await b.messenger.send(aId, toA)
  const gotGroup = wait(b.messenger, 'group-message', toGroup)
  await a.messenger.sendToGroup(group, toGroup)
  const results = [await gotB, await gotA, await gotGroup]
  const names = ['A->B', 'B->A', 'A->group']
  return {
    tried: 3,
    delivered: results.filter(Boolean).length,
    detail: names.map((name, i) => `${name} ${results[i] ? 'delivered' : 'LOST'}`).join(', ')
  }
}
