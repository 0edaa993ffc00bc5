/** A small shop page that embeds the widget exactly as a customer's site would: one script tag. */
export const demoCsp = (host: string) => [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // the widget's Shadow DOM <style>
  // 'self' covers ws(s) to the same host only in CSP3 browsers; name it explicitly for the others.
  `connect-src 'self' ws://${host} wss://${host}`,
  "img-src 'self' data: blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export const DEMO_HTML = `<!doctype html>
<html lang="tr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Çiçek Dükkanı · Kanal demo</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; color: #222; background: #fafaf7; }
  header { background: #2f5d50; color: #fff; padding: 1rem 2rem; }
  main { max-width: 52rem; margin: 2rem auto; padding: 0 1rem; display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: 1rem; }
  .card { background: #fff; border-radius: 8px; padding: 1rem; box-shadow: 0 1px 3px rgba(0,0,0,.1); }
  .price { font-weight: 600; color: #2f5d50; }
</style>
</head>
<body>
<header><h1>Çiçek Dükkanı</h1><p>Taze çiçekler, aynı gün teslimat · Fresh flowers, same-day delivery</p></header>
<main>
  <div class="card"><h2>Lale buketi</h2><p>Tulip bouquet</p><p class="price">₺450</p></div>
  <div class="card"><h2>Orkide</h2><p>Orchid in a pot</p><p class="price">₺890</p></div>
  <div class="card"><h2>Güller</h2><p>A dozen roses</p><p class="price">₺1.200</p></div>
</main>
<p style="text-align:center">Sorunuz mu var? Sağ alttaki sohbet düğmesine tıklayın. · Questions? Use the chat button.</p>
<script src="/widget.js" async></script>
</body>
</html>
`;
