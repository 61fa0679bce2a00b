/**
 * Floods: an inbox topic at 10 times the allowed rate (flood-gossip.ts),
 * connections and streams as fast as a peer can open them
 * (flood-connections.ts), a mailbox at 10 times its quota (flood-mailbox.ts)
 */

import { connectionFlood } from './flood-connections.ts'
import { gossipFlood } from './flood-gossip.ts'
import { mailboxFlood } from './flood-mailbox.ts'
import type { Row, Scenario } from './report.ts'

export const floods: Scenario = async options => {
  const rows: Row[] = []
  for (const part of [gossipFlood, connectionFlood, mailboxFlood]) {
    rows.push(...await part(options))
  }
  return rows
}
