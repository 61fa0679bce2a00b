#!/usr/bin/env node
import { runCli } from './cli.ts'

const code = await runCli(process.argv.slice(2), process.env)

// the node, the database and the signal handlers are closed by now, but native
// WebRTC threads can hold the event loop for a while: flush the output and leave
await new Promise(resolve => process.stdout.write('', resolve))
await new Promise(resolve => process.stderr.write('', resolve))
process.exit(code)
