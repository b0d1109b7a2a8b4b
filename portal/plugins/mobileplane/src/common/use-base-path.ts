import { createContext, useContext } from 'react';

/**
 * Where the plugin's pages are mounted, without a trailing slash. The root page sets it from the route it was mounted
 * at (so it works in both frontend systems and under any path); elsewhere, such as an entity tab, it is the default.
 */
export const BasePathContext = createContext('/mobileplane');

export function useBasePath(): string {
  return useContext(BasePathContext);
}

export const backendPath = (base: string, ref: { cluster: string; namespace: string; name: string }) =>
  `${base}/backends/${encodeURIComponent(ref.cluster)}/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(ref.name)}`;
