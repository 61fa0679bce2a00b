/**
 * The browser app: (a) the JavaScript a first visit downloads before the app
 * runs, gzipped, against a budget of 250 kB; (b) time from page load to the
 * first message delivered between two tabs on loopback, against 2 s.
 *
 * Both need the built app (`browser/dist/app`); (b) also needs the built
 * hypha-bootstrap and Chromium (driven by the browser package's
 * playwright-core). Without them the rows say "skipped" and why.
 */

import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, normalize, relative, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { formatNumber, percentile } from './harness.ts'

/** Budget for the gzipped initial JavaScript, in kB (1000 bytes) */
export const INITIAL_JS_BUDGET_KB = 250

/** Budget for page load -> first message seen by the other tab, p50, in ms */
export const FIRST_MESSAGE_BUDGET_MS = 2000

/** Timed runs of the first-message measurement */
export const FIRST_MESSAGE_RUNS = 5

/** One run may take this long before the benchmark gives up (ms) */
const RUN_TIMEOUT = 30_000

/** Sign-up and first contact (ms) */
const SETUP_TIMEOUT = 60_000

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--allow-loopback-in-peer-connection',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'
]

/** The repository root: the folder above this package's package.json */
export function repositoryRoot (from: string = import.meta.dirname): string {
  let dir = from
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) { throw new Error(`no package.json above ${from}`) }
    dir = parent
  }
  return dirname(dir)
}

/** Where the built app is */
export function appDir (root: string = repositoryRoot()): string {
  return process.env.HYPHA_BENCH_APP ?? join(root, 'browser', 'dist', 'app')
}

/**
 * The scripts a page loads before it runs: the `<script type="module" src>`
 * entries and the `<link rel="modulepreload" href>` chunks (vite lists every
 * chunk the entry imports statically), in order, without duplicates. Paths
 * are as written, relative to the page; absolute URLs are left out.
 */
export function initialScripts (html: string): string[] {
  const scripts: string[] = []
  const attribute = (tag: string, name: string): string | undefined =>
    new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag)?.slice(1).find(v => v != null)
  for (const [tag] of html.matchAll(/<(?:script|link)\b[^>]*>/gi)) {
    const isScript = /^<script/i.test(tag)
    const src = isScript
      ? (/^module$/i.test(attribute(tag, 'type') ?? '') ? attribute(tag, 'src') : undefined)
      : (/^modulepreload$/i.test(attribute(tag, 'rel') ?? '') ? attribute(tag, 'href') : undefined)
    if (src != null && !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(src) && !scripts.includes(src)) {
      scripts.push(src)
    }
  }
  return scripts
}

export interface InitialJsReport {
  files: Array<{ path: string, bytes: number, gzipBytes: number }>
  bytes: number
  gzipBytes: number
  /** The other scripts under assets/ (dynamic imports, loaded later or never), gzipped: shown, not budgeted */
  lazy: { count: number, gzipBytes: number }
}

/**
 * Size of the initial JavaScript of the app in `dir`, each file gzipped on
 * its own (default zlib level, as a server would send it).
 *
 * @throws {Error} when index.html or a script it names is missing, or a script lies outside `dir`
 */
