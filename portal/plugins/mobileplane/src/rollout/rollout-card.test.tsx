import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { mobileplaneApiRef } from '../api/mobileplane-api';
import { backendView, fakeMobileplaneApi } from '../testing/fake-mobileplane-api';
import { RolloutCard } from './rollout-card';

const paused = backendView({
  namespace: 'shop-prod',
  tier: 'prod',
  status: {
    rollout: { phase: 'Paused', step: 0, weight: 25, stableVersion: '1.0.0', canaryVersion: '1.1.0' },
  } as never,
});

describe('RolloutCard', () => {
  it('promotes a paused rollout when the policy allows it', async () => {
    const api = fakeMobileplaneApi();
    const onChanged = jest.fn();
    renderInTestApp(<RolloutCard view={paused} onChanged={onChanged} />, {
      apis: [
        [mobileplaneApiRef, api],
        [permissionApiRef, mockApis.permission({ authorize: AuthorizeResult.ALLOW })],
      ],
    });
    expect(await screen.findByText('Canary weight 25%, step 1 of 2')).toBeInTheDocument();
    const promote = await screen.findByRole('button', { name: 'Promote' });
    await waitFor(() => expect(promote).toBeEnabled());
    fireEvent.click(promote);
    await waitFor(() => expect(api.rollout).toHaveBeenCalledWith(paused, 'promote'));
    expect(await screen.findByText('Promotion requested.')).toBeInTheDocument();
    expect(onChanged).toHaveBeenCalled();
  });

  it('disables promote and abort, saying why, when the policy denies them', async () => {
    const api = fakeMobileplaneApi();
    // usePermission caches decisions per permission and resource (SWR), so this test asks about another backend.
    const other = { ...paused, name: 'other' };
    renderInTestApp(<RolloutCard view={other} onChanged={jest.fn()} />, {
      apis: [
        [mobileplaneApiRef, api],
        [permissionApiRef, mockApis.permission({ authorize: AuthorizeResult.DENY })],
      ],
    });
    expect(await screen.findByText('Only team shop may promote or abort in prod.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Promote' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Abort' })).toBeDisabled();
  });

  it('disables promote when there is nothing to promote', async () => {
    renderInTestApp(<RolloutCard view={backendView({})} onChanged={jest.fn()} />, {
      apis: [
        [mobileplaneApiRef, fakeMobileplaneApi()],
        [permissionApiRef, mockApis.permission({ authorize: AuthorizeResult.ALLOW })],
      ],
    });
    expect(await screen.findByRole('status', { name: 'Rollout phase Stable' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Promote' })).toBeDisabled();
  });
});
