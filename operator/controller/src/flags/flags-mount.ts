/**
 * Where a backend's flags reach its api pods: the FeatureFlagSet controller writes the ConfigMap
 * `<backend>-flags`, the api Deployment mounts it as a directory (never with subPath, so kubelet refreshes the
 * file when the ConfigMap changes) and the runtime's `flags.file` points at the file (docs/decisions/0500).
 */
export const FLAGS_FILE_KEY = 'flags.json';
export const FLAGS_MOUNT_DIRECTORY = '/etc/mobileplane-flags';
export const FLAGS_FILE_PATH = `${FLAGS_MOUNT_DIRECTORY}/${FLAGS_FILE_KEY}`;

/** The ConfigMap of a backend's flags: `<backend>-flags`. */
export function flagsConfigMapName(backend: string): string {
  return `${backend}-flags`;
}
