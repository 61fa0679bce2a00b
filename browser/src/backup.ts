/**
 * Backup files, in their own chunk: scrypt and the backup format load only
 * when the user exports or restores one.
 */

export { exportBackup, importBackup } from '@hypha/core'
