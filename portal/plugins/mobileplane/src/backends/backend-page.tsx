import { useNavigate, useParams } from 'react-router-dom';
import { MobileplaneFrame } from '../common/mobileplane-nav';
import { useBasePath } from '../common/use-base-path';
import { BackendDetails } from './backend-details';

/** `/mobileplane/backends/:cluster/:namespace/:name`. */
export function BackendPage() {
  const { cluster = '', namespace = '', name = '' } = useParams();
  const base = useBasePath();
  const navigate = useNavigate();
  return (
    <MobileplaneFrame title={name} subtitle={`MobileBackend in ${namespace} (${cluster})`}>
      <BackendDetails
        backendRef={{ cluster, namespace, name }}
        onDeleted={() => setTimeout(() => navigate(base || '/'), 1500)}
      />
    </MobileplaneFrame>
  );
}
