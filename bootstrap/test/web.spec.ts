import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { CONTENT_SECURITY_POLICY, httpUrl, parseHttpAddress, requestSegments } from '../src/index.ts'
import { BIN, exited, run, start, stop } from './fixtures/binary.ts'
import { testPeer, waitFor } from './fixtures/peer.ts'
import type { Running } from './fixtures/binary.ts'
import type { TestPeer } from './fixtures/peer.ts'
import type { IncomingHttpHeaders } from 'node:http'

const LOOPBACK = ['--listen', '/ip4/127.0.0.1/tcp/0', '--listen', '/ip4/127.0.0.1/tcp/0/ws']

interface Response {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** One request with the target sent exactly as given (no URL normalisation, unlike fetch) */
async function request (base: string, target: string, method = 'GET', headers: Record<string, string> = {}): Promise<Response> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path: target, method, headers, agent: false }, res => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk })
      res.once('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body }) })
    })
    req.once('error', reject)
    req.end()
  })
}

function expectSecurityHeaders (response: Response): void {
  expect(response.headers['content-security-policy']).to.equal(CONTENT_SECURITY_POLICY)
  expect(response.headers['x-content-type-options']).to.equal('nosniff')
  expect(response.headers['referrer-policy']).to.equal('no-referrer')
  expect(response.headers['cross-origin-opener-policy']).to.equal('same-origin')
}

async function busyPort (): Promise<{ port: number, close(): Promise<void> }> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return { port, close: async () => new Promise<void>(resolve => server.close(() => { resolve() })) }
}

describe('requestSegments', () => {
  it('maps / and folders to index.html', () => {
    expect(requestSegments('/')).to.deep.equal(['index.html'])
    expect(requestSegments('/docs/?x=1#y')).to.deep.equal(['docs', 'index.html'])
    expect(requestSegments('/assets/index-abc.js')).to.deep.equal(['assets', 'index-abc.js'])
    expect(requestSegments('/a%20b.txt')).to.deep.equal(['a b.txt'])
  })

  for (const target of ['/../x', '/a/../../x', '/%2e%2e/x', '/a/..%2f..%2fx', '/%2E%2E%2Fx', '/a%5c..%5cx', '/a\\x', '/a%00', '/%E0%A4%A', '//x', '/./x', 'x', 'http://h/x']) {
    it(`refuses ${JSON.stringify(target)} with 400`, () => {
      expect(() => requestSegments(target)).to.throw().with.property('status', 400)
    })
  }

  it('hides dotfiles (404)', () => {
    expect(() => requestSegments('/.git/config')).to.throw().with.property('status', 404)
    expect(() => requestSegments('/%2egit/config')).to.throw().with.property('status', 404)
  })
})

describe('parseHttpAddress', () => {
  it('reads host:port and [v6]:port', () => {
    expect(parseHttpAddress('http', '127.0.0.1:4080')).to.deep.equal({ host: '127.0.0.1', port: 4080 })
    expect(parseHttpAddress('http', 'localhost:0')).to.deep.equal({ host: 'localhost', port: 0 })
    expect(parseHttpAddress('http', '[::1]:65535')).to.deep.equal({ host: '::1', port: 65535 })
  })

  for (const value of ['127.0.0.1', ':4080', '127.0.0.1:65536', '127.0.0.1:x', '::1:4080', 'a b:1', '127.0.0.1:123456']) {
    it(`refuses ${JSON.stringify(value)} with a UsageError naming the flag`, () => {
      expect(() => parseHttpAddress('http', value)).to.throw(/^--http must be <host>:<port>/).with.property('name', 'UsageError')
    })
  }

  it('shows an unspecified host as loopback in the URL', () => {
    expect(httpUrl({ host: '0.0.0.0', port: 1 })).to.equal('http://127.0.0.1:1/')
    expect(httpUrl({ host: '::', port: 2 })).to.equal('http://[::1]:2/')
    expect(httpUrl({ host: '::1', port: 3 })).to.equal('http://[::1]:3/')
  })
})

