import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { expect } from 'aegir/chai'
import { formatFirstMessage, formatInitialJs, formatStartupJs, initialJs, initialJsBench, initialScripts } from '../src/index.ts'

describe('initialScripts', () => {
  it('lists module entry scripts and modulepreload links, in order, once each', () => {
    const html = `<!doctype html><html><head>
      <script type="module" crossorigin src="./assets/index-abc.js"></script>
      <link rel="modulepreload" crossorigin href="./assets/libp2p-def.js">
      <link rel=modulepreload href='./assets/lit-123.js'>
      <link rel="stylesheet" href="./assets/index.css">
      <link rel="manifest" href="./manifest.webmanifest">
      <script src="./classic.js"></script>
      <script type="module" src="https://cdn.example/x.js"></script>
      <link rel="modulepreload" href="./assets/libp2p-def.js">
      <script type="module">console.log('inline')</script>
    </head></html>`
    expect(initialScripts(html)).to.deep.equal(['./assets/index-abc.js', './assets/libp2p-def.js', './assets/lit-123.js'])
  })
})

describe('initialJs', () => {
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hypha-bench-app-'))
    await mkdir(join(dir, 'assets'))
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('sums the gzipped size of each initial script', async () => {
    const a = 'export const a = 1;\n'.repeat(200)
    const b = 'export const b = "' + 'x'.repeat(5000) + '"\n'
    await writeFile(join(dir, 'index.html'), '<script type="module" src="./assets/a.js"></script><link rel="modulepreload" href="assets/b.js">')
    await writeFile(join(dir, 'assets', 'a.js'), a)
    await writeFile(join(dir, 'assets', 'b.js'), b)
    await writeFile(join(dir, 'assets', 'lazy.js'), 'x'.repeat(100_000))
    const report = await initialJs(dir)
    expect(report.files.map(f => f.path)).to.deep.equal([join('assets', 'a.js'), join('assets', 'b.js')])
    expect(report.bytes).to.equal(a.length + b.length)
    expect(report.gzipBytes).to.equal(gzipSync(a).byteLength + gzipSync(b).byteLength)
    expect(report.lazy).to.deep.equal({ count: 1, gzipBytes: gzipSync('x'.repeat(100_000)).byteLength })
    expect(formatInitialJs(report)).to.match(/total .* <= 250 kB: MET\n\(not counted: 1 more script/)
  })

  it('refuses a script outside the app folder', async () => {
    await writeFile(join(dir, 'index.html'), '<script type="module" src="../outside.js"></script>')
    await expect(initialJs(dir)).to.eventually.be.rejectedWith(/outside the app/)
  })

  it('is skipped, not failed, when the app is not built', async () => {
    const report = await initialJsBench(join(dir, 'missing'))
    expect(report).to.equal('skipped: run npm run build (no browser/dist/app/index.html)')
    expect(formatInitialJs(report)).to.include('skipped: run npm run build')
  })
})

describe('formatFirstMessage', () => {
  it('shows the p50 against the 2 s target', () => {
    const none = { files: [], gzipBytes: 0 }
    const text = formatFirstMessage({ samples: [1500, 1200, 2500, 1800, 1700], p50: 1700, startupJs: none })
    expect(text).to.include('1,700')
    expect(text).to.include('1500 1200 2500 1800 1700')
    expect(text).to.match(/p50 <= 2000 ms: MET$/)
    expect(formatFirstMessage({ samples: [2100], p50: 2100, startupJs: none })).to.match(/MISSED$/)
  })
})

describe('formatStartupJs', () => {
  it('sums what a returning user loaded against the 250 kB budget', () => {
    const files = [{ path: 'assets/a.js', gzipBytes: 200_000 }, { path: 'assets/b.js', gzipBytes: 50_000 }]
    expect(formatStartupJs({ samples: [1], p50: 1, startupJs: { files, gzipBytes: 250_000 } })).to.match(/total +250 kB +<= 250 kB: MET$/)
    expect(formatStartupJs({ samples: [1], p50: 1, startupJs: { files, gzipBytes: 250_001 } })).to.match(/MISSED$/)
    expect(formatStartupJs('skipped: why')).to.include('skipped: why')
  })
})
