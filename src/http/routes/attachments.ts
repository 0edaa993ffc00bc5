import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { AttachmentTooLargeError } from '../../domain/messages';
import { storeAttachment } from '../../services/ingest/attachments';
import { contentDisposition, inlineSafe } from '../../domain/attachment-headers';
import { KanalError } from '../../domain/errors';
import { objectId, route } from '../route';
import { err } from '../schemas';

const attachmentSchema = z.object({ name: z.string(), contentType: z.string(), size: z.number(), storageKey: z.string(), url: z.string() });

export const attachmentRoutes = [
  route({
    method: 'post', path: '/attachments', tag: 'attachments', access: 'agent', resource: 'none', rawBody: true,
    summary: 'Upload a file for a reply: the raw bytes as the body, its type as Content-Type, ?name= the file name',
    query: z.object({ name: z.string().trim().min(1).max(255) }),
    responses: { 201: { description: 'stored', schema: attachmentSchema }, 413: err('larger than ATTACHMENT_MAX_BYTES') },
    async handler({ query, req, agent, deps }) {
      const declared = Number(req.get('content-length') ?? 0);
      if (declared > deps.config.ATTACHMENT_MAX_BYTES) throw new AttachmentTooLargeError(deps.config.ATTACHMENT_MAX_BYTES);
      // The uploader is recorded: until a reply carries it, only they may download or attach it (src/services/access).
      // Above the limit: AttachmentTooLargeError, a 413 from the error table.
      const stored = await storeAttachment(deps.blobs, { name: query.name, contentType: req.get('content-type'), data: req, uploadedBy: agent.id }, deps.config.ATTACHMENT_MAX_BYTES);
      return { status: 201, body: stored };
    },
  }),
  route({
    method: 'get', path: '/attachments/:key', tag: 'attachments', access: 'agent', resource: 'attachment',
    summary: 'Download an attachment (agents who may see a conversation it was sent in, or its uploader)',
    params: z.object({ key: objectId }),
    responses: { 200: { description: 'the bytes' }, 404: err('no such attachment') },
    async handler({ params, res, deps }) {
      const file = await deps.blobs.open(params.key);
      if (!file) throw new KanalError('not_found', 'attachment not found');
      // Types are sniffed at upload; anything a browser could run is a download, and never runs on our origin.
      res.status(200).set({
        'Content-Type': file.contentType,
        'Content-Length': String(file.size),
        'Content-Disposition': contentDisposition(inlineSafe(file.contentType) ? 'inline' : 'attachment', file.name),
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; img-src 'self'; media-src 'self'; sandbox",
        'Cache-Control': 'private, max-age=3600',
      });
      await pipeline(file.stream, res);
      return { status: 200, streamed: true };
    },
  }),
];
