/**
 * Long mail bodies of the shapes that make a line-by-line trimmer slow when one of its patterns backtracks or searches
 * forward from every line: a plain body, a long quoted thread, many interleaved answers, one enormous line of header
 * names, a line without spaces, and undecoded quoted-printable. About `bytes` long each. Used by the reply-trimming
 * tests (right answers) and bench/reply-trim.ts (cost as the mail grows).
 */
export type LongMailShape = 'plain' | 'thread' | 'interleaved' | 'oneLine' | 'noSpaces' | 'qp';
export function pathologicalShapes(bytes: number): Record<LongMailShape, string> {
  const quoted = '> quoted text of an older message in the thread, wrapped at seventy\n';
  return {
    plain: 'Just a normal line of text in a long mail body.\n'.repeat(Math.ceil(bytes / 48)),
    thread: 'Thanks!\n\nOn Mon, Nov 23, 2026 at 10:00 AM Ali <a@b.c> wrote:\n' + quoted.repeat(Math.ceil(bytes / quoted.length)),
    interleaved: '> question line here?\nanswer line here.\n\n'.repeat(Math.ceil(bytes / 40)),
    oneLine: 'From: a@b.c To: d Subject: e Date: 2026 '.repeat(Math.ceil(bytes / 40)),
    noSpaces: 'a@'.repeat(Math.ceil(bytes / 2)) + ' wrote:',
    qp: '=C3=A9=C3'.repeat(Math.ceil(bytes / 9)),
  };
}
