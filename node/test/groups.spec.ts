/**
 * Groups and channels with separate `hypha` processes on 127.0.0.1 around one
 * `hypha-bootstrap` (with its mailbox). A is the admin; B, C and D are
 * invited by user id alone. B, C and D run `hypha listen --json` (C with
 * `--envelopes`); a home's database is locked while its listener runs, so a
 * listener is stopped while its own home runs another command.
 *
 * The steps build on each other (the suite bails at the first failure).
 */

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { jsonLines, run } from './fixtures/cli.ts'
import { Proc, startBootstrap } from './fixtures/mesh.ts'
import type { RunResult } from './fixtures/cli.ts'
import type { Line } from './fixtures/mesh.ts'

type Name = 'a' | 'b' | 'c' | 'd'

describe('groups and channels: hypha processes over a mesh on 127.0.0.1', function () {
  this.timeout(120_000)
  this.bail(true)

  let dir: string
  let env: Record<string, string>
  const procs: Proc[] = []
  const home: Record<Name, string> = { a: '', b: '', c: '', d: '' }
  const user: Record<Name, string> = { a: '', b: '', c: '', d: '' }
  /** Every listener each home ran, in order; their lines together are what the member saw */
  const listeners: Record<Name, Proc[]> = { a: [], b: [], c: [], d: [] }
  /** The group as A's `group create` printed it */
  let group: Line
  /** The invite link of A's channel */
  let channel: Line

  const textsA = Array.from({ length: 10 }, (_, i) => `A to the group ${i + 1} of 10`)
  const textsB = Array.from({ length: 3 }, (_, i) => `B to the group ${i + 1} of 3`)
  const textsAfter = Array.from({ length: 5 }, (_, i) => `A after removing C ${i + 1} of 5`)
  const post = 'A on the channel'

  /** `hypha --json --home <home of who> ...args`, which must exit 0; its JSON lines */
  async function hypha (who: Name, args: string[], input?: string): Promise<Line[]> {
    const result = await run(['--home', home[who], '--json', ...args], { env, input })
    expect(result.code, `${who}: hypha ${args.join(' ')}: ${result.stderr}`).to.equal(0)
    return jsonLines(result.stdout)
  }

  /** `hypha ...args` that must fail with `code` and one stderr line matching `stderr` */
  async function refused (who: Name, args: string[], code: number, stderr: RegExp): Promise<RunResult> {
    const result = await run(['--home', home[who], '--json', ...args], { env })
    expect(result.code, `${who}: hypha ${args.join(' ')}: ${result.stderr}`).to.equal(code)
    expect(result.stdout).to.equal('')
    expect(result.stderr).to.match(stderr)
    expect(result.stderr.trimEnd().split('\n')).to.have.lengthOf(1)
    return result
  }

  /** Starts `hypha listen --json` for `who` and waits for its ready line */
  async function listen (who: Name, ...args: string[]): Promise<Proc> {
    const proc = new Proc(['--home', home[who], '--json', 'listen', ...args], env)
    procs.push(proc)
    listeners[who].push(proc)
    const [ready] = await proc.waitFor(line => line.type === 'ready')
    expect(ready.userId).to.equal(user[who])
    return proc
  }

  /** The current (last) listener of `who` */
  function listener (who: Name): Proc {
    const proc = listeners[who].at(-1)
    if (proc == null) { throw new Error(`${who} has no listener`) }
    return proc
  }

  /** Stops the current listener of `who` (SIGTERM), which must exit 0 */
  async function stopListener (who: Name): Promise<void> {
    const stopped = await listener(who).stop()
    expect(stopped.code, `${who}'s listen: ${stopped.stderr}`).to.equal(0)
  }

  /** Group messages (or channel posts) with these texts */
  function isMessageOf (texts: string[], kind = 'group'): (line: Line) => boolean {
    return line => line.type === 'group-message' && line.kind === kind && texts.includes(line.text)
  }

  /** A `group` line: this member list, seen by a member (or by the one removed) */
  function isGroupWith (users: string[], member = true): (line: Line) => boolean {
    const members = [...users].sort()
    return line => line.type === 'group' && line.id === group.id && line.member === member &&
      JSON.stringify([...line.members].sort()) === JSON.stringify(members)
  }

  /** Every group message or post a member printed, over all its listeners (and `extra` lines, say of a sync) */
  function seen (who: Name, extra: Line[] = []): Line[] {
    return [...listeners[who].flatMap(proc => proc.lines), ...extra].filter(line => line.type === 'group-message')
  }

  function texts (lines: Line[], from: string): string[] {
    return lines.filter(line => line.from === from).map(line => line.text)
  }

  /** The lines of a `group send` or `channel post`: one per text, each out (published or stored) */
  function expectSent (lines: Line[], count: number, kind: string, id: string): void {
    expect(lines).to.have.lengthOf(count)
    for (const line of lines) {
      expect(line, JSON.stringify(line)).to.include({ type: 'group-sent', kind, group: id })
      expect(line.published + line.stored, JSON.stringify(line)).to.be.above(0)
    }
    expect(new Set(lines.map(line => line.id)).size).to.equal(count)
  }

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'hypha-groups-'))
    const bootstrap = await startBootstrap(join(dir, 'bootstrap'))
    procs.push(bootstrap.proc)
    env = { HYPHA_BOOTSTRAP: bootstrap.ready.multiaddrs[0], HYPHA_ALLOW_LOOPBACK: '1' }
    const names: Name[] = ['a', 'b', 'c', 'd']
    for (const name of names) { home[name] = join(dir, name) }
    await Promise.all(names.map(async name => {
      user[name] = (await hypha(name, ['init', '--name', name.toUpperCase()]))[0].userId
    }))
    // online once: their device lists and prekeys are on the DHT before A invites them
    await Promise.all([listen('b'), listen('c', '--envelopes'), listen('d')])
  })

  after(async () => {
    await Promise.all(procs.map(async proc => proc.kill()))
    if (dir != null) { await rm(dir, { recursive: true, force: true }) }
  })

  it('refuses a missing command, argument or member with exit 1 and one line on stderr', async () => {
    await Promise.all([
      refused('a', ['group'], 1, /^hypha: group: expected one of create, invite, remove, leave, send, list, members, history\n$/),
      refused('a', ['channel', 'frob'], 1, /^hypha: channel: expected one of create, join, post, list, history, got "frob"\n$/),
      refused('a', ['group', 'create'], 1, /^hypha: group create: missing <name>\n$/),
      refused('a', ['group', 'create', 'x', '--member', 'did:key:nope'], 1, /^hypha: invalid user id "did:key:nope"/),
      refused('a', ['group', 'invite', 'team'], 1, /^hypha: group invite: missing <user-id\|alias>\n$/),
      refused('a', ['group', 'remove', 'team', user.b, user.c], 1, /^hypha: group remove: unexpected argument/),
      refused('a', ['group', 'send', 'team'], 1, /^hypha: group send: missing <text>\n$/),
      refused('a', ['group', 'send', 'team', 'hello', 'there'], 1, /unexpected argument "there" \(quote the text\)\n$/),
      refused('a', ['group', 'members'], 1, /^hypha: group members: missing <group>\n$/),
      refused('a', ['channel', 'join'], 1, /^hypha: channel join: missing <invite-link>\n$/),
      refused('a', ['channel', 'post', 'news'], 1, /^hypha: channel post: missing <text>\n$/),
      refused('a', ['group', 'list', '--member', user.b], 1, /^hypha: group list: unknown option --member\n$/)
    ])
  })

  it('A creates a group with B, C and D by user id; every member\'s listener prints it; unknown groups exit 2', async () => {
    const created = await hypha('a', ['group', 'create', 'team', '--member', user.b, '--member', user.c, '--member', user.d])
    expect(created).to.have.lengthOf(1)
    group = created[0]
    const all = [user.a, user.b, user.c, user.d]
    expect(group).to.include({ type: 'group', name: 'team', member: true, admin: true })
    expect(group.id).to.match(/^[0-9a-f]{64}$/)
    expect([...group.members].sort()).to.deep.equal([...all].sort())

    // one command at a time per home (its database is locked while one runs)
    const list = await hypha('a', ['group', 'list'])
    const members = await hypha('a', ['group', 'members', 'team'])
    await refused('a', ['group', 'members', 'nope'], 2, /^hypha: GroupNotFoundError: /)
    await Promise.all((['b', 'c', 'd'] as const).map(async who => listener(who).waitFor(isGroupWith(all))))
    expect(list).to.deep.equal([group])
    expect(members.map(m => [m.userId, m.admin]).sort()).to.deep.equal(all.map(u => [u, u === user.a]).sort())
    for (const m of members) { expect(m, JSON.stringify(m)).to.include({ type: 'member', group: group.id }) }
    for (const who of ['b', 'c', 'd'] as const) {
      const [seenGroup] = listener(who).lines.filter(isGroupWith(all))
      expect(seenGroup, who).to.include({ name: 'team', admin: false })
    }
  })

  it('A sends 10 group messages in one run; B, C and D each print all 10, in order', async () => {
    const sent = await hypha('a', ['group', 'send', 'team', '-'], textsA.join('\n') + '\n')
    expectSent(sent, 10, 'group', group.id)
    await Promise.all((['b', 'c', 'd'] as const).map(async who => listener(who).waitFor(isMessageOf(textsA), 10)))
    for (const who of ['b', 'c', 'd'] as const) {
      const lines = seen(who)
      expect(texts(lines, user.a), who).to.deep.equal(textsA)
      expect(lines.filter(line => line.from === user.a).map(line => line.id), who).to.deep.equal(sent.map(line => line.id))
      for (const line of lines) { expect(line.group, who).to.equal(group.id) }
    }
  })

  it('B (a member, not an admin) sends 3: C and D print them, A\'s sync prints them; B\'s invite is refused; B joins A\'s channel and may not post', async () => {
    // A's channel, while B's listener stops (B's home is locked while it runs)
    const [created] = await Promise.all([hypha('a', ['channel', 'create', 'news']), stopListener('b')])
    expect(created).to.have.lengthOf(1)
    channel = created[0]
    expect(channel).to.include({ type: 'channel', name: 'news', owner: user.a, admin: true })
    expect(channel.invite).to.match(/^hypha:\/\/channel\/[A-Za-z0-9_-]+$/)

    const sent = await hypha('b', ['group', 'send', 'team', '-'], textsB.join('\n') + '\n')
    expectSent(sent, 3, 'group', group.id)

    // A was offline when B sent: its mailboxes kept them
    const syncedA = hypha('a', ['sync'])
    // B's home, one command at a time
    const restOfB = (async () => {
      await refused('b', ['group', 'invite', 'team', user.c], 2, /^hypha: GroupPermissionError: /)
      const joined = await hypha('b', ['channel', 'join', channel.invite])
      expect(joined).to.have.lengthOf(1)
      expect(joined[0]).to.include({ type: 'channel', id: channel.id, name: 'news', owner: user.a, admin: false })
      expect(joined[0]).to.not.have.property('invite')
      await refused('b', ['channel', 'post', 'news', 'B on the channel'], 2, /^hypha: GroupPermissionError: /)
      await listen('b')
    })()
    await Promise.all([syncedA, restOfB, ...(['c', 'd'] as const).map(async who => listener(who).waitFor(isMessageOf(textsB), 3))])
    const synced = await syncedA

    // A: B's messages once each, in B's order; none of its own
    const fromSync = synced.filter(line => line.type === 'group-message')
    expect(fromSync.map(line => line.text)).to.deep.equal(textsB)
    expect(fromSync.map(line => line.id)).to.deep.equal(sent.map(line => line.id))
    expect(synced.at(-1)).to.include({ type: 'sync', messages: 3 })
    for (const who of ['c', 'd'] as const) {
      expect(texts(seen(who), user.b), who).to.deep.equal(textsB)
    }

    // A's history: its 10 out, B's 3 in
    const history = await hypha('a', ['group', 'history', 'team'])
    expect(texts(history, user.a)).to.deep.equal(textsA)
    expect(texts(history, user.b)).to.deep.equal(textsB)
    for (const line of history) {
      expect(line, JSON.stringify(line)).to.include({ type: 'group-history', group: group.id, direction: line.from === user.a ? 'out' : 'in' })
    }
  })

  it('A removes C: B, D and C print the new member list; D is offline while A sends 5; B prints them, C sees only sealed envelopes and may not send, D\'s sync prints them once', async () => {
    const removed = await hypha('a', ['group', 'remove', 'team', user.c])
    const rest = [user.a, user.b, user.d]
    expect(removed).to.have.lengthOf(1)
    expect([...removed[0].members].sort()).to.deep.equal([...rest].sort())
    await Promise.all([
      listener('b').waitFor(isGroupWith(rest)),
      listener('d').waitFor(isGroupWith(rest)),
      listener('c').waitFor(line => line.type === 'group' && line.id === group.id && line.member === false)
    ])

    await stopListener('d')
    const c = listener('c')
    const before = new Set(c.lines)
    const sent = await hypha('a', ['group', 'send', 'team', '-'], textsAfter.join('\n') + '\n')
    expectSent(sent, 5, 'group', group.id)

    const sealed = (line: Line): boolean => line.type === 'envelope' && line.topic === group.topic && line.decrypted === false
    await Promise.all([
      listener('b').waitFor(isMessageOf(textsAfter), 5),
      c.waitFor(line => !before.has(line) && sealed(line), 5)
    ])
    await stopListener('c')
    const [synced] = await Promise.all([
      hypha('d', ['sync']),
      refused('c', ['group', 'send', 'team', 'C is still here'], 2, /^hypha: GroupPermissionError: /)
    ])

    expect(texts(seen('b'), user.a)).to.deep.equal([...textsA, ...textsAfter])
    expect(seen('c').filter(isMessageOf(textsAfter))).to.deep.equal([])
    const fromSync = synced.filter(line => line.type === 'group-message')
    expect(fromSync.map(line => line.text)).to.deep.equal(textsAfter)
    expect(fromSync.map(line => line.id)).to.deep.equal(sent.map(line => line.id))

    // C still knows the group, as a former member
    const [listC] = await Promise.all([hypha('c', ['group', 'list']), listen('d')])
    expect(listC).to.have.lengthOf(1)
    expect(listC[0]).to.include({ id: group.id, member: false, admin: false })
  })

  it('A posts to its channel: B\'s listener prints the post', async () => {
    const sent = await hypha('a', ['channel', 'post', 'news', post])
    expectSent(sent, 1, 'channel', channel.id)
    const [postLine] = await listener('b').waitFor(isMessageOf([post], 'channel'))
    expect(postLine).to.include({ group: channel.id, from: user.a, id: sent[0].id })
  })

  it('A invites C back and D leaves: B\'s listener prints the new member list; no listener printed a message twice', async () => {
    const [invited] = await Promise.all([hypha('a', ['group', 'invite', 'team', user.c]), stopListener('d')])
    expect(invited).to.have.lengthOf(1)
    expect([...invited[0].members].sort()).to.deep.equal([user.a, user.b, user.c, user.d].sort())
    const left = await hypha('d', ['group', 'leave', 'team'])
    expect(left).to.deep.equal([{ type: 'left', kind: 'group', group: group.id, name: 'team' }])
    await listener('b').waitFor(isGroupWith([user.a, user.b, user.c]))
    await stopListener('b')

    // every member, all its listeners together: each message once, in each sender's order
    const expected: Record<Name, { a: string[], b: string[] }> = {
      a: { a: [], b: [] },
      b: { a: [...textsA, ...textsAfter], b: [] },
      c: { a: textsA, b: textsB },
      d: { a: textsA, b: textsB }
    }
    for (const who of ['b', 'c', 'd'] as const) {
      const lines = seen(who).filter(line => line.kind === 'group')
      expect(texts(lines, user.a), who).to.deep.equal(expected[who].a)
      expect(texts(lines, user.b), who).to.deep.equal(expected[who].b)
      expect(lines.filter(line => ![user.a, user.b].includes(line.from)), who).to.deep.equal([])
      expect(listeners[who].flatMap(proc => proc.lines).filter(line => line.type === 'unparsable'), who).to.deep.equal([])
      expect(listeners[who].flatMap(proc => proc.lines).filter(line => line.type === 'group-rejected'), who).to.deep.equal([])
    }
  })
})
