import { useEntity } from '@backstage/plugin-catalog-react';
import { parseMobileBackendResourceRef } from '@mobileplane/backstage-plugin-mobileplane-common';
import Typography from '@material-ui/core/Typography';
import { BackendDetails } from '../backends/backend-details';

/** Annotation the catalog module puts on each backend's Component: `<cluster>:<namespace>/<name>`. */
export const BACKEND_ANNOTATION = 'mobileplane.io/backend';

/** True for entities published by the Mobileplane catalog module for a MobileBackend. */
export function isMobileBackendEntity(entity: { metadata: { annotations?: Record<string, string> } }): boolean {
  return !!entity.metadata.annotations?.[BACKEND_ANNOTATION];
}

/** The entity tab: the backend's details, for the Component the catalog module published. */
export function EntityMobileplaneContent() {
  const { entity } = useEntity();
  const ref = parseMobileBackendResourceRef(entity.metadata.annotations?.[BACKEND_ANNOTATION] ?? '');
  if (!ref) {
    return <Typography>{`This entity has no valid ${BACKEND_ANNOTATION} annotation.`}</Typography>;
  }
  return <BackendDetails backendRef={ref} />;
}
