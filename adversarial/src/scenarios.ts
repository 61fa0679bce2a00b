/**
 * The suite's parts by area, in the order they run
 */

import { crashes } from './crashes.ts'
import { floods } from './floods.ts'
import { fuzz } from './fuzz.ts'
import { replays, tampering } from './replay.ts'
import { sybils } from './sybils.ts'
import type { Area, Scenario } from './report.ts'

export const SCENARIOS: Record<Area, Scenario> = {
  fuzz,
  replay: replays,
  tamper: tampering,
  flood: floods,
  crash: crashes,
  sybil: sybils
}
