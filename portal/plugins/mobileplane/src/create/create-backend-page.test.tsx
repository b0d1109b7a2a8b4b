import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { FieldErrorsError, mobileplaneApiRef } from '../api/mobileplane-api';
import { environmentView, fakeMobileplaneApi } from '../testing/fake-mobileplane-api';
import { CreateBackendPage, backendFormSchema } from './create-backend-page';

function fill(api: ReturnType<typeof fakeMobileplaneApi>) {
  renderInTestApp(<CreateBackendPage />, { apis: [[mobileplaneApiRef, api]] });
}

async function chooseEnvironment() {
  // The options arrive with the first poll of the environments.
  const option = 'shop-dev (dev, team shop)';
  await waitFor(
    async () => {
      const select = document.getElementById('backend-environment');
      if (!select) throw new Error('no environment select');
      fireEvent.mouseDown(select);
      expect(await screen.findByRole('option', { name: option }, { timeout: 200 })).toBeInTheDocument();
    },
    { timeout: 10_000 },
  );
  fireEvent.click(screen.getByRole('option', { name: option }));
}

describe('CreateBackendPage', () => {
  const environments = jest.fn(async () => ({ items: [environmentView('shop-dev', 'dev', 'shop')] }));

  it('asks for quantities as text', () => {
    type Node = { properties: Record<string, Node>; anyOf?: unknown; type?: string };
    const root = backendFormSchema(true) as unknown as Node;
    const cpu = root.properties.components?.properties.api?.properties.resources?.properties.requests?.properties.cpu;
    expect(cpu?.anyOf).toBeUndefined();
    expect(cpu?.type).toBe('string');
  });

  it('is generated from the CRD schema, essential fields first', () => {
    expect(Object.keys(backendFormSchema(false).properties ?? {})).toEqual(['runtime']);
    expect(Object.keys(backendFormSchema(true).properties ?? {})).toEqual(
      expect.arrayContaining(['runtime', 'components', 'auth', 'rollout', 'security']),
    );
  });

  it("shows the schema's message beside an invalid field and sends nothing", async () => {
    const api = fakeMobileplaneApi({ listEnvironments: environments });
    fill(api);
    await chooseEnvironment();
    fireEvent.change(screen.getByRole('textbox', { name: /^Name/ }), { target: { value: 'shop' } });
    fireEvent.change(await screen.findByRole('textbox', { name: /^version/i }), { target: { value: 'not a tag!' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(
      await screen.findByText(
        'must be an image tag such as 1.4.2 or a digest such as sha256:<64 hex>',
        {},
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    expect(api.createBackend).not.toHaveBeenCalled();
  });

  it('creates the backend and shows fields the API refused', async () => {
    const api = fakeMobileplaneApi({
      listEnvironments: environments,
      createBackend: jest.fn(async () => {
        throw new FieldErrorsError('invalid', [{ field: 'metadata.name', message: 'is taken by a teapot' }]);
      }),
    });
    fill(api);
    await chooseEnvironment();
    fireEvent.change(screen.getByRole('textbox', { name: /^Name/ }), { target: { value: 'shop' } });
    fireEvent.change(await screen.findByRole('textbox', { name: /^version/i }), { target: { value: '1.2.3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    await waitFor(
      () =>
        expect(api.createBackend).toHaveBeenCalledWith({
          cluster: 'local',
          namespace: 'shop-dev',
          name: 'shop',
          spec: expect.objectContaining({ runtime: { version: '1.2.3' } }),
        }),
      { timeout: 10_000 },
    );
    expect(await screen.findByText('is taken by a teapot', {}, { timeout: 10_000 })).toBeInTheDocument();
  });
});
