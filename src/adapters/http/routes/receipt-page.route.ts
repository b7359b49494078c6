import { randomBytes } from 'node:crypto';
import fastifyStatic from '@fastify/static';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { lookUpReceipt, type ReceiptLookup } from '../../../app/guest/receipt-claim.ts';
import type { Db } from '../../db/database.ts';
import { ErrorEnvelope } from '../schemas/common.ts';
import { GUEST_WEB_DIST, guestAppBuilt, sendGuestApp } from './guest-web.routes.ts';

/**
 * `GET /r/{receiptCode}`: the claim URL printed on receipts (`{TILLPOINT_PUBLIC_URL}/r/{code}`).
 * The guest pages' browser app (web/src/guest) when it is built: it looks the receipt up, signs the
 * guest in with an e-mail code and claims, all through the guest API (`/app/v1/receipts/{code}`,
 * `/app/v1/{program}/auth/start`, `auth/verify`, `receipts/claim`), so no rule lives here. When the
 * bundle is not built, a minimal server-rendered page with a small script does the same. Anything
 * that cannot be claimed (unknown, malformed, claimed, voided, too late) answers 404 either way.
 */
export async function receiptPageRoutes(app: FastifyInstance, opts: { db: Db; clock?: () => Date; guestRoot?: string }): Promise<void> {
  const clock = opts.clock ?? (() => new Date());
  const guestRoot = opts.guestRoot ?? GUEST_WEB_DIST;
  await app.register(fastifyStatic, { root: guestRoot, serve: false, index: false });
  app.get<{ Params: { receiptCode: string } }>(
    '/r/:receiptCode',
    {
      schema: {
        tags: ['Guest'],
        summary: 'Receipt claim page (HTML): the URL printed on receipts',
        description:
          "A mobile-first page showing the program, store, date and points of an unclaimed receipt, that signs in with an e-mail login code and claims it through the guest API (the guest pages' browser app; a small server-rendered page when that is not built). 404 (an HTML page) when the code is unknown, malformed, already claimed, voided or past the claim window.",
        params: Type.Object({ receiptCode: Type.String({ maxLength: 64, description: 'the 16-character code (spaces and dashes ignored)' }) }),
        produces: ['text/html'],
        response: {
          200: Type.String({ description: 'text/html: the claim page' }),
          404: Type.String({ description: 'text/html: unknown or already claimed' }),
          400: ErrorEnvelope,
        },
      },
    },
    async (request, reply) => {
      const receipt = await lookUpReceipt(opts.db.kysely, request.params.receiptCode, clock());
      // The app asks the guest API for the same look-up; the status is for crawlers and scripts.
      if (guestAppBuilt(guestRoot)) return sendGuestApp(reply, receipt.claimable ? 200 : 404);
      return sendPage(reply, receipt);
    },
  );
}

