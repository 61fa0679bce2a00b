import type { Scenario } from './report.ts'

export const replays: Scenario = async () => []
export const tampering: Scenario = async () => []
