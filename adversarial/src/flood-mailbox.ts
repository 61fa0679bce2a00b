import type { Scenario } from './report.ts'

export const mailboxFlood: Scenario = async () => []
