export const CSS = `
:host { all: initial; }
* { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; border: 0; border-radius: 28px;
  padding: 14px 20px; background: #2f5d50; color: #fff; font-size: 15px; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); }
.launcher .badge { display: none; margin-left: 8px; background: #e5484d; border-radius: 10px; padding: 0 7px; font-size: 12px; }
.launcher.unread .badge { display: inline-block; }
.panel { position: fixed; right: 20px; bottom: 84px; z-index: 2147483001; width: 360px; max-width: calc(100vw - 24px);
  height: 520px; max-height: calc(100vh - 110px); display: none; flex-direction: column; background: #fff; color: #1c1c1c;
  border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.25); overflow: hidden; font-size: 14px; }
.panel.open { display: flex; }
header { background: #2f5d50; color: #fff; padding: 12px 14px; display: flex; align-items: flex-start; gap: 8px; }
header .t { flex: 1; } header h2 { margin: 0; font-size: 16px; } header p { margin: 2px 0 0; font-size: 12px; opacity: .85; }
header button { background: transparent; border: 0; color: #fff; font-size: 20px; cursor: pointer; line-height: 1; }
.status { display: none; background: #fff4d6; color: #6b4e00; padding: 6px 12px; font-size: 12px; }
.status.show { display: block; }
.list { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; background: #f6f7f6; }
.empty { color: #666; text-align: center; margin-top: 20px; }
.msg { max-width: 80%; padding: 8px 11px; border-radius: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
.msg.in { align-self: flex-end; background: #2f5d50; color: #fff; border-bottom-right-radius: 4px; }
.msg.out { align-self: flex-start; background: #fff; border: 1px solid #e2e4e2; border-bottom-left-radius: 4px; }
.msg .who { display: block; font-size: 11px; font-weight: 600; margin-bottom: 2px; opacity: .75; }
.msg .meta { display: block; font-size: 11px; margin-top: 3px; opacity: .75; }
.msg.pending { opacity: .65; } .msg.failed { background: #fde8e8; color: #8a1c1c; }
.msg .retry { background: none; border: 0; color: inherit; text-decoration: underline; cursor: pointer; padding: 0 0 0 6px; font-size: 11px; }
.typing { min-height: 18px; padding: 0 12px; font-size: 12px; color: #555; font-style: italic; background: #f6f7f6; }
form.compose { display: flex; gap: 6px; padding: 8px; border-top: 1px solid #e2e4e2; }
textarea { flex: 1; resize: none; border: 1px solid #cfd3cf; border-radius: 8px; padding: 8px; font-size: 14px; height: 40px; }
button.primary { background: #2f5d50; color: #fff; border: 0; border-radius: 8px; padding: 0 14px; cursor: pointer; font-size: 14px; }
form.prechat { padding: 16px; display: flex; flex-direction: column; gap: 10px; }
form.prechat input { border: 1px solid #cfd3cf; border-radius: 8px; padding: 9px; font-size: 14px; }
form.prechat .row { display: flex; gap: 8px; } form.prechat .row button { flex: 1; padding: 10px; }
button.link { background: none; border: 1px solid #cfd3cf; border-radius: 8px; cursor: pointer; }
[hidden] { display: none !important; }
.csat { display: flex; flex-direction: column; gap: 6px; margin-top: 4px; }
.csat .stars { display: flex; gap: 4px; } .csat .stars button { flex: 1; padding: 6px 0; border: 1px solid #c9ced8; border-radius: 8px; background: #fff; font-weight: 600; cursor: pointer; }
.csat .stars button[aria-pressed=true] { background: #2f5d50; border-color: #2f5d50; color: #fff; }
.csat textarea { font: inherit; font-size: 13px; min-height: 40px; } .csat .primary { padding: 7px; }
`;
