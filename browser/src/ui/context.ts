/**
 * What the root component provides to the others (@lit/context): the app's
 * client, and the Messenger once this device has an identity.
 */

import { createContext } from '@lit/context'
import type { HyphaClient } from '../hypha-client.ts'
import type { Messenger } from '@hypha/core'

export const clientContext = createContext<HyphaClient>(Symbol('hypha-client'))

export const messengerContext = createContext<Messenger | undefined>(Symbol('hypha-messenger'))
