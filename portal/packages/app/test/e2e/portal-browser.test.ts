/**
 * The built portal in Debian's Chromium (playwright-core, never a downloaded browser), against the local control
 * plane and the real operator: guest sign-in, create a MobileBackend from the form (an invalid field shows the
 * schema's message), watch it turn Ready without reload, see components and conditions, promote a paused rollout,
 * see promote disabled in another team's prod, request an environment, find the backend in the catalog, a narrow
 * window, keyboard reach. Screenshots of each page go to test-results/e2e/; any console error fails the suite.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@mobileplane/test-harness';
import type { Child, Portal } from './portal-harness';
import { deleteEnvironments, installCrds, kubectl, startOperator, startPortal } from './portal-harness';

const SHOTS = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url));
const SUFFIX = process.pid.toString(36);
const DEV = `pw-shop-dev-${SUFFIX}`;
const PROD = `pw-pay-prod-${SUFFIX}`;
/** A dev environment of team shop whose backends the operator leaves alone, for a paused rollout (startOperator). */
const CANARY = `pw-shop-canary-${SUFFIX}`;
const REQUESTED = `pw-new-${SUFFIX}`;
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const UI_TIMEOUT = 30_000;

let operator: Child;
let portal: Portal;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

const shot = (name: string) => page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
const apply = (manifest: object, namespace?: string) =>
  kubectl(['apply', ...(namespace ? ['-n', namespace] : []), '-f', '-'], JSON.stringify(manifest));
const hasNamespace = async (name: string) => ((await kubectl(['get', 'ns', name]).catch(() => '')) ? true : undefined);

