/**
 * @ha/drbd: DRBD resource files, drbdadm/drbdsetup client, and status and event parsing.
 */
export { drbdTools } from './tools.js';
