/**
 * Bridges events of a core object (the Messenger, the client, the libp2p
 * node) into a component: subscribes when the host connects, unsubscribes
 * when it disconnects, and follows the target when it changes (the Messenger
 * appears once the user has signed in).
 */

import type { ReactiveController, ReactiveControllerHost } from 'lit'

export class EventsController implements ReactiveController {
  private readonly host: ReactiveControllerHost
  private readonly target: () => EventTarget | undefined
  private readonly types: readonly string[]
  private readonly onEvent: (event: Event) => void
  private subscribed?: EventTarget
  private readonly listener = (event: Event): void => { this.onEvent(event) }

  /**
   * @param host - the component
   * @param target - where the events come from now (read on connect and before each update)
   * @param types - the event types to follow
   * @param onEvent - what to do with one; by default the host updates
   */
  constructor (host: ReactiveControllerHost, target: () => EventTarget | undefined, types: readonly string[], onEvent?: (event: Event) => void) {
    this.host = host
    this.target = target
    this.types = types
    this.onEvent = onEvent ?? (() => { host.requestUpdate() })
    host.addController(this)
  }

  hostConnected (): void {
    this.follow()
  }

  hostUpdate (): void {
    this.follow()
  }

  hostDisconnected (): void {
    this.unsubscribe()
  }

  private follow (): void {
    const target = this.target()
    if (target === this.subscribed) { return }
    this.unsubscribe()
    if (target == null) { return }
    for (const type of this.types) { target.addEventListener(type, this.listener) }
    this.subscribed = target
  }

  private unsubscribe (): void {
    if (this.subscribed == null) { return }
    for (const type of this.types) { this.subscribed.removeEventListener(type, this.listener) }
    this.subscribed = undefined
  }
}
