#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8'
import { bootstrapCli } from './cli.ts'
import { BOOTSTRAP_HEAP_GROWING_PERCENT } from './limits.ts'

// a volunteer node keeps its memory small under a flood rather than its GC rare (limits.ts)
setFlagsFromString(`--heap-growing-percent=${BOOTSTRAP_HEAP_GROWING_PERCENT}`)

await bootstrapCli(process.argv.slice(2), process.env)
