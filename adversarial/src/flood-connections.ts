import type { Scenario } from './report.ts'

export const connectionFlood: Scenario = async () => []
