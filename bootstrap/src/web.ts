/**
 * The web app, served by a bootstrap node (`--serve <dir> --http <host:port>`):
 * a small static file server over node:http, and `/config.json` generated
 * from the node itself so the app dials the node that served it.
 *
 * Deliberately small and strict: GET and HEAD only (405 otherwise), no
 * directory listing, no dotfiles, paths that decode to `..`, a backslash or
 * a NUL are refused (400) before the file system is touched, and a file is
 * served only when its real path (symlinks resolved) lies inside the served
 * directory. Every response, errors included, carries the app's
 * Content-Security-Policy and the other security headers.
 */

import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { createServer, STATUS_CODES } from 'node:http'
import { extname, join, sep } from 'node:path'
import { UsageError } from '@hypha/relay-circuit'
import type { Libp2p } from '@libp2p/interface'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Where the app is served when `--serve` is given without `--http` */
export const DEFAULT_HTTP_HOST = '127.0.0.1'
export const DEFAULT_HTTP_PORT = 4080

/** The app's own policy (browser/index.html): the page may only talk to its origin and to WebSocket nodes */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws: wss:",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

/** Headers on every response */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin'
}

/** Content types by file extension; anything else is application/octet-stream */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm'
}

/** Longest request target accepted (414 above): app paths are short */
export const MAX_URL_LENGTH = 2048

/** Most connections the web server holds at once; more are refused by the socket layer */
export const MAX_HTTP_CONNECTIONS = 256

/** A request (headers and all) must arrive within this many ms */
export const HTTP_REQUEST_TIMEOUT = 30_000

/** The generated file beside the bundle that names the bootstrap nodes (browser/src reads `./config.json`) */
export const CONFIG_PATH = '/config.json'

/** Files a browser must revalidate on every load: the entry page, the service worker, the node list */
const REVALIDATE = new Set(['index.html', 'sw.js', 'config.json'])

/** What `/config.json` holds: the shape the app loads */
export interface AppConfig {
  /** WebSocket multiaddrs (with `/p2p/<peer id>`) of bootstrap nodes */
  bootstrap: string[]
  /** Let the app dial loopback and private addresses (a mesh on one machine) */
  allowLoopback?: boolean
  /** ICE servers for WebRTC; none on a local mesh */
  iceServers: RTCIceServerLike[]
}

export interface RTCIceServerLike {
  urls: string | string[]
  username?: string
  credential?: string
}

/** The `--http` value: where the web server listens */
export interface HttpAddress {
  host: string
  port: number
}

export interface WebServerInit {
  /** The folder to serve (the built app, `browser/dist/app`) */
  root: string
  /** Where to listen; port 0 picks a free port */
  listen: HttpAddress
  /** The body of `/config.json`, computed for each request (`requestHost`: its Host header) */
  config(requestHost?: string): AppConfig
}

export interface WebServer {
  /** The URL to open, e.g. `http://127.0.0.1:4080/` */
  url: string
  /** The address bound (the real port when 0 was asked for) */
  address: HttpAddress
  close(): Promise<void>
}

/**
 * `host:port` (`[v6]:port` for IPv6), the port from 0 to 65535.
 *
 * @throws {UsageError} naming `--${flag}`
 */
export function parseHttpAddress (flag: string, value: string): HttpAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):([0-9]{1,5})$/.exec(value)
  const port = match == null ? NaN : Number(match[3])
  if (match == null || port > 65535) {
    throw new UsageError(`--${flag} must be <host>:<port> such as 127.0.0.1:4080 or [::1]:4080, got "${value}"`)
  }
  return { host: match[1] ?? match[2], port }
}

