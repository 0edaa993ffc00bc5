import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

// Email HTML is sanitized by the hub and shown here in a sandboxed frame without allow-scripts, with its own CSP:
// even a payload the sanitizer missed cannot run. allow-same-origin (without scripts) only lets the console size
// the frame to its content. Remote images stay as data-remote-src until the agent asks for them.
// 'self': inline (cid:) images, which the hub stored and pointed at its own attachment route (sent with the session cookie).
const FRAME_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: cid:";
const FRAME_CSP_IMAGES = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: cid: https:";
const OWN_ATTACHMENT = /^\/api\/attachments\/[0-9a-f]{24}$/i;

function srcdoc(html: string, loadImages: boolean): string {
  const doc = new DOMParser().parseFromString(html, 'text/html'); // parsing runs no scripts and loads nothing
  for (const el of Array.from(doc.querySelectorAll('script, iframe, object, embed, meta, base, link'))) el.remove();
  for (const el of Array.from(doc.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      const scheme = /^\s*(javascript|vbscript|data):/i.exec(attr.value)?.[1]?.toLowerCase();
      const allowedData = scheme === 'data' && attr.name === 'src' && el.tagName === 'IMG';
      if (/^on/i.test(attr.name) || (scheme && !allowedData)) el.removeAttribute(attr.name);
    }
    if (el.tagName === 'A') el.setAttribute('target', '_blank');
  }
  // Anything that would load from elsewhere waits for "load images" (https) or is dropped (http, other relative paths).
  for (const img of Array.from(doc.querySelectorAll('img[src]'))) {
    const src = img.getAttribute('src') ?? '';
    if (/^(data|cid):/i.test(src) || OWN_ATTACHMENT.test(src)) continue;
    if (/^https:\/\//i.test(src) && !img.hasAttribute('data-remote-src')) img.setAttribute('data-remote-src', src);
    img.removeAttribute('src');
  }
  let remote = 0;
  for (const img of Array.from(doc.querySelectorAll('img[data-remote-src]'))) {
    remote++;
    const src = img.getAttribute('data-remote-src') ?? '';
    if (loadImages && /^https:\/\//i.test(src)) img.setAttribute('src', src);
  }
  const csp = loadImages ? FRAME_CSP_IMAGES : FRAME_CSP;
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><style>body{font:14px/1.5 system-ui,sans-serif;margin:0;color:#1d2430;word-wrap:break-word}img{max-width:100%}</style></head><body data-remote="${remote}">${doc.body.innerHTML}</body></html>`;
}

export function EmailBody({ html }: { html: string }) {
  const { t } = useTranslation();
  const [images, setImages] = useState(false);
  const frame = useRef<HTMLIFrameElement>(null);
  const doc = useMemo(() => srcdoc(html, images), [html, images]);
  const hasRemote = /data-remote-src|<img[^>]+src=["']?https:/i.test(html);
  const fit = () => {
    const body = frame.current?.contentDocument?.body;
    if (body && frame.current) frame.current.style.height = `${Math.min(body.scrollHeight + 16, 1200)}px`;
  };
  return (
    <div className="email-body">
      <iframe ref={frame} title={t('emailBody')} sandbox="allow-same-origin allow-popups" srcDoc={doc} onLoad={fit} referrerPolicy="no-referrer" />
      {hasRemote && !images && (
        <p className="images-blocked">
          {t('imagesBlocked')} <button type="button" onClick={() => setImages(true)}>{t('loadImages')}</button>
        </p>
      )}
    </div>
  );
}
