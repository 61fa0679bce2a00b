/* eslint-disable no-console */
/**
 * The hub of the inbox flood (flood-gossip.ts) in a process of its own, so
 * that its RSS is its own: the shipped bootstrap node (`startHub`, as
 * `hypha-bootstrap` builds it) on 127.0.0.1. Prints JSON lines: `ready`
 * (its address), then every STATUS_INTERVAL ms a `status` line with the
 * gossipsub score of every connected peer and what the shipped inbox
 * validator decided per propagation peer (this process counts the verdicts,
 * the validator decides). SIGTERM stops it.
 */

import { inboxTopics } from '@hypha/core'
import { startHub } from './mesh.ts'

const STATUS_INTERVAL = 100

interface Pubsub {
  getScore(peer: string): number
  topicValidators: Map<string, (peer: { toString(): string }, message: unknown) => unknown>
}

const hub = await startHub()
const pubsub = hub.node.services.pubsub as unknown as Pubsub
const verdicts: Record<string, { accepted: number, rejected: number }> = {}
for (const topic of inboxTopics()) {
  const shipped = pubsub.topicValidators.get(topic)
  if (shipped == null) { throw new Error(`no validator on ${topic}`) }
  pubsub.topicValidators.set(topic, async (from, message) => {
    const verdict = await shipped(from, message)
    const counts = verdicts[from.toString()] ??= { accepted: 0, rejected: 0 }
    if (String(verdict) === 'accept') { counts.accepted++ } else { counts.rejected++ }
    return verdict
  })
}

console.log(JSON.stringify({ event: 'ready', addr: hub.addr, peerId: hub.node.peerId.toString() }))
const timer = setInterval(() => {
  const scores: Record<string, number> = {}
  for (const peer of hub.node.getPeers()) { scores[peer.toString()] = pubsub.getScore(peer.toString()) }
  console.log(JSON.stringify({ event: 'status', at: Date.now(), scores, verdicts }))
}, STATUS_INTERVAL)

process.once('SIGTERM', () => {
  clearInterval(timer)
  hub.stop().then(() => process.exit(0), () => process.exit(1))
})
