/* eslint-disable no-console */
/**
 * A raw publisher for the inbox flood (flood-gossip.ts) in a process of its
 * own, so that the attacker does not share the honest peers' CPU: the
 * shipped Node peer's libp2p node (`createPeerNode`, same gossipsub options
 * as every Hypha node, no Messenger) on the hub, subscribed to one inbox
 * topic.
 *
 * Usage: `flood-gossip-publisher <hub multiaddr> <topic> <envelopes a second> <ms> <tag hex>`.
 * Prints `joined` (its peer id) once it is in the topic's mesh; on SIGUSR2
 * publishes well-formed envelopes tagged with `tag` (`floodEnvelope`) at the
 * rate for `ms`, then prints `done` (published, failed, seconds). SIGTERM
 * stops it.
 */

import { publishAt, rawPeer } from './flood-gossip.ts'
import { until } from './mesh.ts'

const [hubAddr, topic, rateArg, msArg, tagHex] = process.argv.slice(2)
const rate = Number(rateArg)
const ms = Number(msArg)
if (hubAddr == null || topic == null || !(rate > 0) || !(ms > 0) || tagHex == null) {
  console.error('usage: flood-gossip-publisher <hub multiaddr> <topic> <envelopes a second> <ms> <tag hex>')
  process.exit(2)
}
const tag = new Uint8Array(Buffer.from(tagHex, 'hex'))

const node = await rawPeer(hubAddr)
const pubsub = node.services.pubsub as unknown as { subscribe(topic: string): void, getMeshPeers(topic: string): unknown[], publish(topic: string, data: Uint8Array): Promise<unknown> }
pubsub.subscribe(topic)
if (!await until(() => pubsub.getMeshPeers(topic).length > 0, 10_000)) {
  console.error(`not in the mesh of ${topic}`)
  await node.stop()
  process.exit(1)
}
// (SIGUSR1 would start Node's inspector)
process.once('SIGUSR2', () => {
  publishAt(pubsub, topic, rate, ms, tag).then(result => {
    console.log(JSON.stringify({ event: 'done', ...result }))
  }, err => {
    console.error(`publishing failed: ${err.message}`)
    process.exit(1)
  })
})
console.log(JSON.stringify({ event: 'joined', peerId: node.peerId.toString() }))
process.once('SIGTERM', () => {
  Promise.resolve(node.stop()).then(() => process.exit(0), () => process.exit(1))
})
