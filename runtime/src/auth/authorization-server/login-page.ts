/** HTML-escapes text for element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** No scripts; forms only post to this origin; the page may not be framed (clickjacking). */
export const LOGIN_PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#111}
main{max-width:24rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:.75rem}
h1{font-size:1.5rem;margin-top:0}label{display:block;font-weight:600;margin-top:1rem}
input{box-sizing:border-box;width:100%;font-size:1rem;padding:.75rem;margin-top:.25rem;border:1px solid #667;border-radius:.5rem}
input:focus,button:focus,a:focus{outline:3px solid #1a56db;outline-offset:2px}
button,.upstream{display:block;box-sizing:border-box;width:100%;margin-top:1.5rem;padding:.75rem;font-size:1rem;border-radius:.5rem;text-align:center}
button{background:#1a56db;color:#fff;border:0}.upstream{border:1px solid #1a56db;color:#1a56db;text-decoration:none;margin-top:.75rem}
[role=alert]{background:#fde8e8;color:#7a1010;padding:.75rem;border-radius:.5rem}`;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

function alert(message: string | undefined): string {
  return message === undefined ? '' : `<p role="alert" id="form-error">${escapeHtml(message)}</p>`;
}

/** The sign-in form: labelled fields, autocomplete hints for password managers, errors announced (role=alert). */
export function renderLoginPage(options: {
  uid: string;
  appName: string;
  error?: string | undefined;
  email?: string | undefined;
  upstream: readonly { name: string; displayName: string }[];
}): string {
  const described = options.error === undefined ? '' : ' aria-describedby="form-error" aria-invalid="true"';
  const upstream = options.upstream
    .map(
      (p) =>
        `<a class="upstream" href="/interaction/${escapeHtml(options.uid)}/upstream/${escapeHtml(p.name)}">Continue with ${escapeHtml(p.displayName)}</a>`,
    )
    .join('');
  return layout(
    `Sign in to ${options.appName}`,
    `<h1>Sign in to ${escapeHtml(options.appName)}</h1>${alert(options.error)}
<form method="post" action="/interaction/${escapeHtml(options.uid)}/login" novalidate>
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" inputmode="email" required value="${escapeHtml(options.email ?? '')}"${described}>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required${described}>
<button type="submit">Sign in</button></form>${upstream}`,
  );
}

/** The second step: a one-time code (or a recovery code) from the authenticator app. */
export function renderMfaPage(options: { uid: string; mfaToken: string; error?: string | undefined }): string {
  const described = options.error === undefined ? '' : ' aria-describedby="form-error" aria-invalid="true"';
  return layout(
    'Enter your code',
    `<h1>Enter your code</h1>${alert(options.error)}
<form method="post" action="/interaction/${escapeHtml(options.uid)}/mfa" novalidate>
<input type="hidden" name="mfa_token" value="${escapeHtml(options.mfaToken)}">
<label for="code">6-digit code from your authenticator app, or a recovery code</label>
<input id="code" name="code" autocomplete="one-time-code" inputmode="numeric" required${described}>
<button type="submit">Continue</button></form>`,
  );
}

export function renderErrorPage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(message)}</p>`);
}
