/**
 * Backstage backend plugin for Mobileplane: the portal's HTTP API over the mobileplane.io resources.
 *
 * @packageDocumentation
 */
export { mobileplanePlugin as default } from './plugin';
