#!/usr/bin/env node
import { tuneRuntime } from './runtime.ts'

// a volunteer node keeps its GC pauses short and its memory small under a flood (runtime.ts);
// before the node is loaded: this may restart the process
tuneRuntime()

const { bootstrapCli } = await import('./cli.ts')
await bootstrapCli(process.argv.slice(2), process.env)
