/**
 * @ha/haproxy-config: haproxy.cfg model: lossless parse and serialize, builder, validation and safe install.
 */
export { haproxyConfigTools } from './tools.js';