describe('the portal in a browser', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await installCrds();
    operator = await startOperator(DEV);
    portal = await startPortal();
    for (const [name, tier, team] of [
      [DEV, 'dev', 'shop'],
      [PROD, 'prod', 'payments'],
      [CANARY, 'dev', 'shop'],
    ]) {
      await apply({
        apiVersion: 'mobileplane.io/v1alpha1',
        kind: 'MobileEnvironment',
        metadata: { name },
        spec: { tier, team },
      });
    }
    // Paused canaries, as the rollout controller (issue #14) will report them, where the operator does not reconcile.
    const paused = {
      rollout: { phase: 'Paused', step: 0, weight: 25, stableVersion: '1.0.0', canaryVersion: '1.1.0' },
    };
    for (const [namespace, name] of [
      [PROD, 'ledger'],
      [CANARY, 'checkout'],
    ] as const) {
      await waitFor(`namespace ${namespace}`, () => hasNamespace(namespace), 120_000);
      await apply(
        {
          apiVersion: 'mobileplane.io/v1alpha1',
          kind: 'MobileBackend',
          metadata: { name },
          spec: { runtime: { version: '1.0.0' } },
        },
        namespace,
      );
      await kubectl([
        'patch',
        'mb',
        name,
        '-n',
        namespace,
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify({ status: paused }),
      ]);
    }

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(UI_TIMEOUT);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
    await operator?.stop();
    await deleteEnvironments([DEV, PROD, CANARY, REQUESTED]);
  });

  it('signs in as a guest and lists backends', async () => {
    await page.goto(portal.baseUrl);
    await shot('01-sign-in');
    await page.getByRole('button', { name: 'Enter' }).click();
    // Signed in once the app shell shows its navigation; from there the app navigates without a reload.
    await page.getByRole('link', { name: 'Mobileplane' }).click();
    await page.getByRole('link', { name: 'ledger' }).waitFor();
    await page.getByRole('link', { name: 'checkout' }).waitFor();
    await shot('02-backends');
  });

  it("creates a backend from the form, showing the schema's message for an invalid field", async () => {
    await page.locator('a', { hasText: 'Create backend' }).click();
    await page.locator('#backend-environment').click();
    await page.getByRole('option', { name: `${DEV} (dev, team shop)` }).click();
    await page.getByRole('textbox', { name: /^Name/ }).fill('web');
    const version = page.locator('#spec_runtime_version');
    await version.fill('not a tag!');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText('must be an image tag such as 1.4.2 or a digest such as sha256:<64 hex>').waitFor();
    await shot('03-create-invalid');
    await expect(kubectl(['get', 'mb', 'web', '-n', DEV])).rejects.toThrow(/NotFound/);

    await version.fill('1.0.0');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(`**/mobileplane/backends/local/${DEV}/web`);
  });

  it('shows the backend turn Ready without a reload, with components and conditions', async () => {
    await page.getByRole('status', { name: 'Ready' }).waitFor({ timeout: 180_000 });
    await page.getByRole('table', { name: 'Components' }).waitFor();
    await page.getByRole('table', { name: 'Conditions' }).waitFor();
    await shot('04-backend-ready');
  });

  it('promotes a paused rollout', async () => {
    await page.goto(`${portal.baseUrl}/mobileplane/backends/local/${CANARY}/checkout`);
    await page.getByRole('status', { name: 'Rollout phase Paused' }).waitFor();
    const promote = page.getByRole('button', { name: 'Promote' });
    await expect.poll(() => promote.isEnabled(), { timeout: UI_TIMEOUT }).toBe(true);
    await shot('05-rollout-paused');
    await promote.click();
    await page.getByText('Promotion requested.').waitFor();
    const checkout = JSON.parse(await kubectl(['get', 'mb', 'checkout', '-n', CANARY, '-o', 'json']));
    expect(checkout.metadata.annotations['mobileplane.io/rollout-action']).toBe('promote');
  });

  it('reaches every action of the backend page from the keyboard', async () => {
    await page.reload();
    await page.getByRole('status', { name: 'Rollout phase Paused' }).waitFor();
    await expect
      .poll(() => page.getByRole('button', { name: 'Promote' }).isEnabled(), { timeout: UI_TIMEOUT })
      .toBe(true);
    const wanted = ['Backends', 'Environments', 'Delete', 'Promote', 'Abort'];
    const reached = new Set<string>();
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    for (let i = 0; i < 120 && !wanted.every((w) => reached.has(w)); i++) {
      await page.keyboard.press('Tab');
      const name = await focused();
      reached.add(name);
      if (name === 'Backends') {
        // The section tabs are one tab stop; the arrow keys move between them (WAI-ARIA tabs pattern).
        await page.keyboard.press('ArrowRight');
        reached.add(await focused());
        await page.keyboard.press('ArrowLeft');
      }
    }
    expect(wanted.filter((w) => !reached.has(w))).toEqual([]);
  });

  it("disables promote and delete in another team's prod", async () => {
    await page.goto(`${portal.baseUrl}/mobileplane/backends/local/${PROD}/ledger`);
    await page.getByRole('status', { name: 'Rollout phase Paused' }).waitFor();
    await page.getByText('Only team payments may promote or abort in prod.').waitFor();
    expect(await page.getByRole('button', { name: 'Promote' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Delete' }).isDisabled()).toBe(true);
    await shot('06-prod-other-team');
  });

  it('requests an environment', async () => {
    await page.goto(`${portal.baseUrl}/mobileplane/environments`);
    await page.locator('#environment-name').fill(REQUESTED);
    await page.locator('#environment-team').fill('shop');
    await page.getByRole('button', { name: 'Request environment' }).click();
    await page.getByText(`Environment ${REQUESTED} requested.`).waitFor();
    await page.getByRole('cell', { name: REQUESTED, exact: true }).first().waitFor();
    await waitFor(`namespace ${REQUESTED}`, () => hasNamespace(REQUESTED), 120_000);
    await shot('07-environments');
  });

  it('shows the backend in the catalog with its Mobileplane tab', async () => {
    const token = await portal.guestToken();
    await waitFor(
      'the catalog to have the backend',
      async () => {
        const response = await fetch(`${portal.baseUrl}/api/catalog/entities/by-name/component/local/${DEV}.web`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return response.ok ? true : undefined;
      },
      120_000,
    );
    await page.goto(`${portal.baseUrl}/catalog/local/component/${DEV}.web`);
    await page.getByText('mobile-backend').first().waitFor();
    await shot('08-catalog-entity');
    // The entity page's tabs are links to sub-paths; the Mobileplane tab is `…/mobileplane`.
    await page.locator('main').getByText('Mobileplane', { exact: true }).click();
    await page.waitForURL(`**/catalog/local/component/${DEV}.web/mobileplane`);
    await page.getByRole('table', { name: 'Components' }).waitFor();
    await shot('09-catalog-mobileplane-tab');
  });

  it('works in a narrow window', async () => {
    await page.setViewportSize({ width: 420, height: 800 });
    await page.goto(`${portal.baseUrl}/mobileplane`);
    await page.getByRole('link', { name: 'web' }).waitFor();
    expect(await page.locator('a', { hasText: 'Create backend' }).isVisible()).toBe(true);
    await shot('10-narrow');
  });

  it('logged no console error', () => {
    expect(consoleErrors).toEqual([]);
  });
});
