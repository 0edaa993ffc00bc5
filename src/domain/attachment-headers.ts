/**
 * How a stored file is served, wherever it is served (the console's attachment route, the widget's signed file links):
 * which types a browser may show inline from our origin, and the download name.
 */

/** Types a browser may show inline from our origin (images, PDF, audio, MP4); everything else is a download. */
export const inlineSafe = (contentType: string) => /^(image\/(png|jpeg|gif|webp)|application\/pdf|audio\/(ogg|mpeg|amr)|video\/mp4)$/.test(contentType);

/** RFC 6266 / 5987: an ASCII fallback plus the exact UTF-8 name (Turkish file names survive). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.normalize('NFKD').replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
