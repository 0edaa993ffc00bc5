export const CSS = `
:host { all: initial; }
* { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"; }
button:focus-visible, a:focus-visible, textarea:focus-visible, input:focus-visible, .list:focus-visible { outline: 2px solid #f5b53f; outline-offset: 2px; }
.launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; border: 0; border-radius: 28px;
  padding: 14px 20px; background: #2f5d50; color: #fff; font-size: 15px; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); }
.launcher .badge { display: none; margin-left: 8px; background: #e5484d; border-radius: 10px; padding: 0 7px; font-size: 12px; min-width: 20px; }
.launcher.unread .badge { display: inline-block; }
.preview { position: fixed; right: 20px; bottom: 80px; z-index: 2147483000; width: 300px; max-width: calc(100vw - 40px); display: flex; gap: 10px;
  align-items: flex-start; text-align: left; background: #fff; color: #1c1c1c; border: 1px solid #e2e4e2; border-radius: 12px; padding: 10px 12px;
  box-shadow: 0 6px 20px rgba(0,0,0,.18); cursor: pointer; font-size: 13px; }
.preview .body { display: flex; flex-direction: column; gap: 2px; min-width: 0; overflow-wrap: anywhere; }
.avatar { display: inline-flex; flex: none; align-items: center; justify-content: center; width: 24px; height: 24px; border-radius: 50%;
  color: #fff; font-size: 11px; font-weight: 700; margin-right: 6px; vertical-align: middle; }
.panel { position: fixed; right: 20px; bottom: 20px; z-index: 2147483001; width: 370px; max-width: calc(100vw - 24px);
  height: 580px; max-height: calc(100vh - 40px); display: none; flex-direction: column; background: #fff; color: #1c1c1c;
  border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.25); overflow: hidden; font-size: 14px; }
.panel.open { display: flex; }
header { background: #2f5d50; color: #fff; padding: 12px 14px; display: flex; align-items: flex-start; gap: 8px; flex: none; }
header .t { flex: 1; } header h2 { margin: 0; font-size: 16px; } header p { margin: 2px 0 0; font-size: 12px; opacity: .9; }
header button { background: transparent; border: 0; color: #fff; font-size: 22px; cursor: pointer; line-height: 1; min-width: 32px; min-height: 32px; }
.status { display: none; background: #fff4d6; color: #6b4e00; padding: 6px 12px; font-size: 12px; }
.status.show { display: block; }
.notice { background: #e8f1ee; color: #1f4a3f; padding: 8px 12px; font-size: 12px; border-bottom: 1px solid #cfe0da; }
.list { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; background: #f6f7f6; min-height: 0; }
.empty { color: #555; text-align: center; margin: 6px 0 4px; white-space: pre-wrap; }
.msg { max-width: 82%; padding: 8px 11px; border-radius: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
.msg.in { align-self: flex-end; background: #2f5d50; color: #fff; border-bottom-right-radius: 4px; }
.msg.out { align-self: flex-start; background: #fff; border: 1px solid #e2e4e2; border-bottom-left-radius: 4px; }
.msg .who { display: flex; align-items: center; font-size: 12px; font-weight: 600; margin-bottom: 4px; }
.msg .text { display: block; font-size: 15px; line-height: 1.35; }
.msg .meta { display: block; font-size: 11px; margin-top: 3px; opacity: .8; }
.msg.in .state.read { font-weight: 600; }
.msg.pending, .msg.uploading { opacity: .7; } .msg.failed { background: #fde8e8; color: #8a1c1c; }
.msg .retry { background: none; border: 0; color: inherit; text-decoration: underline; cursor: pointer; padding: 0 0 0 6px; font-size: 11px; }
.file-link { display: block; margin-top: 4px; color: inherit; font-size: 13px; }
.file-link.image img { display: block; max-width: 220px; max-height: 200px; border-radius: 8px; background: #ddd; }
.msg.in .file-link { color: #fff; }
.typing { min-height: 18px; padding: 0 12px; font-size: 12px; color: #555; font-style: italic; background: #f6f7f6; flex: none; }
form.compose { display: flex; gap: 4px; padding: 8px; border-top: 1px solid #e2e4e2; align-items: center; flex: none; }
textarea { flex: 1; min-width: 0; resize: none; border: 1px solid #cfd3cf; border-radius: 8px; padding: 8px; font-size: 14px; height: 40px; }
button.primary { background: #2f5d50; color: #fff; border: 0; border-radius: 8px; padding: 0 14px; cursor: pointer; font-size: 14px; min-height: 40px; }
button.icon { background: none; border: 0; font-size: 18px; cursor: pointer; width: 34px; height: 40px; padding: 0; flex: none; color: #44514c; border-radius: 8px; }
button.icon:hover { background: #eef2ef; }
button.icon svg { width: 20px; height: 20px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; vertical-align: middle; }
.file { display: none; }
.picker { display: grid; grid-template-columns: repeat(8, 1fr); gap: 2px; padding: 6px 8px; border-top: 1px solid #e2e4e2; background: #fff; flex: none; }
.picker button { font-size: 20px; background: none; border: 0; border-radius: 6px; cursor: pointer; padding: 4px 0; }
.picker button:hover { background: #eef2ef; }
.error { color: #a4161a; font-size: 12px; padding: 0 10px; flex: none; }
.error:empty { display: none; }
form.capture { padding: 10px 12px; background: #fff; border-top: 1px solid #e2e4e2; display: flex; flex-direction: column; gap: 6px; font-size: 13px; flex: none; }
form.capture .row { display: flex; gap: 6px; } form.capture input { flex: 1; min-width: 0; border: 1px solid #cfd3cf; border-radius: 8px; padding: 8px; font-size: 14px; }
form.capture .meta { font-size: 12px; color: #2f5d50; }
form.prechat { padding: 16px; display: flex; flex-direction: column; gap: 10px; }
form.prechat input { border: 1px solid #cfd3cf; border-radius: 8px; padding: 9px; font-size: 14px; }
form.prechat .row { display: flex; gap: 8px; } form.prechat .row button { flex: 1; padding: 10px; }
button.link { background: none; border: 1px solid #cfd3cf; border-radius: 8px; cursor: pointer; }
[hidden] { display: none !important; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.csat { display: flex; flex-direction: column; gap: 6px; margin-top: 4px; }
.csat .stars { display: flex; gap: 4px; } .csat .stars button { flex: 1; padding: 6px 0; border: 1px solid #c9ced8; border-radius: 8px; background: #fff; font-weight: 600; cursor: pointer; }
.csat .stars button[aria-pressed=true] { background: #2f5d50; border-color: #2f5d50; color: #fff; }
.csat textarea { font: inherit; font-size: 13px; min-height: 40px; } .csat .primary { padding: 7px; }
@media (max-width: 480px) {
  .panel { inset: 0; right: 0; bottom: 0; width: 100%; max-width: 100%; height: 100%; max-height: 100%; border-radius: 0; }
  textarea, form.capture input, form.prechat input { font-size: 16px; }
  .preview { right: 12px; bottom: 76px; }
  .launcher { right: 12px; bottom: 12px; }
}
`;