export async function initialJs (dir: string): Promise<InitialJsReport> {
  const html = await readFile(join(dir, 'index.html'), 'utf8')
  const files: InitialJsReport['files'] = []
  for (const src of initialScripts(html)) {
    const path = normalize(join(dir, decodeURIComponent(src.split(/[?#]/)[0])))
    if (!path.startsWith(normalize(dir) + sep)) {
      throw new Error(`index.html names a script outside the app: ${src}`)
    }
    const content = await readFile(path)
    files.push({ path: relative(dir, path), bytes: content.byteLength, gzipBytes: gzipSync(content).byteLength })
  }
  const initial = new Set(files.map(f => f.path))
  const lazy = { count: 0, gzipBytes: 0 }
  const assets = join(dir, 'assets')
  if (existsSync(assets)) {
    for (const name of (await readdir(assets)).sort()) {
      const path = join('assets', name)
      if (name.endsWith('.js') && !initial.has(path)) {
        lazy.count++
        lazy.gzipBytes += gzipSync(await readFile(join(dir, path))).byteLength
      }
    }
  }
  return {
    files,
    bytes: files.reduce((sum, f) => sum + f.bytes, 0),
    gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0),
    lazy
  }
}

const kB = (bytes: number): string => `${formatNumber(bytes / 1000)} kB`

export function formatInitialJs (report: InitialJsReport | string): string {
  const title = 'Browser app: initial JavaScript of a first visit (entry + modulepreload), gzipped'
  if (typeof report === 'string') {
    return `${title}\n  ${report}`
  }
  const met = report.gzipBytes <= INITIAL_JS_BUDGET_KB * 1000
  const width = Math.max(5, ...report.files.map(f => f.path.length))
  return [
    title,
    `${'file'.padEnd(width)}  ${'raw'.padStart(9)}  ${'gzip'.padStart(9)}  target`,
    `${'-'.repeat(width)}  ---------  ---------  ------`,
    ...report.files.map(f => `${f.path.padEnd(width)}  ${kB(f.bytes).padStart(9)}  ${kB(f.gzipBytes).padStart(9)}`),
    `${'total'.padEnd(width)}  ${kB(report.bytes).padStart(9)}  ${kB(report.gzipBytes).padStart(9)}  <= ${INITIAL_JS_BUDGET_KB} kB: ${met ? 'MET' : 'MISSED'}`,
    `(not counted: ${report.lazy.count} more script(s) under assets/ loaded by dynamic import, ${kB(report.lazy.gzipBytes)} gzipped)`
  ].join('\n')
}

export interface FirstMessageReport {
  /** ms from the sender's navigation start to the receiver showing the message, one per run */
  samples: number[]
  p50: number
  /** The scripts a returning user's tab loaded from its reload until its first message went out (first run), gzipped */
  startupJs: { files: Array<{ path: string, gzipBytes: number }>, gzipBytes: number }
}

/** The returning user's JavaScript: what a signed-in tab loads before it can send, against the same budget */
export function formatStartupJs (report: FirstMessageReport | string): string {
  const title = 'Browser app: JavaScript a returning user\'s tab loads before its first message goes out, gzipped'
  if (typeof report === 'string') {
    return `${title}\n  ${report}`
  }
  const { files, gzipBytes } = report.startupJs
  const width = Math.max(4, ...files.map(f => f.path.length))
  const kB = (bytes: number): string => `${formatNumber(bytes / 1000)} kB`
  return [
    title,
    `${'file'.padEnd(width)}  ${'gzip'.padStart(9)}  target`,
    `${'-'.repeat(width)}  ${'-'.repeat(9)}  ------`,
    ...files.map(f => `${f.path.padEnd(width)}  ${kB(f.gzipBytes).padStart(9)}`),
    `${'total'.padEnd(width)}  ${kB(gzipBytes).padStart(9)}  <= ${INITIAL_JS_BUDGET_KB} kB: ${gzipBytes <= INITIAL_JS_BUDGET_KB * 1000 ? 'MET' : 'MISSED'}`
  ].join('\n')
}

export function formatFirstMessage (report: FirstMessageReport | string): string {
  const title = `Browser app: page load -> first message shown in the other tab (two tabs on loopback, ${FIRST_MESSAGE_RUNS} runs, ms)`
  if (typeof report === 'string') {
    return `${title}\n  ${report}`
  }
  const sorted = [...report.samples].sort((a, b) => a - b)
  return [
    title,
    '  p50     min     max  runs                           target',
    '-----  ------  ------  -----------------------------  ------',
    [
      formatNumber(report.p50).padStart(5), formatNumber(sorted[0]).padStart(6), formatNumber(sorted[sorted.length - 1]).padStart(6),
      report.samples.map(s => String(Math.round(s))).join(' ').padEnd(29),
      `p50 <= ${FIRST_MESSAGE_BUDGET_MS} ms: ${report.p50 <= FIRST_MESSAGE_BUDGET_MS ? 'MET' : 'MISSED'}`
    ].join('  ')
  ].join('\n')
}

/** The .js files of the app among `urls` (requests of a page served from `base`), each gzipped */
async function scriptsOf (app: string, base: string, urls: Iterable<string>): Promise<FirstMessageReport['startupJs']> {
  const root = new URL(base)
  const files: Array<{ path: string, gzipBytes: number }> = []
  for (const url of urls) {
    const parsed = new URL(url)
    if (parsed.origin !== root.origin || !parsed.pathname.endsWith('.js') || parsed.pathname.endsWith('/sw.js')) { continue }
    const path = normalize(decodeURIComponent(parsed.pathname.slice(root.pathname.length)))
    const file = join(app, path)
    if (relative(app, file).startsWith('..') || !existsSync(file)) { continue }
    files.push({ path, gzipBytes: gzipSync(await readFile(file)).byteLength })
  }
  files.sort((a, b) => b.gzipBytes - a.gzipBytes)
  return { files, gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) }
}

/** The initial-JS row: a report, or why it was skipped */
export async function initialJsBench (dir: string = appDir()): Promise<InitialJsReport | string> {
  if (!existsSync(join(dir, 'index.html'))) {
    return 'skipped: run npm run build (no browser/dist/app/index.html)'
  }
  return initialJs(dir)
}

interface Bootstrap {
  url: string
  stop(): Promise<void>
}

async function startBootstrap (bin: string, app: string): Promise<Bootstrap> {
  const data = await mkdtemp(join(tmpdir(), 'hypha-bench-bootstrap-'))
  const child = spawn(process.execPath, [
    bin, '--json', '--allow-loopback', '--data', data, '--listen', '/ip4/127.0.0.1/tcp/0', '--listen', '/ip4/127.0.0.1/tcp/0/ws',
    '--serve', app, '--http', '127.0.0.1:0'
  ], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const stop = async (): Promise<void> => {
    if (child.exitCode == null && child.signalCode == null) {
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => { child.kill('SIGKILL') }, 10_000)
      await exited
      clearTimeout(timer)
    }
    await rm(data, { recursive: true, force: true })
  }
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let buffer = ''
      const timer = setTimeout(() => { reject(new Error(`hypha-bootstrap is not ready after 20 s: ${stderr}`)) }, 20_000)
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk
        if (!buffer.includes('\n')) { return }
        clearTimeout(timer)
        try {
          resolve(JSON.parse(buffer.slice(0, buffer.indexOf('\n'))).http)
        } catch (err) {
          reject(err)
        }
      })
      child.once('exit', code => {
        clearTimeout(timer)
        reject(new Error(`hypha-bootstrap exited (${code}): ${stderr}`))
      })
    })
    child.stdout.resume()
    return { url, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/** What the benchmark uses of playwright-core (taken from the browser package at run time) */
interface Locator {
  fill(value: string, options?: { timeout?: number }): Promise<void>
  click(options?: { timeout?: number }): Promise<void>
  textContent(options?: { timeout?: number }): Promise<string | null>
}

interface Page {
  on(event: 'request', listener: (request: { url(): string }) => void): void
  off(event: 'request', listener: (request: { url(): string }) => void): void
  goto(url: string): Promise<unknown>
  reload(options: { waitUntil: 'commit' }): Promise<unknown>
  locator(selector: string): Locator
  evaluate<T>(fn: () => T): Promise<T>
  waitForFunction<A>(fn: (arg: A) => unknown, arg: A, options: { polling: 'raf', timeout: number }): Promise<{ jsonValue(): Promise<unknown> }>
}

interface BrowserContext {
  pages(): Page[]
  newPage(): Promise<Page>
  close(): Promise<void>
}

interface Playwright {
  chromium: {
    launchPersistentContext(userDataDir: string, options: { executablePath: string, headless: boolean, args: string[] }): Promise<BrowserContext>
  }
}

const tid = (id: string): string => `[data-testid="${id}"]`

/** In the page: the time (epoch ms) once a message-text equal to `text` is in the DOM, open shadow roots included */
function shownAt (text: string): number | false {
  const find = (root: Document | ShadowRoot): boolean => {
    for (const el of root.querySelectorAll('[data-testid="message-text"]')) {
      if (el.textContent === text) { return true }
    }
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot != null && find(el.shadowRoot)) { return true }
    }
    return false
  }
  return find(document) ? performance.timeOrigin + performance.now() : false
}

