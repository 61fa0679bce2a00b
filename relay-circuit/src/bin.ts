#!/usr/bin/env node
import { relayCli } from './cli.ts'

await relayCli(process.argv.slice(2), process.env)
