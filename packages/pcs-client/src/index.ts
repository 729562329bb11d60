/**
 * @ha/pcs-client: Typed client of pcs and the Pacemaker CLI tools, and a typed model of cluster status.
 */
export { pacemakerTools } from './tools.js';
