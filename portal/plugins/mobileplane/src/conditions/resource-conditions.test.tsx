import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import { ResourceConditions } from './resource-conditions';
import type { ResourceCondition, ResourceStatusView } from './resource-status';

function shop(conditions: ResourceCondition[], apiVersion = 'mobileplane.io/v1alpha1'): ResourceStatusView {
  return {
    apiVersion,
    kind: 'MobileBackend',
    metadata: { name: 'shop', namespace: 'team-a', generation: 4 },
    status: { observedGeneration: 4, conditions },
  };
}

function rowOf(type: string): HTMLElement {
  const row = screen.getByRole('cell', { name: type }).closest('tr');
  if (!row) throw new Error(`no row for condition ${type}`);
  return row;
}

describe('ResourceConditions', () => {
  it('shows a Ready badge and every condition, Ready first', async () => {
    renderInTestApp(
      <ResourceConditions
        resource={shop([
          { type: 'Progressing', status: 'False', reason: 'RolloutComplete' },
          { type: 'Ready', status: 'True', reason: 'Available', message: 'All components are available' },
        ])}
      />,
    );

    const badge = await screen.findByRole('status', { name: 'Ready' });
    expect(badge).toHaveTextContent('Available: All components are available');
    expect(screen.getByText('MobileBackend team-a/shop')).toBeInTheDocument();
    const rows = within(screen.getByRole('table', { name: 'Conditions' })).getAllByRole('row');
    expect(rows.map((row) => row.querySelector('td')?.textContent)).toEqual([undefined, 'Ready', 'Progressing']);
    expect(within(rowOf('Progressing')).getByText('RolloutComplete')).toBeInTheDocument();
    expect(screen.queryByText(/the portal understands/)).not.toBeInTheDocument();
  });

  it('shows Not ready with the reason and message when Ready is False', async () => {
    renderInTestApp(
      <ResourceConditions
        resource={shop([
          {
            type: 'Ready',
            status: 'False',
            reason: 'RolloutFailed',
            message: 'canary analysis failed: success rate 91% < 99%',
            lastTransitionTime: '2026-11-20T10:00:00Z',
          },
          { type: 'Degraded', status: 'True', reason: 'CanaryAborted' },
        ])}
      />,
    );

    const badge = await screen.findByRole('status', { name: 'Not ready' });
    expect(badge).toHaveTextContent('RolloutFailed: canary analysis failed: success rate 91% < 99%');
    expect(screen.queryByRole('status', { name: 'Ready' })).not.toBeInTheDocument();
    const ready = within(rowOf('Ready'));
    expect(ready.getByText('False')).toBeInTheDocument();
    expect(ready.getByText('2026-11-20T10:00:00Z')).toBeInTheDocument();
    expect(within(rowOf('Degraded')).getByText('True')).toBeInTheDocument();
  });

  it('says so when nothing has been reported and when the API version is foreign', async () => {
    renderInTestApp(<ResourceConditions resource={shop([], 'mobileplane.io/v1beta1')} />);

    expect(await screen.findByRole('status', { name: 'Unknown' })).toBeInTheDocument();
    expect(screen.getByText('No conditions reported yet.')).toBeInTheDocument();
    expect(
      screen.getByText(
        'This resource is served as mobileplane.io/v1beta1; the portal understands mobileplane.io/v1alpha1.',
      ),
    ).toBeInTheDocument();
  });
});
