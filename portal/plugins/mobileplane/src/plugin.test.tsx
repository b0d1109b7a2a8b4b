import { createExtensionTester, renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { mobileplaneApiRef } from './api/mobileplane-api';
import mobileplanePlugin, { legacyMobileplanePlugin } from './index';
import { mobileplanePage } from './plugin';
import { backendView, fakeMobileplaneApi } from './testing/fake-mobileplane-api';

describe('mobileplane plugin', () => {
  it('is registered under the same id in both frontend systems', () => {
    expect(mobileplanePlugin.pluginId).toBe('mobileplane');
    expect(legacyMobileplanePlugin.getId()).toBe('mobileplane');
  });

  it('mounts a page that lists the backends', async () => {
    const api = fakeMobileplaneApi({
      listBackends: jest.fn(async () => ({ items: [backendView({ name: 'rides' })] })),
    });
    renderInTestApp(createExtensionTester(mobileplanePage).reactElement(), { apis: [[mobileplaneApiRef, api]] });
    expect(await screen.findByRole('link', { name: 'rides' })).toBeInTheDocument();
  });
});
