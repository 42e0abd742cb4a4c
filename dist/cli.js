#!/usr/bin/env node
// The local CLI of cost-aware-review: the action's bundle, from a terminal.
import { cli } from './index.js'

process.exitCode = await cli(process.argv.slice(2))
