/**
 * The app's configuration: `config.json`, served beside the bundle, and the
 * bootstrap list the user saved in the settings (which wins over the file).
 *
 * ```json
 * { "bootstrap": ["/dns4/boot.example/tcp/443/wss/p2p/12D3KooW..."], "allowLoopback": false, "iceServers": [] }
 * ```
 */

import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { InvalidBootstrapAddressError, InvalidConfigError } from './errors.ts'

/** Most bootstrap addresses used; more are refused (a long list only slows the start) */
export const MAX_BOOTSTRAP_ADDRESSES = 32

/** Longest bootstrap address accepted, in characters */
export const MAX_BOOTSTRAP_ADDRESS_LENGTH = 1024

/** Most ICE servers taken from the config */
export const MAX_ICE_SERVERS = 8

/** Largest `config.json` read, in bytes */
export const MAX_CONFIG_BYTES = 64 * 1024

/** Where the last config.json that read well is kept (localStorage), for starts without a network */
export const CONFIG_CACHE_KEY = 'hypha.config'

/** Where the saved bootstrap list lives in localStorage */
export const BOOTSTRAP_STORAGE_KEY = 'hypha.bootstrap'

export interface AppConfig {
  /** Bootstrap multiaddrs (ws/wss, each ending in `/p2p/<peer id>`) */
  bootstrap: string[]
  /** Allow 127.0.0.1 peers: dial loopback, keep loopback DHT addresses, loopback ICE. Local meshes and tests only. */
  allowLoopback: boolean
  /** ICE servers for WebRTC */
  iceServers: RTCIceServer[]
}

export const EMPTY_CONFIG: AppConfig = Object.freeze({ bootstrap: [], allowLoopback: false, iceServers: [] }) as AppConfig

/**
 * Checks one bootstrap address and returns it in canonical form. A browser
 * can dial a bootstrap node over WebSocket only (`/ws` or `/wss`), and the
 * address must name the node (`/p2p/<peer id>`): it is also a rendezvous point.
 *
 * @throws {InvalidBootstrapAddressError}
 */
export function checkBootstrapAddress (address: string): string {
  if (typeof address !== 'string') {
    throw new InvalidBootstrapAddressError(`a bootstrap address must be a string, got ${typeof address}`)
  }
  const text = address.trim()
  if (text.length > MAX_BOOTSTRAP_ADDRESS_LENGTH) {
    throw new InvalidBootstrapAddressError(`a bootstrap address must be at most ${MAX_BOOTSTRAP_ADDRESS_LENGTH} characters, got ${text.length}`)
  }
  if (!text.startsWith('/')) {
    throw new InvalidBootstrapAddressError(`"${text}" is not a multiaddr: a multiaddr starts with "/"`)
  }
  let components
  try {
    components = multiaddr(text).getComponents()
  } catch (err: any) {
    throw new InvalidBootstrapAddressError(`"${text}" is not a multiaddr: ${err.message}`)
  }
  const names = components.map(c => c.name)
  if (names.includes('p2p-circuit')) {
    throw new InvalidBootstrapAddressError(`"${text}" is a relayed address: a bootstrap node is dialed directly`)
  }
  if (!names.includes('ws') && !names.includes('wss')) {
    throw new InvalidBootstrapAddressError(`"${text}" is not a WebSocket address: a browser reaches bootstrap nodes over /ws or /wss`)
  }
  const last = components[components.length - 1]
  if (last?.name !== 'p2p' || last.value == null) {
    throw new InvalidBootstrapAddressError(`"${text}" does not end with /p2p/<peer id>`)
  }
  try {
    peerIdFromString(last.value)
  } catch {
    throw new InvalidBootstrapAddressError(`"${text}" names an invalid peer id`)
  }
  return multiaddr(text).toString()
}

export interface BootstrapListProblem {
  /** 1-based line number */
  line: number
  message: string
}

/**
 * Reads a bootstrap list typed in the settings (one multiaddr a line; blank
 * lines and lines starting with `#` are skipped; duplicates dropped).
 * Returns the valid addresses and one problem per bad line.
 */
export function parseBootstrapText (text: string): { addresses: string[], problems: BootstrapListProblem[] } {
  const addresses: string[] = []
  const problems: BootstrapListProblem[] = []
  const lines = String(text).split(/\r?\n/)
  lines.forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) { return }
    try {
      const address = checkBootstrapAddress(line)
      if (addresses.includes(address)) { return }
      if (addresses.length >= MAX_BOOTSTRAP_ADDRESSES) {
        problems.push({ line: i + 1, message: `at most ${MAX_BOOTSTRAP_ADDRESSES} bootstrap addresses` })
        return
      }
      addresses.push(address)
    } catch (err: any) {
      problems.push({ line: i + 1, message: err.message })
    }
  })
  return { addresses, problems }
}

