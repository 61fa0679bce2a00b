import { expect } from 'aegir/chai'
import { generateEd25519 } from '../../src/identity/keys.ts'
import { MembershipLog, OpKind, signOp, verifyOp, didKeyFromPublicKey } from '../../src/index.ts'
import type { GroupOp, KeyPair, VerifiedOp } from '../../src/index.ts'

interface Member { userId: string, device: KeyPair }

async function member (): Promise<Member> {
  const account = await generateEd25519()
  return { userId: didKeyFromPublicKey(account.publicKey), device: await generateEd25519() }
}

const groupId = crypto.getRandomValues(new Uint8Array(32))

async function create (admin: Member): Promise<VerifiedOp> {
  return signOp(admin.device, {
    groupId,
    kind: OpKind.CREATE,
    lamport: 1,
    parents: [],
    author: admin.userId,
    authorDevice: Uint8Array.from(admin.device.publicKey),
    targets: [{ userId: admin.userId, devices: [Uint8Array.from(admin.device.publicKey)] }],
    name: 'team',
    mailboxes: [],
    createdAt: 1n
  })
}

async function op (log: MembershipLog, author: Member, kind: GroupOp.Kind, targets: Member[]): Promise<VerifiedOp> {
  return signOp(author.device, log.next({ kind, author: author.userId, authorDevice: author.device.publicKey, targets: targets.map(t => ({ userId: t.userId, devices: [Uint8Array.from(t.device.publicKey)] })) }))
}

function members (log: MembershipLog): string[] {
  return [...log.state.members.keys()].sort()
}

describe('group membership log', () => {
  let a: Member, b: Member, c: Member, d: Member

  before(async () => {
    [a, b, c, d] = await Promise.all([member(), member(), member(), member()])
  })

  it('the creator adds and removes; everyone replaying the same operations gets the same members', async () => {
    const root = await create(a)
    const log = MembershipLog.create(root)
    const add = await op(log, a, OpKind.ADD, [b, c])
    expect(log.add(add).status).to.equal('added')
    expect(members(log)).to.deep.equal([a.userId, b.userId, c.userId].sort())
    const remove = await op(log, a, OpKind.REMOVE, [c])
    log.add(remove)
    expect(members(log)).to.deep.equal([a.userId, b.userId].sort())
    expect(log.add(remove).status).to.equal('duplicate')

    const { log: rebuilt, rejected } = await MembershipLog.fromOps(groupId, [remove.bytes, root.bytes, add.bytes])
    expect(rejected).to.be.empty()
    expect(members(rebuilt)).to.deep.equal(members(log))
  })

  it('refuses a non-admin\'s add, a forged signature, another group\'s operation and a wrong lamport', async () => {
    const log = MembershipLog.create(await create(a))
    log.add(await op(log, a, OpKind.ADD, [b]))
    expect(() => log.add(undefined as any)).to.throw()
    const byB = await op(log, b, OpKind.ADD, [c])
    expect(() => log.add(byB)).to.throw().with.property('name', 'GroupPermissionError')
    expect(members(log)).to.not.include(c.userId)

    // signed by a device that is not the author's
    const impostor = await signOp(c.device, log.next({ kind: OpKind.ADD, author: a.userId, authorDevice: c.device.publicKey, targets: [{ userId: d.userId, devices: [Uint8Array.from(d.device.publicKey)] }] }))
    expect(() => log.add(impostor)).to.throw().with.property('name', 'GroupPermissionError')

    // bytes altered after signing
    const good = await op(log, a, OpKind.ADD, [d])
    const altered = Uint8Array.from(good.bytes)
    altered[10] ^= 1
    await expect(verifyOp(altered, groupId)).to.eventually.be.rejected.with.property('name').that.matches(/InvalidSignatureError|MalformedMessageError/)
    await expect(verifyOp(good.bytes, new Uint8Array(32))).to.eventually.be.rejected.with.property('name', 'MalformedMessageError')
    await expect(verifyOp(crypto.getRandomValues(new Uint8Array(100)), groupId)).to.eventually.be.rejected.with.property('name', 'MalformedMessageError')

    const wrongLamport = await signOp(a.device, { ...log.next({ kind: OpKind.ADD, author: a.userId, authorDevice: a.device.publicKey, targets: [] }), lamport: 9 })
    expect(() => log.add(wrongLamport)).to.throw().with.property('name', 'MalformedMessageError')
    // a second create
    await expect(MembershipLog.fromOps(groupId, [(await create(a)).bytes, (await create(b)).bytes])).to.eventually.be.rejected.with.property('name', 'MalformedMessageError')
  })

  it('refuses a re-encoded operation: the same fields in other bytes would be a second copy in the log', async () => {
    const log = MembershipLog.create(await create(a))
    const add = await op(log, a, OpKind.ADD, [b])
    // an unknown field appended, then the two fields in the other order: both decode to the same op and signature
    const withUnknown = Uint8Array.from([...add.bytes, 0x78, 0x01])
    const [opField, signatureField] = [add.bytes.subarray(0, add.bytes.length - 66), add.bytes.subarray(add.bytes.length - 66)]
    const reordered = Uint8Array.from([...signatureField, ...opField])
    for (const bytes of [withUnknown, reordered]) {
      await expect(verifyOp(bytes, groupId)).to.eventually.be.rejected.with.property('name', 'MalformedMessageError')
    }
    expect(log.add(await verifyOp(add.bytes, groupId)).status).to.equal('added')
    expect(log.size).to.equal(2)
  })

  it('holds an operation until its parent arrives', async () => {
    const log = MembershipLog.create(await create(a))
    const other = MembershipLog.create(log.all()[0])
    const first = await op(other, a, OpKind.ADD, [b])
    other.add(first)
    const second = await op(other, a, OpKind.ADD, [c])
    expect(log.add(second).status).to.equal('pending')
    expect(members(log)).to.deep.equal([a.userId])
    const result = log.add(first)
    expect(result.status === 'added' && result.applied.map(v => v.hash)).to.deep.equal([first.hash, second.hash])
    expect(members(log)).to.deep.equal([a.userId, b.userId, c.userId].sort())
  })

  it('two admins acting at once converge, whatever order their operations arrive in', async () => {
    const root = await create(a)
    const base = MembershipLog.create(root)
    const add = await op(base, a, OpKind.ADD, [b, c, d])
    base.add(add)
    const promote = await op(base, a, OpKind.PROMOTE, [b])
    base.add(promote)
    // concurrent: A removes D, B removes A (same parents)
    const byA = await op(base, a, OpKind.REMOVE, [d])
    const byB = await op(base, b, OpKind.REMOVE, [a])
    const one = (await MembershipLog.fromOps(groupId, [root.bytes, add.bytes, promote.bytes])).log
    const two = (await MembershipLog.fromOps(groupId, [root.bytes, add.bytes, promote.bytes])).log
    one.add(byA)
    one.add(byB)
    two.add(byB)
    two.add(byA)
    expect(members(one)).to.deep.equal(members(two))
    expect([...one.state.members.values()].map(m => m.admin)).to.deep.equal([...two.state.members.values()].map(m => m.admin))
    // exactly one of the two took effect: the one ordered first by (lamport, hash) removed the other's author or target
    const aFirst = byA.hash < byB.hash
    expect(members(one)).to.deep.equal((aFirst ? [b.userId, c.userId] : [b.userId, c.userId, d.userId]).sort())
  })
})
