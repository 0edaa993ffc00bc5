import express, { Router, type Request, type Response } from 'express';
import type { Channel } from '../domain/channels';
import { csatAnswerSchema, csatLanguage, type CsatLanguage } from '../domain/csat';
import type { HubDeps } from '../deps';
import { answerable, answerSurvey, CsatError, toCsatView, type CsatView } from '../services/csat/csat';
import { csatWiring } from '../services/csat/csat-wiring';
import { verifySurveyToken } from '../services/csat/survey-link';

/**
 * The survey page behind the signed link (`/csat/s/<token>`, docs/csat.md): a small, script-free, mobile-friendly
 * HTML form in the customer's language. The web chat widget posts its inline rating to the same address as JSON
 * (CORS open: the token is the only credential, no cookies are read).
 */
const PAGE_TEXTS = {
  en: {
    title: 'How did we do?', question: 'How would you rate our conversation?', bad: 'Bad', great: 'Great',
    comment: 'Anything you would like to add? (optional)', nps: 'How likely are you to recommend us to a friend? (0-10)',
    followUp: 'What could we do better? (optional)', send: 'Send', change: 'Change my answer',
    thanks: 'Thank you! Your answer was saved.', changeUntil: 'You can change it until', current: 'Your answer',
    invalid: 'This survey link is not valid.', expired: 'This survey has expired.', closed: 'This answer can no longer be changed.',
    missing: 'This survey is not available.', pick: 'Please choose a rating from 1 to 5.',
  },
  tr: {
    title: 'Nasıldık?', question: 'Görüşmemizi nasıl değerlendirirsiniz?', bad: 'Kötü', great: 'Çok iyi',
    comment: 'Eklemek istediğiniz bir şey var mı? (isteğe bağlı)', nps: 'Bizi bir arkadaşınıza tavsiye etme olasılığınız nedir? (0-10)',
    followUp: 'Neyi daha iyi yapabiliriz? (isteğe bağlı)', send: 'Gönder', change: 'Yanıtımı değiştir',
    thanks: 'Teşekkürler! Yanıtınız kaydedildi.', changeUntil: 'Şu zamana kadar değiştirebilirsiniz:', current: 'Yanıtınız',
    invalid: 'Bu anket bağlantısı geçerli değil.', expired: 'Bu anketin süresi doldu.', closed: 'Bu yanıt artık değiştirilemez.',
    missing: 'Bu anket kullanılamıyor.', pick: 'Lütfen 1 ile 5 arasında bir puan seçin.',
  },
} as const;
type Texts = (typeof PAGE_TEXTS)[CsatLanguage];

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
main{max-width:480px;margin:0 auto;padding:24px 16px}h1{font-size:1.4em;margin:0 0 8px}.card{background:#fff;border-radius:12px;padding:20px;box-shadow:0 1px 3px #0002}
.scale{display:flex;gap:8px;justify-content:space-between;margin:12px 0 4px}.scale label{flex:1}.scale input{position:absolute;opacity:0}
.scale span{display:block;text-align:center;padding:12px 0;border:2px solid #c9ced8;border-radius:10px;font-size:1.2em;font-weight:600;cursor:pointer}
.scale input:checked+span{background:#2456d6;border-color:#2456d6;color:#fff}.scale input:focus-visible+span{outline:3px solid #f5a623}
.ends{display:flex;justify-content:space-between;font-size:.85em;color:#5b6375}.nps span{padding:8px 0;font-size:1em}
textarea{width:100%;box-sizing:border-box;min-height:80px;font:inherit;padding:8px;border:1px solid #c9ced8;border-radius:8px}
button{margin-top:16px;width:100%;padding:14px;font:inherit;font-weight:600;border:0;border-radius:10px;background:#2456d6;color:#fff}
.note{color:#5b6375;font-size:.9em}.error{color:#b3261e}`;

function page(res: Response, status: number, lang: CsatLanguage, body: string) {
  res.status(status).set({
    'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    'Referrer-Policy': 'no-referrer',
  }).send(`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(PAGE_TEXTS[lang].title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`);
}

const scale = (name: string, from: number, to: number, selected: number | null, extra = '') =>
  `<div class="scale ${extra}">${Array.from({ length: to - from + 1 }, (_, i) => from + i)
    .map((n) => `<label><input type="radio" name="${name}" value="${n}"${n === selected ? ' checked' : ''}${name === 'score' ? ' required' : ''}><span>${n}</span></label>`).join('')}</div>`;

function form(t: Texts, v: CsatView, lang: CsatLanguage, preselect: number | null, notice = '') {
  const score = v.score ?? preselect;
  const second = v.secondQuestion === 'nps'
    ? `<p>${esc(t.nps)}</p>${scale('nps', 0, 10, v.nps, 'nps')}`
    : v.secondQuestion === 'text' ? `<p><label>${esc(t.followUp)}<textarea name="followUp" maxlength="2000">${esc(v.followUp ?? '')}</textarea></label></p>` : '';
  const until = v.status === 'answered' && v.changeableUntil
    ? `<p class="note">${esc(t.current)}: ${v.score}/5. ${esc(t.changeUntil)} ${esc(new Date(v.changeableUntil).toLocaleString(lang === 'tr' ? 'tr-TR' : 'en-GB', { timeZone: 'UTC' }))} UTC</p>` : '';
  return `<div class="card"><h1>${esc(t.title)}</h1>${notice}${until}<form method="post"><input type="hidden" name="lang" value="${lang}">
<p>${esc(t.question)}</p>${scale('score', 1, 5, score)}<div class="ends"><span>1 · ${esc(t.bad)}</span><span>5 · ${esc(t.great)}</span></div>
<p><label>${esc(t.comment)}<textarea name="comment" maxlength="2000">${esc(v.comment ?? '')}</textarea></label></p>${second}
<button type="submit">${esc(v.status === 'answered' ? t.change : t.send)}</button></form></div>`;
}

const message = (text: string, cls = 'note') => `<div class="card"><p class="${cls}">${esc(text)}</p></div>`;

function cors(_req: Request, res: Response, next: () => void) {
  res.set({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, POST', 'Access-Control-Allow-Headers': 'content-type', Vary: 'Origin' });
  next();
}

export function csatPageRouter(deps: HubDeps): Router {
  const router = Router();
  const path = '/csat/s/:token';
  const wantsJson = (req: Request) => Boolean(req.is('application/json')) || req.accepts(['html', 'json']) === 'json';
  const langOf = (req: Request, fallback: string | null | undefined): CsatLanguage =>
    csatLanguage(typeof req.query.lang === 'string' ? req.query.lang : typeof (req.body as Record<string, unknown> | undefined)?.lang === 'string' ? (req.body as { lang: string }).lang : fallback);

  /** The survey behind the token, or the answer to give instead (400 tampered, 410 expired, 404 none). */
  async function load(req: Request, res: Response) {
    const check = verifySurveyToken(csatWiring(deps.models).secret, String(req.params.token));
    const fail = (status: number, key: 'invalid' | 'expired' | 'missing', lang: CsatLanguage) => {
      if (wantsJson(req)) res.status(status).set('Cache-Control', 'no-store').json({ error: PAGE_TEXTS.en[key], code: key });
      else page(res, status, lang, message(PAGE_TEXTS[lang][key], 'error'));
      return null;
    };
    if (!check.ok && check.reason === 'invalid') return fail(400, 'invalid', langOf(req, null));
    if (!check.ok) return fail(410, 'expired', langOf(req, (await deps.models.csat.byId(check.conversationId))?.language));
    const doc = await deps.models.csat.byId(check.conversationId);
    if (!doc || (doc.status !== 'asked' && doc.status !== 'answered')) return fail(404, 'missing', langOf(req, doc?.language));
    return doc;
  }

  router.options(path, cors, (_req, res) => void res.status(204).end());
  router.get(path, cors, async (req, res, next) => {
    try {
      const doc = await load(req, res);
      if (!doc) return;
      const view = toCsatView(doc);
      if (wantsJson(req)) return void res.set('Cache-Control', 'no-store').json(view);
      const lang = langOf(req, doc.language);
      const open = answerable(doc, new Date());
      if (!open.ok) return page(res, open.error.status, lang, message(open.error.status === 410 ? PAGE_TEXTS[lang].expired : PAGE_TEXTS[lang].closed, 'error'));
      const preselect = Number(req.query.score);
      page(res, 200, lang, form(PAGE_TEXTS[lang], view, lang, Number.isInteger(preselect) && preselect >= 1 && preselect <= 5 ? preselect : null));
    } catch (err) {
      next(err);
    }
  });
  router.post(path, cors, express.json({ limit: '16kb' }), express.urlencoded({ extended: false, limit: '16kb' }), async (req, res, next) => {
    try {
      const doc = await load(req, res);
      if (!doc) return;
      const lang = langOf(req, doc.language);
      const parsed = csatAnswerSchema.safeParse(Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).filter(([, v]) => v !== '')));
      if (!parsed.success) {
        if (wantsJson(req)) return void res.status(400).json({ error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
        return page(res, 400, lang, form(PAGE_TEXTS[lang], toCsatView(doc), lang, null, `<p class="error">${esc(PAGE_TEXTS[lang].pick)}</p>`));
      }
      // The link went out on the survey's channel (the widget's inline rating, the email's page, a WhatsApp template).
      const via = doc.channel as Channel;
      let view: CsatView;
      try {
        view = await answerSurvey({ models: deps.models, events: deps.events }, String(doc._id), parsed.data, via);
      } catch (err) {
        if (!(err instanceof CsatError)) throw err;
        if (wantsJson(req)) return void res.status(err.status).json({ error: err.message });
        return page(res, err.status, lang, message(err.status === 410 ? PAGE_TEXTS[lang].expired : PAGE_TEXTS[lang].closed, 'error'));
      }
      if (wantsJson(req)) return void res.status(200).json(view);
      page(res, 200, lang, form(PAGE_TEXTS[lang], view, lang, null, `<p class="note"><strong>${esc(PAGE_TEXTS[lang].thanks)}</strong></p>`));
    } catch (err) {
      next(err);
    }
  });
  return router;
}