/**
 * Checks the content of `config.json`.
 *
 * @throws {InvalidConfigError} for a value that is not an object, a field of the wrong type, a bad address
 */
export function parseConfig (value: unknown): AppConfig {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidConfigError('config.json must hold a JSON object')
  }
  const input = value as Record<string, unknown>
  const bootstrap = input.bootstrap ?? []
  if (!Array.isArray(bootstrap)) {
    throw new InvalidConfigError('config.json: "bootstrap" must be an array of multiaddr strings')
  }
  if (bootstrap.length > MAX_BOOTSTRAP_ADDRESSES) {
    throw new InvalidConfigError(`config.json: "bootstrap" must hold at most ${MAX_BOOTSTRAP_ADDRESSES} addresses, got ${bootstrap.length}`)
  }
  const addresses: string[] = []
  for (const entry of bootstrap) {
    try {
      const address = checkBootstrapAddress(entry)
      if (!addresses.includes(address)) { addresses.push(address) }
    } catch (err: any) {
      throw new InvalidConfigError(`config.json: ${err.message}`)
    }
  }
  const allowLoopback = input.allowLoopback ?? false
  if (typeof allowLoopback !== 'boolean') {
    throw new InvalidConfigError('config.json: "allowLoopback" must be true or false')
  }
  return { bootstrap: addresses, allowLoopback, iceServers: parseIceServers(input.iceServers ?? []) }
}

function parseIceServers (value: unknown): RTCIceServer[] {
  if (!Array.isArray(value)) {
    throw new InvalidConfigError('config.json: "iceServers" must be an array of RTCIceServer objects')
  }
  if (value.length > MAX_ICE_SERVERS) {
    throw new InvalidConfigError(`config.json: "iceServers" must hold at most ${MAX_ICE_SERVERS} servers, got ${value.length}`)
  }
  return value.map((server, i): RTCIceServer => {
    if (server == null || typeof server !== 'object' || Array.isArray(server)) {
      throw new InvalidConfigError(`config.json: iceServers[${i}] must be an object`)
    }
    const { urls, username, credential } = server as Record<string, unknown>
    const list = typeof urls === 'string' ? [urls] : urls
    if (!Array.isArray(list) || list.length === 0 || !list.every(url => typeof url === 'string' && /^(stun|stuns|turn|turns):/.test(url))) {
      throw new InvalidConfigError(`config.json: iceServers[${i}].urls must be stun:, stuns:, turn: or turns: URLs`)
    }
    if ((username != null && typeof username !== 'string') || (credential != null && typeof credential !== 'string')) {
      throw new InvalidConfigError(`config.json: iceServers[${i}].username and .credential must be strings`)
    }
    return {
      urls: list as string[],
      ...(username == null ? {} : { username: username as string }),
      ...(credential == null ? {} : { credential: credential as string })
    }
  })
}

/**
 * The bootstrap list the user saved (a JSON array in localStorage), or
 * undefined when there is none or it no longer reads: the file's list applies.
 */
export function parseSavedBootstrap (saved: string | null | undefined): string[] | undefined {
  if (saved == null) { return undefined }
  let value: unknown
  try {
    value = JSON.parse(saved)
  } catch {
    return undefined
  }
  if (!Array.isArray(value) || !value.every(v => typeof v === 'string')) { return undefined }
  const { addresses, problems } = parseBootstrapText(value.join('\n'))
  return problems.length > 0 ? undefined : addresses
}

/** The configuration in effect: the saved bootstrap list, when there is one, replaces the file's */
export function effectiveConfig (file: AppConfig, savedBootstrap: string[] | undefined): AppConfig {
  return { ...file, bootstrap: savedBootstrap ?? file.bootstrap }
}

/** The peer ids named by bootstrap addresses: the rendezvous points, and the connections shown as "bootstrap" */
export function bootstrapPeerIds (bootstrap: string[]): string[] {
  const ids: string[] = []
  for (const address of bootstrap) {
    const id = /\/p2p\/([^/]+)$/.exec(address)?.[1]
    if (id != null && !ids.includes(id)) { ids.push(id) }
  }
  return ids
}
