/**
 * Reloads a view's data one run at a time. A request that comes while a run
 * is under way (at any await of it, its last step included) makes exactly one
 * more run after it, so the data shown always comes from a run that started
 * after the latest change. Many requests during one run make one more run,
 * not many.
 */
export class SerialLoad {
  private readonly task: () => Promise<void>
  private running = false
  private requested = false

  /** `task` handles its own errors; one that throws ends the current series of runs */
  constructor (task: () => Promise<void>) {
    this.task = task
  }

  /** Runs the task now (resolving once no request is left), or asks the run under way for one more (resolving at once) */
  async request (): Promise<void> {
    this.requested = true
    if (this.running) { return }
    this.running = true
    try {
      while (this.requested) {
        this.requested = false
        await this.task()
      }
    } finally {
      this.running = false
    }
  }
}
