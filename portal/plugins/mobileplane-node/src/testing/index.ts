/** Test helpers for the Mobileplane plugins and modules. */
export { InMemoryClusterClient } from './in-memory-cluster-client';
