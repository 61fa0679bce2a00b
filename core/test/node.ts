/**
 * Node-only tests (they read files with node:fs). aegir's node target runs
 * `test/node.*ts` and `test/**\/*.spec.*ts`; it does not glob `*.node.ts`, so
 * they are imported here.
 */

import './crypto/wycheproof-curves.node.ts'
import './crypto/wycheproof-symmetric.node.ts'
import './protocol/vectors.node.ts'
import './messenger.node.ts'
import './services/rendezvous/rendezvous.node.ts'
import './services/mailbox/mailbox.node.ts'
import './services/mailbox/stamp.node.ts'
import './services/mailbox/mailbox-list.node.ts'
import './messenger-mailbox.node.ts'
import './groups.node.ts'
