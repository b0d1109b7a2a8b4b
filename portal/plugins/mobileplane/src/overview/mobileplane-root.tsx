import { Route, Routes, useResolvedPath } from 'react-router-dom';
import { BackendPage } from '../backends/backend-page';
import { BackendsPage } from '../backends/backends-page';
import { BasePathContext } from '../common/use-base-path';
import { CreateBackendPage } from '../create/create-backend-page';
import { EnvironmentsPage } from '../environments/environments-page';

/** The plugin's pages under its mount path: backends, create, one backend, environments. */
export function MobileplaneRoot() {
  const base = useResolvedPath('.').pathname.replace(/\/$/, '');
  return (
    <BasePathContext.Provider value={base}>
      <Routes>
        <Route path="/" element={<BackendsPage />} />
        <Route path="/create" element={<CreateBackendPage />} />
        <Route path="/environments" element={<EnvironmentsPage />} />
        <Route path="/backends/:cluster/:namespace/:name" element={<BackendPage />} />
      </Routes>
    </BasePathContext.Provider>
  );
}
