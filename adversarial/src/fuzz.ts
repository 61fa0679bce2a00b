import type { Scenario } from './report.ts'

export const fuzz: Scenario = async () => []