function sendPage(reply: FastifyReply, receipt: ReceiptLookup): FastifyReply {
  const nonce = randomBytes(16).toString('base64');
  void reply
    .status(receipt.claimable ? 200 : 404)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    // the receipt code is in the URL: do not hand it to other sites
    .header('referrer-policy', 'no-referrer')
    .header(
      'content-security-policy',
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`,
    );
  return reply.send(receipt.claimable ? claimPage(receipt, nonce) : unknownPage(nonce));
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (text: string | number): string => String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** The sale's time on the store's clock, e.g. "Dec 1, 2026, 12:30 PM". */
function storeTime(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  } catch {
    return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
  }
}

const STYLE = `
body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f6f6f4;color:#1d1d1b}
main{max-width:28rem;margin:0 auto;padding:1.25rem}
h1{font-size:1.4rem;margin:.2rem 0 1rem}
.card{background:#fff;border-radius:12px;padding:1rem 1.1rem;margin:0 0 1rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.points{font-size:2.2rem;font-weight:700;margin:.2rem 0}
dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:.25rem .8rem}dt{color:#666}dd{margin:0}
label{display:block;margin:.6rem 0 .2rem;font-weight:600}
input{width:100%;box-sizing:border-box;font:inherit;padding:.65rem;border:1px solid #bbb;border-radius:8px}
button{width:100%;margin-top:.9rem;font:inherit;font-weight:600;padding:.75rem;border:0;border-radius:8px;background:#1d6b3a;color:#fff}
button:disabled{opacity:.6}
.msg{margin:.6rem 0 0;color:#a12}.ok{color:#1d6b3a}[hidden]{display:none}
small{color:#666}`;

function layout(title: string, mainAttributes: string, body: string, nonce: string, script = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title><style nonce="${nonce}">${STYLE}</style></head>
<body><main${mainAttributes}>${body}</main>${script ? `<script nonce="${nonce}">${script}</script>` : ''}</body></html>
`;
}

function unknownPage(nonce: string): string {
  return layout(
    'Receipt not found',
    '',
    `<h1>This receipt cannot be claimed</h1>
<div class="card"><p>The code is unknown or the receipt was already claimed, or its claim window has closed.</p>
<p><small>Check the code printed on your receipt (16 letters and digits). Each receipt earns points once.</small></p></div>`,
    nonce,
  );
}

function claimPage(r: Extract<ReceiptLookup, { claimable: true }>, nonce: string): string {
  const attributes = ` data-program="${esc(r.program.slug)}" data-receipt="${esc(r.receiptCode)}"`;
  const body = `<h1>${esc(r.program.name)}</h1>
<div class="card"><div>This receipt earns</div><div class="points">${esc(r.pointsToEarn)} points</div>
<dl><dt>Store</dt><dd>${esc(r.store.name)}</dd><dt>Date</dt><dd>${esc(storeTime(r.saleAt, r.store.timeZone))}</dd>
<dt>Receipt</dt><dd>${esc(r.receiptCode)}</dd><dt>Claim by</dt><dd>${esc(storeTime(r.claimableUntil, r.store.timeZone))}</dd></dl></div>
<form class="card" id="start"><div>Sign in or join with your e-mail to collect the points.</div>
<label for="email">E-mail</label><input id="email" name="email" type="email" autocomplete="email" required maxlength="254">
<button type="submit">Send me a login code</button><p class="msg" role="alert"></p></form>
<form class="card" id="verify" hidden><div>We sent a 6-digit code to <b id="sent-to"></b>.</div>
<label for="code">Login code</label><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required pattern="[0-9]{6}" maxlength="6">
<label for="name">Your name <small>(new members)</small></label><input id="name" name="name" autocomplete="name" maxlength="100">
<button type="submit">Claim ${esc(r.pointsToEarn)} points</button><p class="msg" role="alert"></p></form>
<div class="card" id="done" hidden><p class="ok"><b id="earned"></b></p><p id="balance"></p></div>`;
  return layout(`${r.program.name}: claim your points`, attributes, body, nonce, SCRIPT);
}

/** Talks to the guest API only; the answers' `message` is what the guest reads on failure. */
const SCRIPT = `
const main = document.querySelector('main');
const base = '/app/v1/' + encodeURIComponent(main.dataset.program);
const post = async (path, body, token) => {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = 'Bearer ' + token;
  try {
    const res = await fetch(base + path, { method: 'POST', headers, body: JSON.stringify(body) });
    return { ok: res.ok, body: await res.json().catch(() => ({})) };
  } catch {
    return { ok: false, body: { message: 'No connection. Try again.' } };
  }
};
const $ = (id) => document.getElementById(id);
const step = (form, run) => form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = form.querySelector('button');
  const msg = form.querySelector('.msg');
  button.disabled = true;
  msg.textContent = '';
  const error = await run();
  if (error) msg.textContent = error;
  button.disabled = false;
});
let email = '';
step($('start'), async () => {
  email = $('email').value.trim();
  const res = await post('/auth/start', { email });
  if (!res.ok) return res.body.message || 'The code could not be sent.';
  $('sent-to').textContent = email;
  $('start').hidden = true;
  $('verify').hidden = false;
  $('code').focus();
});
step($('verify'), async () => {
  const name = $('name').value.trim();
  const signedIn = await post('/auth/verify', name ? { email, code: $('code').value.trim(), name } : { email, code: $('code').value.trim() });
  if (!signedIn.ok) return signedIn.body.message || 'That code did not work.';
  const claimed = await post('/receipts/claim', { receiptCode: main.dataset.receipt }, signedIn.body.token);
  if (!claimed.ok) return claimed.body.message || 'The receipt could not be claimed.';
  $('verify').hidden = true;
  $('done').hidden = false;
  $('earned').textContent = claimed.body.pointsEarned + ' points added.';
  $('balance').textContent = 'Your balance: ' + claimed.body.balance + ' points.';
});`;
