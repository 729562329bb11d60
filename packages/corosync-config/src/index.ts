/**
 * @ha/corosync-config: corosync.conf model: lossless parse and serialize, generation, validation and ring status.
 */
export { corosyncTools } from './tools.js';
