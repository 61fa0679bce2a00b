#!/usr/bin/env node
import { bootstrapCli } from './cli.ts'

await bootstrapCli(process.argv.slice(2), process.env)
