/** The mails the auth component asks for; `link` only where the mail carries a one-time link. */
export type MailKind = 'verify-email' | 'reset-password' | 'account-exists' | 'password-changed' | 'mfa-changed';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Template {
  subject: (product: string) => string;
  lines: (product: string) => string[];
  action?: string;
  footer: string;
}

const TEMPLATES: Record<MailKind, Template> = {
  'verify-email': {
    subject: (p) => `Confirm your e-mail address for ${p}`,
    lines: (p) => [`Welcome to ${p}.`, 'Confirm that this address is yours to finish signing up.'],
    action: 'Confirm e-mail address',
    footer: 'The link works once and expires in 24 hours. If you did not sign up, ignore this mail.',
  },
  'reset-password': {
    subject: (p) => `Reset your ${p} password`,
    lines: () => ['Someone asked to reset the password of the account with this address.'],
    action: 'Choose a new password',
    footer: 'The link works once and expires in 30 minutes. If it was not you, ignore this mail: nothing changes.',
  },
  'account-exists': {
    subject: (p) => `You already have a ${p} account`,
    lines: () => [
      'Someone tried to sign up with this address, but it already has an account.',
      'If it was you, sign in, or reset your password if you forgot it.',
    ],
    footer: 'If it was not you, you can ignore this mail.',
  },
  'password-changed': {
    subject: (p) => `Your ${p} password was changed`,
    lines: () => ['The password of your account was just changed and every session was signed out.'],
    footer: 'If you did not do this, reset your password at once and contact support.',
  },
  'mfa-changed': {
    subject: (p) => `Two-step verification changed on your ${p} account`,
    lines: () => ['Two-step verification was just turned on or off for your account.'],
    footer: 'If you did not do this, reset your password at once and contact support.',
  },
};

/** Renders a mail with a plain-text and an HTML part carrying the same words and link. */
export function renderMail(kind: MailKind, options: { productName: string; link?: string | undefined }): RenderedMail {
  const template = TEMPLATES[kind];
  const product = options.productName;
  const lines = template.lines(product);
  if (template.action !== undefined && options.link === undefined) throw new Error(`${kind} mail needs a link`);
  const action = template.action;
  const link = action !== undefined ? options.link : undefined;
  const text = [...lines, '', ...(link ? [`${action}: ${link}`, ''] : []), template.footer, ''].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">',
    ...lines.map((l) => `<p>${escapeHtml(l)}</p>`),
    ...(link
      ? [`<p><a href="${escapeHtml(link)}">${escapeHtml(action ?? '')}</a></p>`, `<p>${escapeHtml(link)}</p>`]
      : []),
    `<p style="color:#666">${escapeHtml(template.footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: template.subject(product), text, html };
}
