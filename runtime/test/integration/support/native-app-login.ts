import * as oidc from 'openid-client';
import { BrowserSession } from './browser-session.ts';
import { MOBILE_CLIENT_ID, MOBILE_REDIRECT_URI } from './auth-test-server.ts';

/** The mobile app's view of the auth component: openid-client configured from discovery, as a public client. */
export async function discoverAsMobileApp(issuer: string): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), MOBILE_CLIENT_ID, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
}

export interface BrowserLogin {
  browser: BrowserSession;
  /** The app's redirect URI with code, state and iss, as the OS would hand it to the app. */
  callback: string | undefined;
  /** The last page shown, when the flow did not reach the app. */
  page: Response;
  codeVerifier: string;
  state: string;
}

/**
 * Drives the authorization-code + PKCE flow the way a native app does (RFC 8252): builds the request with
 * openid-client, "opens the browser" on it, signs in on the login page, and captures the redirect to the app.
 */
export async function browserLogin(
  config: oidc.Configuration,
  credentials: { email: string; password: string; totp?: () => string },
  extra: Record<string, string> = {},
): Promise<BrowserLogin> {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: MOBILE_REDIRECT_URI,
    scope: 'openid email profile offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    device_id: 'install-e2e-0001',
    device_name: 'Test phone',
    device_platform: 'ios',
    ...extra,
  });
  const browser = new BrowserSession();
  const loginPage = await browser.follow(url.href);
  if (loginPage.appRedirect !== undefined || loginPage.response.status !== 200)
    return { browser, callback: loginPage.appRedirect, page: loginPage.response, codeVerifier, state };
  const action = /action="([^"]+\/login)"/.exec(await loginPage.response.text())?.[1];
  if (action === undefined) throw new Error('no login form');
  const base = new URL(loginPage.url);
  let result = await browser.follow(
    new URL(action, base).href,
    await browser.postForm(new URL(action, base).href, { email: credentials.email, password: credentials.password }),
  );
  if (result.appRedirect === undefined && result.response.status === 200 && credentials.totp !== undefined) {
    const html = await result.response.text();
    const mfaAction = /action="([^"]+\/mfa)"/.exec(html)?.[1];
    const mfaToken = /name="mfa_token" value="([^"]+)"/.exec(html)?.[1];
    if (mfaAction === undefined || mfaToken === undefined) throw new Error('no MFA form');
    const target = new URL(mfaAction, base).href;
    result = await browser.follow(
      target,
      await browser.postForm(target, { mfa_token: mfaToken.replace(/&amp;/g, '&'), code: credentials.totp() }),
    );
  }
  return { browser, callback: result.appRedirect, page: result.response, codeVerifier, state };
}

export async function exchangeCode(
  config: oidc.Configuration,
  login: BrowserLogin,
): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  if (login.callback === undefined) throw new Error('the flow did not reach the app');
  return oidc.authorizationCodeGrant(config, new URL(login.callback), {
    pkceCodeVerifier: login.codeVerifier,
    expectedState: login.state,
    idTokenExpected: true,
  });
}
