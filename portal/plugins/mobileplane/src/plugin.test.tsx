import { createExtensionTester, renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import mobileplanePlugin, { legacyMobileplanePlugin } from './index';
import { mobileplanePage } from './plugin';

describe('mobileplane plugin', () => {
  it('is registered under the same id in both frontend systems', () => {
    expect(mobileplanePlugin.pluginId).toBe('mobileplane');
    expect(legacyMobileplanePlugin.getId()).toBe('mobileplane');
  });

  it('mounts a page that lists the mobileplane.io kinds', async () => {
    renderInTestApp(createExtensionTester(mobileplanePage).reactElement());
    expect(await screen.findByText('mobilebackends.mobileplane.io')).toBeInTheDocument();
    expect(screen.getByText('mobileenvironments.mobileplane.io')).toBeInTheDocument();
  });
});
