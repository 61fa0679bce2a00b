import { expect } from 'aegir/chai'
import { SerialLoad } from '../src/controllers/serial-load.ts'

/** A promise and its resolve, to hold a run at one of its awaits */
function gate (): { promise: Promise<void>, open(): void } {
  let open = (): void => {}
  const promise = new Promise<void>(resolve => { open = resolve })
  return { promise, open }
}

/** A task of two steps (a load, then a last step such as marking the messages read), each held by a gate */
function twoSteps (): { task(): Promise<void>, finish(run: number): void, started: number[], first: Array<ReturnType<typeof gate>>, last: Array<ReturnType<typeof gate>>, active(): number, most(): number } {
  const started: number[] = []
  const first: Array<ReturnType<typeof gate>> = []
  const last: Array<ReturnType<typeof gate>> = []
  let active = 0
  let most = 0
  return {
    started,
    first,
    last,
    active: () => active,
    most: () => most,
    /** Lets run `run` through both of its steps */
    finish (run: number) {
      first[run].open()
      last[run].open()
    },
    async task () {
      const run = started.length
      started.push(run)
      active++
      most = Math.max(most, active)
      first[run] = gate()
      last[run] = gate()
      await first[run].promise
      await last[run].promise
      active--
    }
  }
}

const tick = async (): Promise<void> => { await new Promise(resolve => setTimeout(resolve, 0)) }

describe('SerialLoad', () => {
  it('runs the task once for one request', async () => {
    const steps = twoSteps()
    const load = new SerialLoad(steps.task)
    const done = load.request()
    await tick()
    steps.finish(0)
    await done
    expect(steps.started).to.have.lengthOf(1)
  })

  it('runs once more for a request during the last step of a run (a receipt while the messages are marked read)', async () => {
    const steps = twoSteps()
    const load = new SerialLoad(steps.task)
    const done = load.request()
    await tick()
    steps.first[0].open()
    await tick()
    // the first run has read the data and is in its last step: a change now must be shown by another run
    void load.request()
    steps.last[0].open()
    await tick()
    expect(steps.started).to.have.lengthOf(2)
    steps.finish(1)
    await done
    expect(steps.started).to.have.lengthOf(2)
  })

  it('makes one more run, not many, for many requests during a run, and never two runs at once', async () => {
    const steps = twoSteps()
    const load = new SerialLoad(steps.task)
    const done = load.request()
    await tick()
    for (let i = 0; i < 10; i++) { void load.request() }
    steps.first[0].open()
    for (let i = 0; i < 10; i++) { void load.request() }
    steps.last[0].open()
    await tick()
    steps.finish(1)
    await done
    expect(steps.started).to.have.lengthOf(2)
    expect(steps.most()).to.equal(1)
    expect(steps.active()).to.equal(0)
  })

  it('runs again after a task that threw', async () => {
    let runs = 0
    const load = new SerialLoad(async () => {
      runs++
      if (runs === 1) { throw new Error('the database closed') }
    })
    await expect(load.request()).to.eventually.be.rejectedWith('the database closed')
    await load.request()
    expect(runs).to.equal(2)
  })
})
