import type { Scenario } from './report.ts'

export const gossipFlood: Scenario = async () => []
