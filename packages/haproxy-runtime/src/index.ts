/**
 * @ha/haproxy-runtime: HAProxy Runtime API client over the stats socket.
 */
export { haproxyRuntimeTools } from './tools.js';
