import type { Scenario } from './report.ts'

export const sybils: Scenario = async () => []