describe('hypha-bootstrap --serve (child process)', function () {
  this.timeout(60_000)

  let dir: string
  let app: string
  const running: Running[] = []
  const peers: TestPeer[] = []

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hypha-bootstrap-web-'))
    app = join(dir, 'app')
    await mkdir(join(app, 'assets'), { recursive: true })
    await mkdir(join(app, 'empty'))
    await mkdir(join(app, '.hidden'))
    await writeFile(join(app, 'index.html'), '<!doctype html><title>Hypha</title><script type="module" src="./assets/index-abc.js"></script>')
    await writeFile(join(app, 'assets', 'index-abc.js'), 'export const hello = 1\n')
    await writeFile(join(app, 'assets', 'style-abc.css'), 'body { margin: 0 }\n')
    await writeFile(join(app, 'manifest.webmanifest'), '{"name":"Hypha"}')
    await writeFile(join(app, 'sw.js'), 'self.addEventListener("fetch", () => {})\n')
    await writeFile(join(app, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
    await writeFile(join(app, 'data.bin'), 'binary')
    await writeFile(join(app, '.hidden', 'x'), 'hidden')
    // beside the served folder: what a traversal would be after
    await writeFile(join(dir, 'secret.txt'), 'secret')
    await symlink(join(dir, 'secret.txt'), join(app, 'escape.txt'))
  })

  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  afterEach(async () => {
    await Promise.all(peers.splice(0).map(async p => p.stop()))
    await Promise.all(running.splice(0).map(async r => stop(r, 'SIGKILL')))
  })

  async function bootstrap (extra: string[] = ['--allow-loopback']): Promise<Running & { http: string }> {
    const data = await mkdtemp(join(dir, 'data-'))
    const node = await start(['--json', '--data', data, ...LOOPBACK, '--serve', app, '--http', '127.0.0.1:0', ...extra])
    running.push(node)
    return { ...node, http: JSON.parse(node.firstLine).http }
  }

  it('adds the app URL to the JSON ready line', async () => {
    const node = await bootstrap()
    expect(Object.keys(JSON.parse(node.firstLine))).to.deep.equal(['event', 'peerId', 'multiaddrs', 'mailbox', 'http'])
    expect(node.http).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(node.http).to.not.equal('http://127.0.0.1:0/')
  })

  it('serves files with their content types, security headers and cache policy', async () => {
    const { http } = await bootstrap()
    const expected: Array<[string, string, string]> = [
      ['/', 'text/html; charset=utf-8', 'no-cache'],
      ['/index.html', 'text/html; charset=utf-8', 'no-cache'],
      ['/assets/index-abc.js', 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
      ['/assets/style-abc.css', 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
      ['/manifest.webmanifest', 'application/manifest+json; charset=utf-8', 'no-cache'],
      ['/sw.js', 'text/javascript; charset=utf-8', 'no-cache'],
      ['/icon.svg', 'image/svg+xml', 'no-cache'],
      ['/data.bin', 'application/octet-stream', 'no-cache'],
      ['/config.json', 'application/json; charset=utf-8', 'no-cache']
    ]
    for (const [path, type, cache] of expected) {
      const response = await request(http, path)
      expect(response.status, path).to.equal(200)
      expect(response.headers['content-type'], path).to.equal(type)
      expect(response.headers['cache-control'], path).to.equal(cache)
      expectSecurityHeaders(response)
    }
    expect((await request(http, '/')).body).to.include('<title>Hypha</title>')
    expect((await request(http, '/assets/index-abc.js?v=1')).body).to.equal('export const hello = 1\n')
  })

  it('answers HEAD without a body, and If-None-Match with 304', async () => {
    const { http } = await bootstrap()
    const head = await request(http, '/assets/index-abc.js', 'HEAD')
    expect(head.status).to.equal(200)
    expect(head.body).to.equal('')
    expect(head.headers['content-length']).to.equal(String('export const hello = 1\n'.length))
    const etag = head.headers.etag ?? ''
    expect(etag).to.match(/^W\/"/)
    const cached = await request(http, '/assets/index-abc.js', 'GET', { 'If-None-Match': etag })
    expect(cached.status).to.equal(304)
    expect(cached.body).to.equal('')
    expectSecurityHeaders(cached)
  })

  it('serves config.json naming its own WebSocket address, and allowLoopback only with --allow-loopback', async () => {
    const node = await bootstrap()
    const ws = node.ready.multiaddrs.filter(a => a.includes('/ws/'))
    expect(ws).to.have.lengthOf(1)
    const config = JSON.parse((await request(node.http, '/config.json')).body)
    expect(config).to.deep.equal({ bootstrap: ws, iceServers: [], allowLoopback: true })
    expect(config.bootstrap[0]).to.match(new RegExp(`/ws/p2p/${node.ready.peerId}$`))

    const strict = await bootstrap([])
    expect(JSON.parse((await request(strict.http, '/config.json')).body)).to.deep.equal({
      bootstrap: strict.ready.multiaddrs.filter(a => a.includes('/ws/')),
      iceServers: []
    })
  })

  it('refuses traversal, encoded traversal, symlinks out, dotfiles and listings; 405 for other methods; 404 for missing files; and keeps serving', async () => {
    const node = await bootstrap()
    const refused: Array<[string, number]> = [
      ['/../secret.txt', 400],
      ['/assets/../../secret.txt', 400],
      ['/%2e%2e/secret.txt', 400],
      ['/%2E%2E%2Fsecret.txt', 400],
      ['/assets/..%2f..%2fsecret.txt', 400],
      ['/..%5csecret.txt', 400],
      ['/%2e%2e%5csecret.txt', 400],
      ['/index.html%00.js', 400],
      ['/%zz', 400],
      ['/escape.txt', 404],
      ['/.hidden/x', 404],
      ['/empty/', 404],
      ['/empty', 404],
      ['/assets', 404],
      ['/missing.js', 404],
      ['/assets/missing.js', 404],
      ['/' + 'a'.repeat(3000), 414]
    ]
    for (const [target, status] of refused) {
      const response = await request(node.http, target)
      expect(response.status, target).to.equal(status)
      expect(response.body, target).to.not.include('secret')
      expectSecurityHeaders(response)
    }
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const response = await request(node.http, '/index.html', method)
      expect(response.status, method).to.equal(405)
      expect(response.headers.allow).to.equal('GET, HEAD')
      expectSecurityHeaders(response)
    }

    // still serving: the app over HTTP and libp2p over its WebSocket listener
    expect((await request(node.http, '/')).status).to.equal(200)
    const client = await testPeer()
    peers.push(client)
    const ws = node.ready.multiaddrs.find(a => a.includes('/ws/')) ?? ''
    expect(await client.services.ping.ping(multiaddr(ws))).to.be.a('number')
  })

  it('prints the URL in its text ready lines', async () => {
    const data = await mkdtemp(join(dir, 'data-'))
    // spawned here: every line is read, not only the first
    const child = spawn(process.execPath, [BIN, '--data', data, ...LOOPBACK, '--serve', app, '--http', '127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('HYPHA_')))
    })
    try {
      let text = ''
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => { text += chunk })
      const url = (): string | undefined => /serving \S+ on (http:\/\/127\.0\.0\.1:\d+\/)\n/.exec(text)?.[1]
      await waitFor('the serving line', () => url() != null, 20_000)
      expect(text).to.include(`hypha-bootstrap: serving ${app} on `)
      expect((await request(url() ?? '', '/')).status).to.equal(200)
    } finally {
      const exit = exited(child)
      child.kill('SIGTERM')
      expect((await exit).code).to.equal(0)
    }
  })

  it('stops serving on SIGTERM (exit 0)', async () => {
    const node = await bootstrap()
    expect((await stop(node, 'SIGTERM', 5_000))?.code).to.equal(0)
    await expect(request(node.http, '/')).to.eventually.be.rejected()
  })

  it('exits 1 for --http without --serve, a --serve that is not a folder, or a bad --http', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--http', '127.0.0.1:0'], /--http needs --serve <dir>/],
      [['--serve', join(dir, 'nope')], /--serve must name a directory/],
      [['--serve', join(app, 'index.html')], /--serve must name a directory/],
      [['--serve', app, '--http', '4080'], /--http must be <host>:<port>/]
    ]
    for (const [args, message] of cases) {
      const exit = await run(args)
      expect(exit.code, args.join(' ')).to.equal(1)
      expect(exit.stderr).to.match(message)
      expect(exit.stderr.trim().split('\n')).to.have.lengthOf(1)
    }
  })

  it('exits 2 when the HTTP port is taken', async () => {
    const busy = await busyPort()
    try {
      const data = await mkdtemp(join(dir, 'data-'))
      const exit = await run(['--data', data, ...LOOPBACK, '--serve', app, '--http', `127.0.0.1:${busy.port}`], { timeout: 20_000 })
      expect(exit.code).to.equal(2)
      expect(exit.stderr).to.match(/cannot start: --http 127\.0\.0\.1:\d+: .*EADDRINUSE/)
    } finally {
      await busy.close()
    }
  })

  it('reads --serve and --http from the environment', async () => {
    const data = await mkdtemp(join(dir, 'data-'))
    const node = await start(['--json', '--data', data, ...LOOPBACK], {
      env: { HYPHA_BOOTSTRAP_SERVE: app, HYPHA_BOOTSTRAP_HTTP: '127.0.0.1:0' }
    })
    running.push(node)
    const http = JSON.parse(node.firstLine).http
    expect((await request(http, '/manifest.webmanifest')).body).to.equal('{"name":"Hypha"}')
  })
})
