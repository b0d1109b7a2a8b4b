/**
 * A minimal browser for driving the login pages: keeps cookies per origin and name (paths ignored; origins kept
 * apart even on one loopback address, as separate hosts would be), follows
 * redirects by hand so the test sees where each one goes, and stops at the app's custom-scheme redirect.
 */
export class BrowserSession {
  private readonly jars = new Map<string, Map<string, string>>();

  private jar(url: string): Map<string, string> {
    const origin = new URL(url).host;
    let jar = this.jars.get(origin);
    if (jar === undefined) this.jars.set(origin, (jar = new Map()));
    return jar;
  }

  private store(url: string, response: Response): void {
    const cookies = this.jar(url);
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) cookies.delete(name);
      else cookies.set(name, value);
    }
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookies = this.jar(url);
    if (cookies.size > 0) headers.set('cookie', [...cookies].map(([n, v]) => `${n}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.store(url, response);
    return response;
  }

  async postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Follows http(s) redirects from `url`; returns the last response and the first non-http(s) Location, if any. */
  async follow(
    url: string,
    first?: Response,
  ): Promise<{ response: Response; appRedirect: string | undefined; url: string }> {
    let current = url;
    let response = first ?? (await this.request(url));
    for (let hops = 0; hops < 10; hops++) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null)
        return { response, appRedirect: undefined, url: current };
      const next = new URL(location, current);
      if (next.protocol !== 'http:' && next.protocol !== 'https:')
        return { response, appRedirect: next.href, url: current };
      current = next.href;
      response = await this.request(current);
    }
    throw new Error('too many redirects');
  }
}
