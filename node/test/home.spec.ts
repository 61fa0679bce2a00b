import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect } from 'aegir/chai'
import { resolveHome } from '../src/index.ts'

const HOME = '/home/alice'

describe('resolveHome', () => {
  it('prefers --home over HYPHA_HOME', () => {
    expect(resolveHome({ home: '/srv/hypha', env: { HYPHA_HOME: '/var/hypha' }, homedir: HOME }))
      .to.equal('/srv/hypha')
  })

  it('uses HYPHA_HOME when there is no --home', () => {
    expect(resolveHome({ env: { HYPHA_HOME: '/var/hypha' }, homedir: HOME })).to.equal('/var/hypha')
  })

  it('defaults to ~/.hypha', () => {
    expect(resolveHome({ env: {}, homedir: HOME })).to.equal('/home/alice/.hypha')
  })

  it('treats an empty HYPHA_HOME as unset', () => {
    expect(resolveHome({ env: { HYPHA_HOME: '' }, homedir: HOME })).to.equal('/home/alice/.hypha')
    expect(resolveHome({ env: { HYPHA_HOME: '  ' }, homedir: HOME })).to.equal('/home/alice/.hypha')
  })

  it('refuses an empty --home', () => {
    expect(() => resolveHome({ home: '', env: {}, homedir: HOME }))
      .to.throw(TypeError, '--home must not be empty')
  })

  it('makes relative paths absolute against the working directory', () => {
    expect(resolveHome({ home: 'data/hypha', env: {}, homedir: HOME }))
      .to.equal(join(process.cwd(), 'data/hypha'))
    expect(resolveHome({ env: { HYPHA_HOME: './x' }, homedir: HOME }))
      .to.equal(join(process.cwd(), 'x'))
  })

  it('normalizes absolute paths', () => {
    expect(resolveHome({ home: '/srv//hypha/../hypha/', env: {}, homedir: HOME })).to.equal('/srv/hypha')
  })

  it('expands a leading ~', () => {
    expect(resolveHome({ home: '~', env: {}, homedir: HOME })).to.equal('/home/alice')
    expect(resolveHome({ home: '~/h', env: {}, homedir: HOME })).to.equal('/home/alice/h')
    expect(resolveHome({ env: { HYPHA_HOME: '~/e' }, homedir: HOME })).to.equal('/home/alice/e')
  })

  it('does not expand ~ elsewhere', () => {
    expect(resolveHome({ home: '/srv/~/h', env: {}, homedir: HOME })).to.equal('/srv/~/h')
  })

  it('defaults to the real environment and home directory', () => {
    const expected = process.env.HYPHA_HOME != null && process.env.HYPHA_HOME.trim() !== ''
      ? resolve(process.env.HYPHA_HOME)
      : join(homedir(), '.hypha')
    expect(resolveHome()).to.equal(expected)
  })
})
