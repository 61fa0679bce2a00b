import { join } from 'node:path'
import { LevelDatastore } from 'datastore-level'

/** Folder of the level datastore inside a node's data directory */
export const DATASTORE_DIR = 'datastore'

/**
 * Open the node's datastore (LevelDB under `<dir>/datastore`): DHT records
 * and the peer store survive restarts. Close it after the node stops.
 *
 * @throws {Error} when the database cannot be opened (e.g. another process holds it)
 */
export async function openDatastore (dir: string): Promise<LevelDatastore> {
  const datastore = new LevelDatastore(join(dir, DATASTORE_DIR))
  await datastore.open()
  return datastore
}
