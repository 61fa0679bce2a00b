import type { Scenario } from './report.ts'

export const crashes: Scenario = async () => []
