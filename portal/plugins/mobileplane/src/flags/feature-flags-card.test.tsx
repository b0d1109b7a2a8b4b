import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { mobileplaneApiRef } from '../api/mobileplane-api';
import { backendView, fakeMobileplaneApi } from '../testing/fake-mobileplane-api';
import { FeatureFlagsCard } from './feature-flags-card';

describe('FeatureFlagsCard', () => {
  it('lists each flag of the sets that reference the backend, with acceptance', async () => {
    const api = fakeMobileplaneApi({
      getFeatureFlags: jest.fn(async () => ({
        served: true as const,
        items: [
          {
            apiVersion: 'mobileplane.io/v1alpha1',
            kind: 'FeatureFlagSet',
            metadata: { name: 'shop-flags', namespace: 'shop-dev' },
            spec: {
              backendRef: { name: 'shop' },
              flags: {
                'new-checkout': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' },
              },
            },
            status: {
              conditions: [
                {
                  type: 'Accepted',
                  status: 'True',
                  reason: 'Valid',
                  message: '',
                  lastTransitionTime: '2026-11-30T10:00:00Z',
                },
              ],
            },
          } as never,
        ],
      })),
    });
    renderInTestApp(<FeatureFlagsCard view={backendView({})} />, {
      apis: [
        [mobileplaneApiRef, api],
        [permissionApiRef, mockApis.permission({ authorize: AuthorizeResult.ALLOW })],
      ],
    });
    const row = (await screen.findByRole('cell', { name: 'new-checkout' })).closest('tr');
    if (!row) throw new Error('no row');
    expect(within(row).getByText('ENABLED')).toBeInTheDocument();
    expect(within(row).getByText('on, off')).toBeInTheDocument();
    expect(within(row).getByText('True (Valid)')).toBeInTheDocument();
    const toggle = within(row).getByRole('checkbox', { name: 'new-checkout enabled' });
    await waitFor(() => expect(toggle).toBeEnabled());
    fireEvent.click(toggle);
    await waitFor(() =>
      expect(api.setFlagState).toHaveBeenCalledWith(backendView({}), 'shop-flags', 'new-checkout', 'DISABLED'),
    );
  });

  it('says so when the cluster does not serve FeatureFlagSets', async () => {
    renderInTestApp(<FeatureFlagsCard view={backendView({})} />, { apis: [[mobileplaneApiRef, fakeMobileplaneApi()]] });
    expect(await screen.findByText(/does not serve FeatureFlagSets/)).toBeInTheDocument();
  });
});
