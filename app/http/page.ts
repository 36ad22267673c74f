import type { ServerResponse } from 'node:http';
import type { Page } from '../services/twitter-connect.js';

// These addresses carry a live link or Twitter's verifier: they must not reach another
// site in a Referer nor stay in a cache. The pages run no script and load nothing, and a
// form on them posts to the app only.
const HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
};

const STYLE =
  'body{margin:0;padding:3rem 1rem;font:16px/1.5 system-ui,sans-serif;color:#1d1c1d;background:#f4f4f4}' +
  'main{max-width:34rem;margin:auto;padding:1.5rem 2rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0003}' +
  'h1{margin-top:0;font-size:1.4rem}' +
  'button{font:inherit;font-weight:600;padding:.6rem 1.2rem;border:0;border-radius:6px;color:#fff;background:#007a5a;cursor:pointer}';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

export function renderPage(page: Page): string {
  const paragraphs = page.body.split('\n').map((line) => `<p>${escapeHtml(line)}</p>`);
  const title = escapeHtml(page.title);
  const form = page.form
    ? `<form method="post" action="${escapeHtml(page.form.action)}">` +
      `<input type="hidden" name="csrf" value="${escapeHtml(page.form.csrf)}">` +
      `<button type="submit">${escapeHtml(page.form.button)}</button></form>`
    : '';
  return (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${title}</title><style>${STYLE}</style></head>` +
    `<body><main><h1>${title}</h1>${paragraphs.join('')}${form}</main></body></html>`
  );
}

export function sendPage(res: ServerResponse, page: Page): void {
  res.writeHead(page.status, { ...HEADERS, 'content-type': 'text/html; charset=utf-8' });
  res.end(renderPage(page));
}

export function sendRedirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { ...HEADERS, location });
  res.end();
}
