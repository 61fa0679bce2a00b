/**
 * Errors of the `hypha` command line. A UsageError exits with 1, everything
 * else with 2; callers and tests switch on `.name`.
 */

import { namedError as named } from '@hypha/core'

/** The command line is wrong: unknown command or flag, missing or bad argument */
export class UsageError extends named('UsageError') {}

/** `init` or `backup import` in a home that already has an identity */
export class IdentityExistsError extends named('IdentityExistsError') {}

/** No bootstrap node could be reached, or none serves the DHT */
export class BootstrapError extends named('BootstrapError') {}

/** Another process holds the home's database */
export class DatabaseLockedError extends named('DatabaseLockedError') {}