/**
 * Page load -> first message: two Chromium profiles sign up, add each other
 * and exchange one message; then each run reloads both tabs and measures
 * from the sender's navigation start until the receiver's page shows the
 * message (both clocks are this machine's). Returns why it was skipped when
 * the app, the bootstrap binary, Chromium or playwright-core is missing.
 */
export async function firstMessageBench (options: { runs?: number } = {}): Promise<FirstMessageReport | string> {
  const root = repositoryRoot()
  const app = appDir(root)
  const bin = join(root, 'bootstrap', 'dist', 'src', 'bin.js')
  const chromiumPath = process.env.HYPHA_BENCH_CHROMIUM ?? '/usr/bin/chromium'
  if (!existsSync(join(app, 'index.html')) || !existsSync(bin)) {
    return 'skipped: run npm run build (the app and hypha-bootstrap must be built)'
  }
  if (!existsSync(chromiumPath)) {
    return `skipped: no Chromium at ${chromiumPath} (apt-get install chromium, or set HYPHA_BENCH_CHROMIUM)`
  }
  // the browser package's test tooling drives Chromium; the bench takes it from there
  let playwright: Playwright
  try {
    const resolved = createRequire(join(root, 'browser', 'package.json')).resolve('playwright-core')
    const loaded = await import(pathToFileURL(resolved).href)
    // a CommonJS module: its exports are the default export
    playwright = loaded.chromium == null ? loaded.default : loaded
  } catch {
    return 'skipped: playwright-core (a devDependency of browser/) is not installed'
  }

  const runs = options.runs ?? FIRST_MESSAGE_RUNS
  const bootstrap = await startBootstrap(bin, app)
  const profiles: string[] = []
  const contexts: BrowserContext[] = []
  try {
    const open = async (name: string): Promise<Page> => {
      const profile = await mkdtemp(join(tmpdir(), `hypha-bench-${name}-`))
      profiles.push(profile)
      const context = await playwright.chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS })
      contexts.push(context)
      const page = context.pages()[0] ?? await context.newPage()
      await page.goto(bootstrap.url)
      return page
    }
    const signUp = async (page: Page, name: string): Promise<string> => {
      await page.locator(tid('name-input')).fill(name, { timeout: SETUP_TIMEOUT })
      await page.locator(tid('create-identity')).click()
      await page.locator(tid('backup-skip')).click({ timeout: SETUP_TIMEOUT })
      return ((await page.locator(tid('my-user-id')).textContent({ timeout: SETUP_TIMEOUT })) ?? '').trim()
    }
    const openChat = async (page: Page, userId: string): Promise<void> => {
      await page.locator(`${tid('conversation')}[data-user-id="${userId}"]`).click({ timeout: RUN_TIMEOUT })
    }
    const sendText = async (page: Page, text: string): Promise<void> => {
      await page.locator(tid('message-input')).fill(text, { timeout: RUN_TIMEOUT })
      await page.locator(tid('send')).click({ timeout: RUN_TIMEOUT })
    }
    const seen = async (page: Page, text: string): Promise<number> => {
      const handle = await page.waitForFunction(shownAt, text, { polling: 'raf', timeout: RUN_TIMEOUT })
      return await handle.jsonValue() as number
    }

    const [sender, receiver] = await Promise.all([open('sender'), open('receiver')])
    const [senderId, receiverId] = await Promise.all([signUp(sender, 'Sender'), signUp(receiver, 'Receiver')])
    for (const [page, other] of [[sender, receiverId], [receiver, senderId]] as const) {
      await page.locator(tid('add-contact-input')).fill(other)
      await page.locator(tid('add-contact-submit')).click()
    }
    // one message each way first: sessions exist, records are known; the runs measure a returning user
    await Promise.all([openChat(sender, receiverId), openChat(receiver, senderId)])
    await sendText(sender, 'warm-up')
    await seen(receiver, 'warm-up')
    await sendText(receiver, 'warm-up reply')
    await seen(sender, 'warm-up reply')

    const samples: number[] = []
    const requested = new Set<string>()
    const record = (request: { url(): string }): void => { requested.add(request.url()) }
    for (let run = 1; run <= runs; run++) {
      const text = `first message, run ${run}, ${Date.now()}`
      if (run === 1) { sender.on('request', record) }
      await Promise.all([receiver.reload({ waitUntil: 'commit' }), sender.reload({ waitUntil: 'commit' })])
      const [start, end] = await Promise.all([
        (async () => {
          const navigationStart = await sender.evaluate(() => performance.timeOrigin)
          await openChat(sender, receiverId)
          await sendText(sender, text)
          return navigationStart
        })(),
        (async () => {
          await openChat(receiver, senderId)
          return seen(receiver, text)
        })()
      ])
      samples.push(end - start)
      sender.off('request', record)
    }
    return { samples, p50: percentile([...samples].sort((a, b) => a - b), 0.5), startupJs: await scriptsOf(app, bootstrap.url, requested) }
  } finally {
    await Promise.all(contexts.map(async context => context.close().catch(() => {})))
    await bootstrap.stop()
    await Promise.all(profiles.map(async profile => rm(profile, { recursive: true, force: true })))
  }
}
