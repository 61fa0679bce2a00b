/**
 * A device's database in Node: classic-level under `<home>/db`. The
 * `MessengerStore` of `@hypha/core` sets its own encodings per sublevel.
 */

import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { NoIdentityError } from '@hypha/core'
import { Level } from 'level'
import { DatabaseLockedError } from './errors.ts'
import type { MessengerInit } from '@hypha/core'

/** The database's folder inside a Hypha home */
export const DB_DIRNAME = 'db'

/** What core's stores take (any abstract-level database) */
export type Database = MessengerInit['db']

export interface OpenDatabaseOptions {
  /**
   * Create the home and the database when missing; else a missing database
   * is a NoIdentityError
   *
   * @default true
   */
  create?: boolean
}

/**
 * Opens (creating if need be) the database of a home. The home is made
 * readable by its owner only: it holds the device's secret keys.
 *
 * @throws {DatabaseLockedError} when another process has it open
 */
export async function openDatabase (home: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const path = join(home, DB_DIRNAME)
  const create = options.create ?? true
  if (create) {
    await mkdir(home, { recursive: true, mode: 0o700 })
  } else if (!existsSync(path)) {
    throw new NoIdentityError(`no identity in ${home}: create one first (hypha init)`)
  }
  const db = new Level<string, Uint8Array>(path, { keyEncoding: 'utf8', valueEncoding: 'view', createIfMissing: create })
  try {
    await db.open()
  } catch (err: any) {
    if (err.code === 'LEVEL_LOCKED' || err.cause?.code === 'LEVEL_LOCKED') {
      throw new DatabaseLockedError(`${path} is in use by another hypha process`)
    }
    throw err
  }
  return db as unknown as Database
}
