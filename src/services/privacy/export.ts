import type { Writable } from 'node:stream';
import type { Types } from 'mongoose';
import type { AuditActor, BlobStore, Models } from '../../store';
import { audit } from '../audit';
import { InboxError } from '../conversations/inbox';
import { ZipWriter } from './zip-writer';

/**
 * A customer's data export (GDPR art. 15 and 20): one ZIP with a JSON file per kind of record and the attachment
 * files, streamed to `out`. Every read follows the store's rules: the customer, its identities, conversations, CSAT
 * surveys and audit entries by one equality each (a customer has a bounded number), messages one thread week at a
 * time, files one at a time from GridFS; only the list of attachment keys is held until the messages are written.
 */

const README = `Kanal: data held about one customer

profile.json        the customer record (contact fields, language, labels, custom attributes, dates)
identities.json     the addresses the customer wrote from (email, phone, web chat visitor, Telegram), per channel
conversations.json  every conversation with its status, assignee and team ids, timestamps and labels
messages.json       every message, note and event of the customer's thread, oldest first
csat.json           satisfaction surveys sent after resolved conversations and the answers given
audit.json          audit trail entries about the customer (renames, merges, exports, erasure)
attachments/        the files sent or received, named <message id>-<n>-<file name>
manifest.json       when and by whom this archive was made, counts, and every attachment's path and size

Dates are ISO 8601 in UTC. Ids are the hub's internal ids (24 hex characters).
`;

export interface ArchiveManifest {
  customerId: string;
  generatedAt: string;
  generatedBy: { id: string; name: string };
  counts: { identities: number; conversations: number; messages: number; csat: number; audit: number; attachments: number };
  attachments: { path: string; messageId: string; name: string; contentType: string; size: number }[];
  /** Attachments a message names whose file is no longer stored (removed by an earlier erasure or by hand). */
  missingAttachments: { messageId: string; name: string; storageKey: string }[];
}

/** A path segment safe in any unzip tool: no separators, control characters or leading dots; at most 100 characters. */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = name.normalize('NFC').replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_').replace(/^\.+/, '_').trim();
  return (cleaned || 'file').slice(0, 100);
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Throws not_found before anything is written (the route answers 404 instead of starting a download). */
export async function exportableCustomer(m: Models, id: Types.ObjectId) {
  const customer = await m.customers.byId(id);
  if (!customer) throw new InboxError('customer not found', 'not_found');
  return customer;
}

/**
 * Records who took the copy (the audit entry names the customer: an erasure later takes the name out again), then
 * streams the archive to `out` and ends it. A reader that goes away stops the walk.
 */
export async function writeCustomerArchive(m: Models, blobs: BlobStore, id: Types.ObjectId, actor: AuditActor, out: Writable): Promise<ArchiveManifest> {
  const customer = await exportableCustomer(m, id);
  await audit(m, actor, 'customer.data_exported', { type: 'customer', id, name: customer.name ?? '' }, {}, {});
  const zip = new ZipWriter(out);
  const manifest: ArchiveManifest = {
    customerId: String(id), generatedAt: new Date().toISOString(), generatedBy: { id: actor.id, name: actor.name },
    counts: { identities: 0, conversations: 0, messages: 0, csat: 0, audit: 0, attachments: 0 }, attachments: [], missingAttachments: [],
  };
  await zip.add('README.txt', README);
  await zip.add('profile.json', json(customer));

  const identities = await m.identities.ofCustomer(id);
  manifest.counts.identities = identities.length;
  await zip.add('identities.json', json(identities));

  const conversations = (await m.conversations.ofCustomer(id, Number.MAX_SAFE_INTEGER)).reverse();
  manifest.counts.conversations = conversations.length;
  await zip.add('conversations.json', json(conversations));

  const files: { messageId: string; storageKey: string; name: string }[] = [];
  async function* messages() {
    yield '[';
    let first = true;
    for await (const week of m.messages.ofCustomerByWeek(id, customer!.threadWeeks !== false)) {
      for (const msg of week) {
        for (const a of msg.attachments ?? []) if (a.storageKey) files.push({ messageId: String(msg._id), storageKey: a.storageKey, name: a.name ?? 'file' });
        yield `${first ? '\n' : ',\n'}${JSON.stringify(msg)}`;
        first = false;
        manifest.counts.messages++;
      }
    }
    yield '\n]\n';
  }
  await zip.add('messages.json', messages());

  const csat = (await m.csat.ofCustomer(id)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  manifest.counts.csat = csat.length;
  await zip.add('csat.json', json(csat));

  const entries = (await m.audit.allOfSubject(id)).sort((a, b) => a.at.getTime() - b.at.getTime());
  manifest.counts.audit = entries.length;
  await zip.add('audit.json', json(entries));

  for (const [n, f] of files.entries()) {
    const file = await blobs.open(f.storageKey);
    if (!file) {
      manifest.missingAttachments.push(f);
      continue;
    }
    const path = `attachments/${f.messageId}-${n + 1}-${safeFileName(f.name)}`;
    await zip.add(path, file.stream);
    manifest.attachments.push({ path, messageId: f.messageId, name: f.name, contentType: file.contentType, size: file.size });
  }
  manifest.counts.attachments = manifest.attachments.length;
  await zip.add('manifest.json', json(manifest));
  await zip.finish();
  return manifest;
}