/** `http://host:port/`; an unspecified host (0.0.0.0, ::) is shown as the loopback address, which a browser can open */
export function httpUrl (address: HttpAddress): string {
  let host = address.host
  if (host === '0.0.0.0') { host = '127.0.0.1' }
  if (host === '::') { host = '::1' }
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/`
}

/**
 * `/config.json` for a node: its WebSocket addresses, each with `/p2p/<id>`.
 * Addresses on the host the browser asked for come first (the one the page
 * was loaded from is the one most likely to be reachable).
 */
export function appConfig (node: Libp2p<any>, options: { allowLoopback?: boolean, requestHost?: string } = {}): AppConfig {
  const id = node.peerId.toString()
  const host = options.requestHost == null ? undefined : requestHostname(options.requestHost)
  const addresses = node.getMultiaddrs()
    .map(ma => ma.toString())
    .filter(a => /\/wss?(\/|$)/.test(a))
    .map(a => a.includes('/p2p/') ? a : `${a}/p2p/${id}`)
  const onHost = (a: string): boolean => host != null && a.split('/')[2] === host
  const config: AppConfig = {
    bootstrap: [...addresses.filter(onHost), ...addresses.filter(a => !onHost(a))],
    iceServers: []
  }
  if (options.allowLoopback === true) {
    config.allowLoopback = true
  }
  return config
}

/** The hostname of a Host header, brackets of an IPv6 literal removed */
function requestHostname (hostHeader: string): string {
  const v6 = /^\[([^\]]+)\]/.exec(hostHeader)
  return v6 != null ? v6[1] : hostHeader.replace(/:[0-9]*$/, '')
}

class HttpError extends Error {
  static name = 'HttpError'
  readonly status: number

  constructor (status: number, message: string) {
    super(message)
    this.name = 'HttpError'
    this.status = status
  }
}

/**
 * The path segments a request names, decoded, or an HttpError: 400 for a
 * target that is not an absolute path, does not decode, or holds `..`, `\`
 * or NUL; 404 for a dotfile (nothing hidden is served).
 */
export function requestSegments (target: string): string[] {
  const path = target.split(/[?#]/, 1)[0]
  if (!path.startsWith('/')) {
    throw new HttpError(400, 'not an absolute path')
  }
  let decoded: string
  try {
    decoded = decodeURIComponent(path)
  } catch {
    throw new HttpError(400, 'malformed percent-encoding')
  }
  // checked after decoding, so %2e%2e%2f and %5c are caught as well as ../ and \
  if (decoded.includes('\\') || decoded.includes('\0')) {
    throw new HttpError(400, 'backslash or NUL in path')
  }
  const segments = decoded.split('/').slice(1)
  if (segments.some(s => s === '..' || s === '.')) {
    throw new HttpError(400, 'dot segment in path')
  }
  if (segments.some(s => s.startsWith('.'))) {
    throw new HttpError(404, 'not found')
  }
  // "/" and "/dir/" name the folder's index.html
  if (segments[segments.length - 1] === '') {
    segments[segments.length - 1] = 'index.html'
  }
  if (segments.some(s => s === '')) {
    throw new HttpError(400, 'empty segment in path')
  }
  return segments
}

function cacheControl (segments: string[]): string {
  const name = segments[segments.length - 1]
  if (segments.length === 1 && REVALIDATE.has(name)) {
    return 'no-cache'
  }
  // vite names everything under assets/ by content hash: it never changes
  if (segments.length > 1 && segments[0] === 'assets') {
    return 'public, max-age=31536000, immutable'
  }
  return 'no-cache'
}

function send (res: ServerResponse, status: number, headers: Record<string, string | number>, body: string | Buffer, head: boolean): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'Content-Length': Buffer.byteLength(body) })
  res.end(head ? undefined : body)
}

function sendError (res: ServerResponse, status: number, head: boolean, extra: Record<string, string> = {}): void {
  const text = `${status} ${STATUS_CODES[status] ?? 'Error'}\n`
  send(res, status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache', ...extra }, text, head)
}

/** The real path of the file a request names, if it is a regular file inside `root` (itself a real path) */
async function resolveFile (root: string, segments: string[]): Promise<{ path: string, size: number, mtimeMs: number } | undefined> {
  try {
    const path = await realpath(join(root, ...segments))
    if (!path.startsWith(root + sep)) {
      return undefined
    }
    const info = await stat(path)
    return info.isFile() ? { path, size: info.size, mtimeMs: info.mtimeMs } : undefined
  } catch {
    return undefined
  }
}

async function handle (root: string, init: WebServerInit, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const head = req.method === 'HEAD'
  if (req.method !== 'GET' && !head) {
    sendError(res, 405, false, { Allow: 'GET, HEAD', Connection: 'close' })
    return
  }
  const target = req.url ?? ''
  if (target.length > MAX_URL_LENGTH) {
    sendError(res, 414, head)
    return
  }

  let segments: string[]
  try {
    segments = requestSegments(target)
  } catch (err: any) {
    sendError(res, err.status ?? 400, head)
    return
  }

  if (segments.length === 1 && segments[0] === 'config.json') {
    const body = JSON.stringify(init.config(req.headers.host))
    send(res, 200, { 'Content-Type': CONTENT_TYPES['.json'], 'Cache-Control': 'no-cache' }, body, head)
    return
  }

  const file = await resolveFile(root, segments)
  if (file == null) {
    sendError(res, 404, head)
    return
  }

  const etag = `W/"${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}"`
  const headers = {
    ...SECURITY_HEADERS,
    'Content-Type': CONTENT_TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream',
    'Cache-Control': cacheControl(segments),
    ETag: etag
  }
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers)
    res.end()
    return
  }
  res.writeHead(200, { ...headers, 'Content-Length': file.size })
  if (head) {
    res.end()
    return
  }
  const stream = createReadStream(file.path)
  stream.once('error', () => { res.destroy() })
  stream.pipe(res)
}

/**
 * Serve `root` and `/config.json` over HTTP until `close()`.
 *
 * @throws {Error} when `root` is not a readable folder or the address cannot be bound (e.g. the port is in use)
 */
export async function startWebServer (init: WebServerInit): Promise<WebServer> {
  const root = await realpath(init.root)
  if (!(await stat(root)).isDirectory()) {
    throw new Error(`${init.root} is not a directory`)
  }

  const server: Server = createServer({
    requestTimeout: HTTP_REQUEST_TIMEOUT,
    headersTimeout: HTTP_REQUEST_TIMEOUT,
    maxHeaderSize: 16 * 1024
  }, (req, res) => {
    handle(root, init, req, res).catch(() => {
      if (res.headersSent) {
        res.destroy()
      } else {
        sendError(res, 500, req.method === 'HEAD')
      }
    })
  })
  server.maxConnections = MAX_HTTP_CONNECTIONS

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(init.listen.port, init.listen.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const bound = server.address() as AddressInfo
  const address = { host: init.listen.host, port: bound.port }

  return {
    url: httpUrl(address),
    address,
    close: async () => {
      await new Promise<void>(resolve => {
        server.close(() => { resolve() })
        server.closeAllConnections()
      })
    }
  }
}
