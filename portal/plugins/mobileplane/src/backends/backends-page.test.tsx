import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { mobileplaneApiRef } from '../api/mobileplane-api';
import { backendView, fakeMobileplaneApi } from '../testing/fake-mobileplane-api';
import { BackendsPage } from './backends-page';

function rowOf(name: string): HTMLElement {
  const row = screen.getByRole('link', { name }).closest('tr');
  if (!row) throw new Error(`no row for ${name}`);
  return row;
}

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`no element #${id}`);
  return element;
}

const ready = {
  conditions: [
    { type: 'Ready', status: 'True', reason: 'Available', message: '', lastTransitionTime: '2026-11-30T10:00:00Z' },
  ],
};

describe('BackendsPage', () => {
  it('shows each backend with Ready, version and rollout, and filters by tier', async () => {
    const api = fakeMobileplaneApi({
      listBackends: jest.fn(async () => ({
        items: [
          backendView({ name: 'shop', status: ready as never }),
          backendView({
            name: 'rides',
            namespace: 'rides-prod',
            tier: 'prod',
            team: 'rides',
            version: '2.0.0',
            status: { rollout: { phase: 'Paused', weight: 25 } } as never,
          }),
        ],
      })),
    });
    renderInTestApp(<BackendsPage />, { apis: [[mobileplaneApiRef, api]] });

    await screen.findByRole('link', { name: 'shop' });
    const shopRow = rowOf('shop');
    expect(within(shopRow).getByText('Ready')).toBeInTheDocument();
    const ridesRow = rowOf('rides');
    expect(within(ridesRow).getByText('Paused (25%)')).toBeInTheDocument();
    expect(within(ridesRow).getByText('2.0.0')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'shop' })).toHaveAttribute(
      'href',
      '/mobileplane/backends/local/shop-dev/shop',
    );

    fireEvent.mouseDown(byId('filter-tier'));
    fireEvent.click(within(screen.getByRole('listbox')).getByText('prod'));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'shop' })).not.toBeInTheDocument());
    expect(screen.getByRole('link', { name: 'rides' })).toBeInTheDocument();
  });

  it('says when there is nothing yet, and when a cluster cannot be read', async () => {
    const api = fakeMobileplaneApi({
      listBackends: jest.fn(async () => ({ items: [], errors: [{ cluster: 'eu', message: 'connection refused' }] })),
    });
    renderInTestApp(<BackendsPage />, { apis: [[mobileplaneApiRef, api]] });
    expect(
      await screen.findByText('No MobileBackends yet. Create one, or request an environment first.'),
    ).toBeInTheDocument();
    expect(screen.getByText('Cluster eu could not be read: connection refused')).toBeInTheDocument();
  });

  it('shows the error when the API fails', async () => {
    const api = fakeMobileplaneApi({ listBackends: jest.fn(async () => Promise.reject(new Error('backend down'))) });
    renderInTestApp(<BackendsPage />, { apis: [[mobileplaneApiRef, api]] });
    expect((await screen.findAllByText(/backend down/)).length).toBeGreaterThan(0);
  });
});
