/**
 * The data key that seals this device's secrets in its database (core's
 * `atRestCipher`), kept wrapped by a non-extractable WebCrypto key.
 *
 * On first run: a non-extractable AES-GCM-256 CryptoKey and a random 32-byte
 * data key; the CryptoKey object itself (browsers store it by structured
 * clone without ever exposing its bytes to script) and the AES-GCM-encrypted
 * data key go to their own IndexedDB database, `hypha-keys`. On every start
 * the data key is unwrapped with the CryptoKey. A copy of the `hypha`
 * database alone, or of its files, then opens nothing.
 */

import { KeyStoreError } from '../errors.ts'

/** The IndexedDB database holding the wrapping key and the wrapped data key */
export const KEY_DB_NAME = 'hypha-keys'

const KEY_STORE = 'keys'
const DATA_KEY_RECORD = 'data-key'
const DATA_KEY_LENGTH = 32
const IV_LENGTH = 12
/** Bound into the AES-GCM tag: these bytes are Hypha's at-rest data key, format 1 */
const WRAP_CONTEXT = new TextEncoder().encode('hypha-data-key/1')

interface WrappedDataKey {
  /** AES-GCM-256, extractable: false */
  wrappingKey: CryptoKey
  iv: Uint8Array
  /** AES-GCM(wrappingKey, iv, dataKey, ad = WRAP_CONTEXT) */
  sealed: Uint8Array
  createdAt: number
}

/**
 * This install's data key: unwrapped from `hypha-keys`, or made and stored
 * there on first run. The caller wipes it once the cipher holds its copy.
 *
 * @throws {KeyStoreError} when IndexedDB or WebCrypto fails, or the stored key does not unwrap
 */
export async function loadOrCreateDataKey (): Promise<Uint8Array> {
  const db = await openKeyDb()
  try {
    const stored = await request<WrappedDataKey | undefined>(db.transaction(KEY_STORE, 'readonly').objectStore(KEY_STORE).get(DATA_KEY_RECORD))
    if (stored != null) {
      return await unwrap(stored)
    }
    const created = await wrapNew()
    const tx = db.transaction(KEY_STORE, 'readwrite')
    // add, not put: a second tab that raced this one keeps the first key
    tx.objectStore(KEY_STORE).add(created.record, DATA_KEY_RECORD)
    try {
      await done(tx)
      return created.dataKey
    } catch {
      created.dataKey.fill(0)
      const winner = await request<WrappedDataKey | undefined>(db.transaction(KEY_STORE, 'readonly').objectStore(KEY_STORE).get(DATA_KEY_RECORD))
      if (winner == null) { throw new KeyStoreError('the data key could not be stored') }
      return await unwrap(winner)
    }
  } finally {
    db.close()
  }
}

/** Deletes the key database (with the data key gone, whatever it sealed is unreadable) */
export async function deleteKeyDb (): Promise<void> {
  await request(indexedDB.deleteDatabase(KEY_DB_NAME))
}

async function wrapNew (): Promise<{ record: WrappedDataKey, dataKey: Uint8Array }> {
  try {
    const wrappingKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
    const dataKey = crypto.getRandomValues(new Uint8Array(DATA_KEY_LENGTH))
    const iv = crypto.getRandomValues(new Uint8Array(IV_LENGTH))
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: WRAP_CONTEXT }, wrappingKey, dataKey))
    return { record: { wrappingKey, iv, sealed, createdAt: Date.now() }, dataKey }
  } catch (err: any) {
    throw new KeyStoreError(`WebCrypto could not make the data key: ${err.name}`)
  }
}

async function unwrap (stored: WrappedDataKey): Promise<Uint8Array> {
  if (!(stored.wrappingKey instanceof CryptoKey) || !(stored.iv instanceof Uint8Array) || !(stored.sealed instanceof Uint8Array)) {
    throw new KeyStoreError('the stored data key is damaged')
  }
  let plain: ArrayBuffer
  try {
    plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: toBuffer(stored.iv), additionalData: WRAP_CONTEXT }, stored.wrappingKey, toBuffer(stored.sealed))
  } catch (err: any) {
    throw new KeyStoreError(`the stored data key does not unwrap: ${err.name}`)
  }
  const dataKey = new Uint8Array(plain)
  if (dataKey.length !== DATA_KEY_LENGTH) {
    dataKey.fill(0)
    throw new KeyStoreError('the stored data key has the wrong length')
  }
  return dataKey
}

function toBuffer (bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(bytes)
}

async function openKeyDb (): Promise<IDBDatabase> {
  if (globalThis.indexedDB == null) {
    throw new KeyStoreError('this browser has no IndexedDB (a private window may disable it)')
  }
  const open = indexedDB.open(KEY_DB_NAME, 1)
  open.onupgradeneeded = () => {
    if (!open.result.objectStoreNames.contains(KEY_STORE)) {
      open.result.createObjectStore(KEY_STORE)
    }
  }
  try {
    return await request(open)
  } catch (err: any) {
    throw new KeyStoreError(`the key database does not open: ${err?.name ?? 'unknown error'}`)
  }
}

async function request<T> (req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => { resolve(req.result) }
    req.onerror = () => { reject(req.error ?? new KeyStoreError('IndexedDB request failed')) }
  })
}

async function done (tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => { resolve() }
    tx.onerror = () => { reject(tx.error ?? new KeyStoreError('IndexedDB transaction failed')) }
    tx.onabort = () => { reject(tx.error ?? new KeyStoreError('IndexedDB transaction aborted')) }
  })
}
