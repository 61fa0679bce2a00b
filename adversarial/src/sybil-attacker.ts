/* eslint-disable no-console */
/**
 * The attacker of the sybil scenario in a process of its own: every hostile
 * node (sybil-hostile.ts), sharing one registry of forged copies. Driven by
 * `startAttacker` with JSON lines on stdin. `{ cmd: 'start', plan }` starts
 * the nodes, joins them to the hubs and prints `{ event: 'started', nodes }`
 * (peer id, addresses and behaviour of each); `{ cmd: 'report' }` prints
 * `{ event: 'report', forged, seen, cpuSeconds }`; `{ cmd: 'stop' }` (or
 * stdin closing, or SIGTERM) stops the nodes, prints `{ event: 'stopped' }`
 * and exits.
 */

import { createInterface } from 'node:readline'
import { dialBootstrap } from '@hypha/node'
import { hostileRegistry, startHostile } from './sybil-hostile.ts'
import type { AttackPlan, Hostile } from './sybil-hostile.ts'

const registry = hostileRegistry()
const hostiles: Hostile[] = []
let stopping: Promise<void> | undefined

async function start (plan: AttackPlan): Promise<void> {
  const { behaviours } = plan
  // a few at a time: node creation is CPU-bound, and the hubs take 8 new connections at once easily
  for (let i = 0; i < behaviours.length; i += 8) {
    await Promise.all(behaviours.slice(i, i + 8).map(async (behaviour, k) => {
      const hostile = await startHostile({ behaviour, topics: plan.topics, registry, delay: plan.delay, corruptShare: plan.corruptShare })
      hostiles[i + k] = hostile
      // in the hubs' meshes too, as an attacker would be
      await dialBootstrap(hostile.node, plan.hubs, { attempts: 3 })
    }))
  }
  console.log(JSON.stringify({
    event: 'started',
    nodes: hostiles.map(h => ({ peerId: h.peerId.toString(), addrs: h.node.getMultiaddrs().map(ma => ma.toString()), behaviour: h.behaviour }))
  }))
}

async function stop (): Promise<void> {
  stopping ??= Promise.allSettled(hostiles.filter(Boolean).map(async h => h.stop())).then(() => {
    console.log(JSON.stringify({ event: 'stopped' }))
  })
  return stopping
}

function handle (line: string): void {
  let command: { cmd: string, plan?: AttackPlan }
  try {
    command = JSON.parse(line)
  } catch {
    console.error(`not a command: ${line.slice(0, 80)}`)
    return
  }
  if (command.cmd === 'start' && command.plan != null) {
    start(command.plan).catch(err => {
      console.error(`start failed: ${err.message}`)
      process.exit(1)
    })
  } else if (command.cmd === 'report') {
    const cpu = process.cpuUsage()
    console.log(JSON.stringify({ event: 'report', forged: [...registry.forged], seen: registry.seen, cpuSeconds: (cpu.user + cpu.system) / 1e6 }))
  } else if (command.cmd === 'stop') {
    void stop().then(() => process.exit(0))
  }
}

// the scenario gone (its stdin closed) is a stop too: no node outlives it
createInterface({ input: process.stdin }).on('line', handle).on('close', () => { void stop().then(() => process.exit(0)) })
process.once('SIGTERM', () => { void stop().then(() => process.exit(0)) })
