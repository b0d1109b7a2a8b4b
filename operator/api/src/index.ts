export { API_VERSION, GROUP, KINDS, VERSION, crdName, isMobileplaneKind } from './group-version.ts';
export type { KindName } from './group-version.ts';
