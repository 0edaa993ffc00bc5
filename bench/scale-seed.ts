// Realistic history for the `scale` bench (bench/scale.ts): customers with identities on several channels, their
// conversations over the past year (business-hour skew, realistic status mix) and the messages of each, in Turkish
// and English. Every stored document is built by exactly one function below per collection (teamDoc, agentDoc,
// customerDoc, identityDoc, conversationDoc, messageDoc), so when the schema gains a field it is added here once.
// The documents follow what the services write (src/services/ingest.ts, identity.ts, conversations.ts, replies.ts):
// an inbound message's `_id` is idForKey('message', dedupeKey), an identity's idForKey('identity', kind:address),
// an unresolved conversation's openKey is its customer id (else `resolved:<id>`), and its customer caches it in
// openConversationId. checkComplete() verifies each builder against the mongoose schema before seeding.
//
// Deterministic: the plan (how many conversations each customer has, how many messages each conversation) comes from
// one seeded PRNG, and each customer's documents from a PRNG seeded by (seed, customer index), so any customer range
// can be generated on its own (the bench seeds 10 % first, then the rest) and gives the same documents. Times are
// relative to the plan's `nowMs` (the run's start).
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { Channel } from '../src/domain/channels';
import { identityId } from '../src/services/identity/identity';
import { preview } from '../src/services/conversations/views';
import { idForKey, type Models } from '../src/store';
import type { IdentityKind } from '../src/store/identities';
import { conversationModel, dayOf } from '../src/store/conversations';
import { threadBucket } from '../src/store/messages';
import { threadWeekId, threadWeekModel } from '../src/store/thread-weeks';
import { collectionsOf } from '../src/store/collections';

// ---------------------------------------------------------------- randomness

export type Rand = () => number;

/** mulberry32: small, fast, good enough for synthetic data. */
export function rng(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
const seedOf = (...parts: (string | number)[]) => createHash('sha256').update(parts.join('\0')).digest().readUInt32LE(0);
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1)); // inclusive
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: Rand, p: number) => r() < p;
/** Log-uniform in [lo, hi]: many short waits, a few long ones. */
const logUniform = (r: Rand, lo: number, hi: number) => Math.exp(Math.log(lo) + r() * (Math.log(hi) - Math.log(lo)));
/**
 * Unique, deterministic identifiers for one customer: hashes of (seed, customer, counter). Not from the PRNG, whose
 * 32-bit state allows only 2^32 distinct draws (a 1M-message history then repeats ids: duplicate keys).
 */
export class IdSource {
  private n = 0;
  constructor(private readonly prefix: string) {}
  bytes(): Buffer {
    return createHash('sha256').update(`${this.prefix}:${this.n++}`).digest();
  }
  hex(n: number): string {
    return this.bytes().toString('hex').slice(0, n);
  }
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16]!, 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
  b64url(n: number): string {
    return this.bytes().toString('base64url').slice(0, n);
  }
  /** An ObjectId as the driver makes it at `ms` (time prefix), with unique other bytes. */
  oidAt(ms: number): Types.ObjectId {
    const b = Buffer.alloc(12);
    b.writeUInt32BE(Math.floor(ms / 1000), 0);
    this.bytes().copy(b, 4, 0, 8);
    return new Types.ObjectId(b);
  }
}

// ---------------------------------------------------------------- the plan

const DAY = 24 * 3600 * 1000;
const YEAR = 365 * DAY;
const MIN_MESSAGES = 3;

export interface ScalePlan {
  seed: number;
  nowMs: number;
  messages: number;
  conversations: number;
  customers: number;
  teams: { _id: Types.ObjectId; name: string }[];
  agents: { _id: Types.ObjectId; name: string; email: string; teamIndex: number; languages: string[] }[];
  /** Per customer: index of its first conversation and how many it has (conversations of a customer are contiguous). */
  convStart: Int32Array;
  convCount: Int32Array;
  /** Per conversation: how many messages (notes and events included). */
  msgCount: Int32Array;
  /** Per customer: messages before its first one (prefix sums), to cut the history at a message count. */
  msgBefore: Float64Array;
}

const TEAM_NAMES = ['Destek', 'Satış', 'İade ve Değişim', 'Kurumsal'];
const AGENT_NAMES = [
  'Ayşe Yılmaz', 'Mehmet Kaya', 'Zeynep Demir', 'Emre Şahin', 'Elif Çelik', 'Burak Öztürk',
  'Selin Aydın', 'Can Arslan', 'Deniz Koç', 'Merve Kurt', 'Oğuz Polat', 'Sarah Miller',
];

/** Scales `xs` (each >= min) so they sum to exactly `total`, deterministically. */
function fitSum(xs: Int32Array, total: number, min: number, r: Rand): void {
  let sum = xs.reduce((a, b) => a + b, 0);
  const f = total / sum;
  for (let i = 0; i < xs.length; i++) xs[i] = Math.max(min, Math.round(xs[i]! * f));
  sum = xs.reduce((a, b) => a + b, 0);
  let guard = 0;
  while (sum !== total && guard++ < 100 * xs.length + 1000) {
    const i = Math.floor(r() * xs.length);
    if (sum < total) { xs[i]!++; sum++; } else if (xs[i]! > min) { xs[i]!--; sum--; }
  }
}

/**
 * The shape of the whole history: `messages` messages in messages/20 conversations of about conversations/1.6
 * customers (most with one conversation, some with several, a few with long histories), 4 teams of 3 agents.
 */
export function planScale(messages: number, seed = 1, nowMs = Date.now()): ScalePlan {
  const r = rng(seedOf('plan', seed));
  const conversations = Math.max(1, Math.round(messages / 20));
  const customers = Math.max(1, Math.round(conversations / 1.6));
  const convCount = new Int32Array(customers);
  for (let k = 0; k < customers; k++) {
    const x = r();
    convCount[k] = x < 0.002 ? int(r, 10, 30) : x < 0.6 ? 1 : x < 0.82 ? 2 : x < 0.93 ? 3 : int(r, 4, 7);
  }
  fitSum(convCount, Math.max(conversations, customers), 1, r);
  const convStart = new Int32Array(customers);
  for (let k = 1; k < customers; k++) convStart[k] = convStart[k - 1]! + convCount[k - 1]!;
  const nConv = convStart[customers - 1]! + convCount[customers - 1]!;
  const msgCount = new Int32Array(nConv);
  for (let j = 0; j < nConv; j++) {
    const x = r();
    msgCount[j] = x < 0.7 ? int(r, 3, 20) : x < 0.96 ? int(r, 20, 45) : int(r, 50, 160);
  }
  fitSum(msgCount, Math.max(messages, nConv * MIN_MESSAGES), MIN_MESSAGES, r);
  const msgBefore = new Float64Array(customers + 1);
  for (let k = 0; k < customers; k++) {
    let n = 0;
    for (let j = convStart[k]!; j < convStart[k]! + convCount[k]!; j++) n += msgCount[j]!;
    msgBefore[k + 1] = msgBefore[k]! + n;
  }
  const teams = TEAM_NAMES.map((name, i) => ({ _id: idForKey('scale-team', `${seed}:${i}`), name }));
  const agents = AGENT_NAMES.map((name, i) => ({
    _id: idForKey('scale-agent', `${seed}:${i}`), name, email: `agent${i}@scale.kanal.bench`, teamIndex: i % teams.length,
    languages: i % 3 === 0 ? ['tr', 'en'] : ['tr'],
  }));
  return { seed, nowMs, messages: msgBefore[customers]!, conversations: nConv, customers, teams, agents, convStart, convCount, msgCount, msgBefore };
}

/** The first customer index not in the first `fraction` of the messages (seeding [0, it) gives about that share). */
export function customerBoundary(plan: ScalePlan, fraction: number): number {
  const target = plan.messages * fraction;
  let lo = 0, hi = plan.customers;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (plan.msgBefore[mid + 1]! < target) lo = mid + 1; else hi = mid;
  }
  return Math.min(plan.customers, lo + 1);
}

/** The customers of [from, to) with the most messages (the long histories the thread is measured on). */
export function longestHistories(plan: ScalePlan, from: number, to: number, n: number): number[] {
  const ks: number[] = [];
  for (let k = from; k < to; k++) ks.push(k);
  return ks.sort((a, b) => (plan.msgBefore[b + 1]! - plan.msgBefore[b]!) - (plan.msgBefore[a + 1]! - plan.msgBefore[a]!)).slice(0, n);
}

// ---------------------------------------------------------------- texts

const FIRST_TR = ['Ayşe', 'Fatma', 'Emine', 'Hatice', 'Zeynep', 'Elif', 'Mehmet', 'Mustafa', 'Ahmet', 'Ali', 'Hüseyin', 'Hasan', 'İbrahim', 'Özlem', 'Gülşen', 'Çağla', 'Şule', 'Ümit', 'Tuğba', 'Ozan', 'Kerem', 'Irmak', 'Ilgın', 'Berk'];
const LAST_TR = ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Yıldız', 'Yıldırım', 'Öztürk', 'Aydın', 'Özdemir', 'Arslan', 'Doğan', 'Kılıç', 'Aslan', 'Çetin', 'Kara', 'Koç', 'Kurt', 'Özkan', 'Şimşek', 'Güneş', 'Erdoğan'];
const FIRST_EN = ['James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'David', 'Emma', 'Oliver', 'Sophie', 'Lukas', 'Anna'];
const LAST_EN = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Taylor', 'Müller', 'Schmidt', 'Rossi'];
const DOMAINS = ['gmail.com', 'hotmail.com', 'outlook.com', 'yahoo.com', 'yandex.com', 'icloud.com', 'firma.com.tr', 'example.org'];
const PRODUCTS_TR = ['kışlık mont', 'spor ayakkabı', 'kahve makinesi', 'bluetooth kulaklık', 'nevresim takımı', 'çocuk bisikleti', 'akıllı saat', 'laptop çantası', 'elektrikli süpürge', 'yün kazak'];
const PRODUCTS_EN = ['winter jacket', 'running shoes', 'coffee machine', 'wireless headphones', 'bedding set', 'kids bike', 'smart watch', 'laptop bag', 'vacuum cleaner', 'wool sweater'];
const CITIES = ['İstanbul', 'Ankara', 'İzmir', 'Bursa', 'Antalya', 'Konya', 'Eskişehir', 'Trabzon', 'Diyarbakır', 'Çanakkale'];
const LABELS = ['kargo', 'iade', 'fatura', 'değişim', 'vip', 'şikayet', 'ödeme', 'indirim', 'garanti'];

/** Slots: {o} order number, {p} product, {c} city, {d} days, {n} customer's first name, {a} agent's first name. */
const T = {
  tr: {
    chatIn: [
      'Merhaba', 'Merhaba, yardımcı olabilir misiniz?', 'Teşekkürler 🙏', 'Tamam, bekliyorum.', 'Peki, anladım.', 'Hâlâ cevap bekliyorum.',
      'Merhaba, sipariş {o} hâlâ elime ulaşmadı. Kargo takip numarası da çalışmıyor.',
      'sipariş {o} ne zaman kargoya verilecek?', 'Sipariş {o} için iade kodu alabilir miyim?',
      'İade talebim var, aldığım {p} bedenime olmadı. Nasıl geri gönderebilirim?',
      'Kartımdan iki kez çekim yapılmış, sipariş {o} için bir tanesini iade eder misiniz?',
      'Faturayı şirket adına kesebilir misiniz? Vergi numaramı yazıyorum.',
      '{c} için teslimat kaç gün sürüyor?', 'Ürün hasarlı geldi, fotoğraflarını gönderdim. Değişim istiyorum.',
      'Kapıda ödeme seçeneği var mı?', 'İndirim kodu çalışmıyor, sepette hata veriyor.',
      'Aldığım {p} çalışmıyor, garanti kapsamında mı?', 'Adresimi değiştirmem gerekiyor, sipariş {o} henüz çıkmadıysa güncelleyebilir misiniz?',
      'Kargo firması paketi yanlış adrese bırakmış. Ne yapabiliriz?', 'Siparişimi iptal etmek istiyorum.',
    ],
    chatOut: [
      'Merhaba {n} Hanım/Bey, size nasıl yardımcı olabilirim?', 'Kontrol edip hemen dönüyorum.', 'Rica ederim, iyi günler dileriz!',
      'Sipariş {o} numaralı gönderiniz {d} iş günü içinde teslim edilecek.', 'İade talebinizi oluşturdum; kargo kodunuz e-posta ile gelecek.',
      'Ödemeniz 3-5 iş günü içinde kartınıza yansıyacak.', 'Başka yardımcı olabileceğim bir konu var mı?',
      'Adres güncellemenizi yaptım, paketiniz yeni adresinize çıkacak.', 'Ürün değişimi için kurye {d} gün içinde adresinize gelecek.',
      'Kusura bakmayın, yaşadığınız sorun için özür dileriz. Hemen ilgileniyorum.', 'Faturanız şirket adına düzenlenip e-posta adresinize gönderildi.',
    ],
    subject: ['Sipariş {o} hakkında', 'İade talebi', 'Fatura talebi - sipariş {o}', 'Hasarlı ürün', 'Teslimat gecikmesi', 'Garanti başvurusu: {p}'],
    para: [
      'sipariş {o} numaralı siparişimi {d} gün önce verdim ama hâlâ kargoya verilmedi. Sitede "hazırlanıyor" yazıyor ve müşteri hizmetlerine telefonla ulaşamadım.',
      'Aldığım {p} kutusundan hasarlı çıktı; fotoğrafları ekte gönderiyorum. Ürünün değiştirilmesini ya da ücretin iadesini rica ediyorum.',
      'Faturanın şirketimiz adına düzenlenmesi gerekiyor. Vergi dairemiz Kadıköy, unvanımız ekteki belgede yazıyor. Muhasebe ay sonunu bekliyor.',
      'Teslimat adresim {c} olarak görünüyor fakat taşındım. Yeni adresimi aşağıya yazdım, gönderimin buraya yapılmasını istiyorum.',
      'Daha önce de yazmıştım ama bir dönüş alamadım. Konunun takip edilmesini ve bana bilgi verilmesini rica ederim.',
      'Kartımdan aynı tutar iki kez çekilmiş görünüyor. Banka ekstresinin ekran görüntüsünü ekledim.',
    ],
    hello: ['Merhaba,', 'İyi günler,', 'Sayın yetkili,'],
    bye: ['Teşekkürler,\n{n}', 'İyi çalışmalar,\n{n}', 'Saygılarımla,\n{n}'],
  },
  en: {
    chatIn: [
      'Hi', 'Hello, can you help me?', 'Thanks!', 'OK, waiting.', 'I see.', 'Still waiting for an answer.',
      'Hi, order {o} has not arrived yet and the tracking number does not work.', 'When will order #{o} ship?',
      'I would like to return the {p} I bought, it does not fit.', 'I was charged twice for order {o}, can you refund one?',
      'How long does delivery to {c} take?', 'The item arrived damaged, I sent photos. I want an exchange.',
      'The discount code does not work at checkout.', 'My {p} stopped working, is it under warranty?', 'I want to cancel my order.',
    ],
    chatOut: [
      'Hi {n}, how can I help you?', 'Let me check and get back to you.', 'You are welcome, have a nice day!',
      'Order {o} will be delivered within {d} business days.', 'I created your return; the shipping code will arrive by email.',
      'The refund will show on your card within 3-5 business days.', 'Is there anything else I can help with?',
      'Sorry for the trouble, I am on it right away.',
    ],
    subject: ['Order {o}', 'Return request', 'Invoice for order {o}', 'Damaged item', 'Late delivery', 'Warranty claim: {p}'],
    para: [
      'I placed order {o} {d} days ago and it still has not shipped. The website says "processing" and I could not reach anyone by phone.',
      'The {p} I received was damaged in the box; photos are attached. Please replace it or refund me.',
      'I need the invoice issued to my company. The company details are in the attached document.',
      'I have written before but got no reply. Please look into this and let me know.',
      'The same amount was charged twice to my card. A screenshot of my bank statement is attached.',
    ],
    hello: ['Hello,', 'Hi there,', 'Dear support team,'],
    bye: ['Thanks,\n{n}', 'Best regards,\n{n}', 'Kind regards,\n{n}'],
  },
} as const;
type Lang = keyof typeof T;

interface Fill { o: number; p: string; c: string; d: number; n: string; a: string }
const fill = (s: string, f: Fill) => s.replace(/\{(\w)\}/g, (_, k: keyof Fill) => String(f[k]));

// ---------------------------------------------------------------- documents (one builder per collection)

type Doc = Record<string, unknown>;

export function teamDoc(plan: ScalePlan, i: number): Doc {
  const t = plan.teams[i]!;
  const at = new Date(plan.nowMs - YEAR - 30 * DAY);
  return { _id: t._id, name: t.name, assignmentPolicy: i === 0 ? 'least-busy' : i === 1 ? 'round-robin' : 'manual', createdAt: at, updatedAt: at, __v: 0 };
}

/** `passwordHash`: an argon2id hash (the bench signs in as agent 0 with its password). */
export function agentDoc(plan: ScalePlan, i: number, passwordHash: string): Doc {
  const a = plan.agents[i]!;
  const at = new Date(plan.nowMs - YEAR - 30 * DAY);
  return {
    _id: a._id, email: a.email, name: a.name, passwordHash, role: i === plan.agents.length - 1 ? 'supervisor' : 'agent',
    teamIds: [plan.teams[a.teamIndex]!._id], languages: a.languages, skills: [], capacity: 8,
    disabled: false, bot: false, createdAt: at, updatedAt: at, __v: 0,
  };
}

export interface CustomerFacts {
  _id: Types.ObjectId; name?: string; email?: string; phone?: string; language: Lang; lastSeenAt: Date;
  openConversationId: Types.ObjectId | null; createdAt: Date; updatedAt: Date; vip: boolean;
}
export function customerDoc(c: CustomerFacts): Doc {
  const doc: Doc = {
    _id: c._id, tags: c.vip ? ['vip'] : [], attributes: c.vip ? { segment: 'gold' } : {}, language: c.language, languageSource: 'detected',
    lastSeenAt: c.lastSeenAt, openConversationId: c.openConversationId, mergedInto: null, erasedAt: null, threadWeeks: true, createdAt: c.createdAt, updatedAt: c.updatedAt, __v: 0,
  };
  if (c.name !== undefined) doc.name = c.name;
  if (c.email !== undefined) doc.email = c.email;
  if (c.phone !== undefined) doc.phone = c.phone;
  return doc;
}

export function identityDoc(kind: IdentityKind, address: string, customerId: Types.ObjectId, verified: boolean, at: Date): Doc {
  return { _id: identityId(kind, address), kind, address, customerId, verified, createdAt: at, updatedAt: at, __v: 0 };
}

export interface ConversationFacts {
  _id: Types.ObjectId; customerId: Types.ObjectId; status: 'open' | 'pending' | 'snoozed' | 'resolved';
  assigneeId: Types.ObjectId | null; teamId: Types.ObjectId | null; priority: number; channel: Channel; labels: string[];
  lastMessagePreview: string; snoozedUntil: Date | null; openedAt: Date; lastActivityAt: Date; lastInboundAt: Date | null;
  lastOutboundAt: Date | null; firstResponseAt: Date | null; waitingSince: Date | null; resolvedAt: Date | null;
}
export function conversationDoc(c: ConversationFacts): Doc {
  const doc: Doc = {
    _id: c._id, customerId: c.customerId, openKey: c.status === 'resolved' ? `resolved:${c._id}` : String(c.customerId), status: c.status,
    assigneeId: c.assigneeId, teamId: c.teamId, priority: c.priority, requiredSkills: [], lastInboundChannel: c.channel,
    lastMessagePreview: c.lastMessagePreview, snoozedUntil: c.snoozedUntil, openedAt: c.openedAt, openedDay: dayOf(c.openedAt), lastActivityAt: c.lastActivityAt,
    lastInboundAt: c.lastInboundAt, lastOutboundAt: c.lastOutboundAt, firstResponseAt: c.firstResponseAt, resolvedAt: c.resolvedAt,
    labels: c.labels, createdAt: c.openedAt, updatedAt: c.lastActivityAt, __v: 0,
    // Routing's facts as the services write them: queued on opening, assigned at once (seeded assignments are manual).
    queuedAt: c.openedAt, assignedAt: c.assigneeId ? c.openedAt : null, autoAssigned: false,
    resolvedDay: c.resolvedAt ? dayOf(c.resolvedAt) : null, retainedAt: null, ruleSegmentId: null,
  };
  if (c.waitingSince) doc.waitingSince = c.waitingSince; // absent while the last word is ours (src/store/conversations.ts)
  return doc;
}

export interface MessageFacts {
  /** Set for outbound messages, notes and events (inbound ones derive theirs from the dedupeKey, as ingest does). */
  _id?: Types.ObjectId;
  conversationId: Types.ObjectId; customerId: Types.ObjectId; direction: 'in' | 'out'; kind: 'message' | 'note' | 'event';
  channel: Channel; author: { type: 'customer' | 'agent' | 'system'; id?: string; name?: string }; text: string; html?: string;
  subject?: string; dedupeKey: string; providerId: string | null; to?: string; threadHints?: Record<string, string>;
  email?: { messageId?: string; inReplyTo?: string; references?: string[] }; sentAt?: Date;
  delivery: { status: 'sent' | 'delivered' | 'read' | 'received'; attempts: number; at: Date }; at: Date;
}
export function messageDoc(x: MessageFacts): Doc {
  const doc: Doc = {
    _id: x.direction === 'in' && x.kind === 'message' ? idForKey('message', x.dedupeKey) : x._id,
    conversationId: x.conversationId, customerId: x.customerId, direction: x.direction, kind: x.kind, channel: x.channel,
    author: x.author, text: x.text, attachments: [], dedupeKey: x.dedupeKey, providerId: x.providerId, delivery: x.delivery,
    createdAt: x.at, updatedAt: x.delivery.at > x.at ? x.delivery.at : x.at, tb: threadBucket(x.customerId, x.at), __v: 0,
  };
  if (x.html !== undefined) doc.html = x.html;
  if (x.subject !== undefined) doc.subject = x.subject;
  if (x.to !== undefined) doc.to = x.to;
  if (x.threadHints !== undefined) doc.threadHints = x.threadHints;
  if (x.email !== undefined) doc.email = x.email;
  if (x.sentAt !== undefined) doc.sentAt = x.sentAt;
  return doc;
}

// ---------------------------------------------------------------- one customer's history

/** A time in [from, to), mostly in Istanbul business hours (weekdays 09-18, UTC+3). */
function businessTime(r: Rand, from: number, to: number): number {
  for (let i = 0; i < 4; i++) {
    const t = from + r() * (to - from);
    if (!chance(r, 0.8)) return t;
    const local = new Date(t + 3 * 3600_000);
    const day = local.getUTCDay();
    if (day === 0 || day === 6) continue;
    const h = local.getUTCHours();
    if (h >= 9 && h < 18) return t;
    local.setUTCHours(int(r, 9, 17), int(r, 0, 59), int(r, 0, 59));
    const moved = local.getTime() - 3 * 3600_000;
    if (moved >= from && moved < to) return moved;
  }
  return from + r() * (to - from);
}

function phoneFor(plan: ScalePlan, k: number): string {
  // A bijection of k onto 8 digits (2654435761 is odd and not a multiple of 5, so coprime to 10^8): unique numbers.
  const n = (BigInt(k) * 2654435761n + BigInt(plan.seed) * 7919n) % 100_000_000n;
  return `+905${k % 2 ? '3' : '5'}${n.toString().padStart(8, '0')}`;
}
const ascii = (s: string) => s.toLocaleLowerCase('tr-TR').replace(/ç/g, 'c').replace(/ğ/g, 'g').replace(/ı/g, 'i').replace(/ö/g, 'o').replace(/ş/g, 's').replace(/ü/g, 'u');

export interface CustomerBundle {
  customerId: Types.ObjectId;
  customer: Doc;
  identities: Doc[];
  conversations: Doc[];
  messages: Doc[];
  /** Identities as (kind, address), for the identity-resolution figure. */
  addresses: { kind: IdentityKind; address: string }[];
  /** "sipariş <n>" phrases this customer's messages contain (search terms that exist). */
  orderPhrases: string[];
}

/** The thread_weeks documents of a customer's messages (src/store/thread-weeks.ts): one per week bucket. */
function threadWeekDocs(messages: Doc[]): Doc[] {
  return [...new Set(messages.map((x) => String(x.tb)))].map((tb) => {
    const [c, w] = tb.split(':') as [string, string];
    return { _id: threadWeekId(c, Number(w)), c: new Types.ObjectId(c), w: Number(w) };
  });
}

/** Everything stored for customer `k`: a pure function of (plan, k). */
export function buildCustomer(plan: ScalePlan, k: number): CustomerBundle {
  const r = rng(seedOf('customer', plan.seed, k));
  const ids = new IdSource(`scale:${plan.seed}:${k}`);
  const lang: Lang = chance(r, 0.75) ? 'tr' : 'en';
  const first = lang === 'tr' ? pick(r, FIRST_TR) : pick(r, FIRST_EN);
  const last = lang === 'tr' ? pick(r, LAST_TR) : pick(r, LAST_EN);
  const fullName = `${first} ${last}`;
  // Identities: a primary channel, and for some customers a second or third one.
  const primary = pick(r, ['webchat', 'webchat', 'webchat', 'email', 'email', 'email', 'phone', 'phone', 'phone', 'phone'] as IdentityKind[]);
  const kinds = new Set<IdentityKind>([primary]);
  if (chance(r, 0.3)) kinds.add(pick(r, ['email', 'phone', 'webchat'] as IdentityKind[]));
  if (chance(r, 0.08)) for (const kd of ['email', 'phone', 'webchat'] as IdentityKind[]) kinds.add(kd);
  const email = kinds.has('email') ? `${ascii(first)}.${ascii(last)}${k}@${pick(r, DOMAINS)}` : undefined;
  const phone = kinds.has('phone') ? phoneFor(plan, k) : undefined;
  const visitor = kinds.has('webchat') ? `v_${ids.b64url(22)}` : undefined;
  const named = primary !== 'webchat' || chance(r, 0.5) || kinds.size > 1;
  const vip = chance(r, 0.03);

  // Conversation times, oldest first; only the newest may be unresolved (one unresolved per customer).
  const n = plan.convCount[k]!;
  const j0 = plan.convStart[k]!;
  const unresolvedLast = chance(r, 0.11);
  const starts = Array.from({ length: n }, () => businessTime(r, plan.nowMs - YEAR, plan.nowMs - 12 * DAY)).sort((a, b) => a - b);
  if (unresolvedLast) starts[n - 1] = businessTime(r, plan.nowMs - 10 * DAY, plan.nowMs - 2 * 3600_000);
  const customerId = ids.oidAt(starts[0]!);

  const channelsOf: Channel[] = [];
  if (visitor) channelsOf.push('webchat');
  if (email) channelsOf.push('email');
  if (phone) channelsOf.push(chance(r, 0.75) ? 'whatsapp' : 'sms');
  const primaryChannel: Channel = primary === 'webchat' ? 'webchat' : primary === 'email' ? 'email' : channelsOf.find((c) => c === 'whatsapp' || c === 'sms')!;
  const addressOf = (ch: Channel) => (ch === 'email' ? email! : ch === 'webchat' ? visitor! : phone!);
  const nowCap = plan.nowMs - 60_000;
  const supervisor = plan.agents[plan.agents.length - 1]!;

  const conversations: Doc[] = [];
  const messages: Doc[] = [];
  const orderPhrases: string[] = [];
  let openConversationId: Types.ObjectId | null = null;
  let lastSeen = starts[0]!;
  for (let c = 0; c < n; c++) {
    const j = j0 + c;
    const total = plan.msgCount[j]!;
    const channel = chance(r, 0.7) ? primaryChannel : pick(r, channelsOf);
    const address = addressOf(channel);
    const isLast = c === n - 1;
    const status = isLast && unresolvedLast ? pick(r, ['open', 'open', 'open', 'pending', 'pending', 'snoozed'] as const) : 'resolved';
    const teamIndex = chance(r, 0.85) ? int(r, 0, plan.teams.length - 1) : -1;
    const assigned = status === 'resolved' ? chance(r, 0.95) : chance(r, 0.65);
    const agentPool = plan.agents.filter((a) => teamIndex < 0 || a.teamIndex === teamIndex);
    const agent = assigned ? pick(r, agentPool) : pick(r, plan.agents); // unassigned: whoever answered (or nobody)
    const agentFirst = agent.name.split(' ')[0]!;
    const conversationId = ids.oidAt(starts[c]!);
    const f = (): Fill => ({ o: int(r, 10000, 99999), p: pick(r, lang === 'tr' ? PRODUCTS_TR : PRODUCTS_EN), c: pick(r, CITIES), d: int(r, 1, 7), n: first, a: agentFirst });

    // Events in the thread: "assigned" after the first message when assigned, "resolved" at the end.
    const events = (assigned ? 1 : 0) + (status === 'resolved' ? 1 : 0);
    const plain = total - events;
    let t = starts[c]!;
    let subject: string | undefined;
    let lastMailId: string | undefined;
    const refs: string[] = [];
    let lastIn: number | null = null, lastOut: number | null = null, firstResponse: number | null = null, waitingSince: number | null = null;
    let lastPreview = '';
    let dir: 'in' | 'out' = 'in';
    const chat = channel !== 'email';
    const pushEvent = (text: string, author: MessageFacts['author']) => {
      messages.push(messageDoc({
        _id: ids.oidAt(t), conversationId, customerId, direction: 'out', kind: 'event', channel, author, text,
        dedupeKey: `event:${ids.oidAt(t)}`, providerId: null, delivery: { status: 'sent', attempts: 0, at: new Date(t) }, at: new Date(t),
      }));
    };
    for (let i = 0; i < plain; i++) {
      // Who speaks next: the customer first; then mostly alternating, customers sometimes write twice in a row.
      if (i > 0) dir = dir === 'in' ? (chance(r, 0.8) ? 'out' : 'in') : chance(r, 0.85) ? 'in' : 'out';
      if (status !== 'resolved' && i > 0 && i === plain - 1) dir = status === 'open' ? 'in' : 'out'; // open: waiting for us
      const gap = dir === 'out' ? logUniform(r, 30_000, chat ? 4 * 3600_000 : 20 * 3600_000) : logUniform(r, chat ? 5_000 : 600_000, chat ? 600_000 : 2 * DAY);
      if (i > 0) t = Math.min(nowCap, t + gap);
      const at = new Date(t);
      const isNote = i > 0 && chance(r, 0.03);
      const fl = f();
      if (isNote) {
        messages.push(messageDoc({
          _id: ids.oidAt(t), conversationId, customerId, direction: 'out', kind: 'note', channel, author: { type: 'agent', id: String(agent._id), name: agent.name },
          text: pick(r, ['Müşteriyi kargo firmasıyla görüştükten sonra arayacağım.', 'Muhasebeye iletildi.', 'VIP müşteri, öncelik verelim.', 'Checked with the warehouse, item is in stock.']),
          dedupeKey: `note:${ids.uuid()}`, providerId: null, delivery: { status: 'sent', attempts: 0, at }, at,
        }));
        continue;
      }
      let text: string;
      let html: string | undefined;
      let subj: string | undefined;
      if (dir === 'in') {
        if (channel === 'email') {
          const paras = Array.from({ length: int(r, 1, 3) }, () => fill(pick(r, T[lang].para), fl));
          text = `${pick(r, T[lang].hello)}\n\n${paras.join('\n\n')}\n\n${fill(pick(r, T[lang].bye), fl)}`;
          html = `<div dir="ltr">${text.split('\n\n').map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`).join('')}</div>`;
          subject ??= fill(pick(r, T[lang].subject), fl);
          subj = i === 0 ? subject : `${lang === 'tr' ? 'YNT' : 'Re'}: ${subject}`;
        } else {
          text = fill(pick(r, T[lang].chatIn), fl);
          if (chance(r, 0.08)) text = `${text} ${fill(pick(r, T[lang].chatIn), f())}`;
        }
        const m = /sipariş (\d{5})/.exec(text);
        if (m && orderPhrases.length < 3) orderPhrases.push(`sipariş ${m[1]}`);
        if (waitingSince === null) waitingSince = t;
        lastIn = t;
        let dedupeKey: string, providerId: string, threadHints: Record<string, string> | undefined, emailMeta: MessageFacts['email'];
        if (channel === 'email') {
          const mid = `<${ids.hex(16)}.${ids.hex(8)}@${address.split('@')[1]}>`;
          dedupeKey = `email:${mid}`;
          providerId = mid;
          threadHints = { messageId: mid };
          emailMeta = { messageId: mid, ...(lastMailId ? { inReplyTo: lastMailId, references: [...refs] } : {}) };
          refs.push(mid);
          lastMailId = mid;
        } else if (channel === 'webchat') {
          const clientId = ids.uuid();
          dedupeKey = `webchat:${address}:${clientId}`;
          providerId = clientId;
        } else {
          const sid = `SM${ids.hex(32)}`;
          dedupeKey = `${channel}:${sid}`;
          providerId = sid;
          threadHints = { route: 'twilio', to: '+908505551234' };
        }
        messages.push(messageDoc({
          conversationId, customerId, direction: 'in', kind: 'message', channel,
          author: channel === 'email' && named ? { type: 'customer', name: fullName } : { type: 'customer' }, text, html, subject: subj,
          dedupeKey, providerId, threadHints, email: emailMeta, sentAt: new Date(t - int(r, 0, 3000)),
          delivery: { status: 'received', attempts: 0, at }, at,
        }));
      } else {
        text = fill(pick(r, T[lang].chatOut), fl);
        if (channel === 'email') text = `${lang === 'tr' ? `Merhaba ${first} Hanım/Bey,` : `Hello ${first},`}\n\n${text}\n\n${agent.name}\nKanal Destek`;
        if (firstResponse === null) firstResponse = t;
        lastOut = t;
        waitingSince = null;
        // Email replies carry threading headers (emailReplyFields); other channels none.
        const threadHints = channel === 'email' && lastMailId ? { inReplyTo: lastMailId, references: refs.slice(-20).join(' '), ...(subject ? { subject } : {}) } : undefined;
        const read = channel === 'whatsapp' || channel === 'webchat';
        const deliveredAt = new Date(Math.min(nowCap, t + int(r, 1000, 60_000)));
        messages.push(messageDoc({
          _id: ids.oidAt(t), conversationId, customerId, direction: 'out', kind: 'message', channel,
          author: { type: 'agent', id: String(agent._id), name: agent.name }, text, dedupeKey: `out:${ids.uuid()}`,
          providerId: channel === 'email' ? `<${ids.uuid()}@kanal.bench>` : channel === 'webchat' ? null : `SM${ids.hex(32)}`,
          to: address, threadHints, delivery: { status: read && chance(r, 0.7) ? 'read' : channel === 'webchat' ? 'sent' : 'delivered', attempts: 1, at: deliveredAt }, at,
        }));
      }
      lastPreview = preview(text);
      if (i === 0 && assigned) pushEvent(`${supervisor.name} assigned the conversation to ${agent.name}`, { type: 'agent', id: String(supervisor._id), name: supervisor.name });
    }
    let resolvedAt: number | null = null;
    if (status === 'resolved') {
      t = Math.min(nowCap, t + logUniform(r, 60_000, 2 * DAY));
      resolvedAt = t;
      pushEvent(`${agent.name} set the status to resolved`, { type: 'agent', id: String(agent._id), name: agent.name });
    } else {
      openConversationId = conversationId;
    }
    lastSeen = Math.max(lastSeen, lastIn ?? 0);
    const labels: string[] = [];
    if (chance(r, 0.4)) labels.push(pick(r, LABELS));
    if (chance(r, 0.1)) { const l = pick(r, LABELS); if (!labels.includes(l)) labels.push(l); }
    conversations.push(conversationDoc({
      _id: conversationId, customerId, status, assigneeId: assigned ? agent._id : null, teamId: teamIndex >= 0 ? plan.teams[teamIndex]!._id : null,
      priority: chance(r, 0.05) ? 1 : 0, channel, labels, lastMessagePreview: lastPreview,
      snoozedUntil: status === 'snoozed' ? new Date(plan.nowMs + int(r, 1, 7) * DAY) : null,
      openedAt: new Date(starts[c]!), lastActivityAt: new Date(Math.max(t, resolvedAt ?? 0)),
      lastInboundAt: lastIn === null ? null : new Date(lastIn), lastOutboundAt: lastOut === null ? null : new Date(lastOut),
      firstResponseAt: firstResponse === null ? null : new Date(firstResponse),
      waitingSince: status !== 'resolved' && waitingSince !== null ? new Date(waitingSince) : null,
      resolvedAt: resolvedAt === null ? null : new Date(resolvedAt),
    }));
  }

  const createdAt = new Date(starts[0]!);
  const customer = customerDoc({
    _id: customerId, name: named ? fullName : undefined, email, phone, language: lang, lastSeenAt: new Date(lastSeen), openConversationId,
    createdAt, updatedAt: new Date(lastSeen), vip,
  });
  const addresses: { kind: IdentityKind; address: string }[] = [];
  if (visitor) addresses.push({ kind: 'webchat', address: visitor });
  if (email) addresses.push({ kind: 'email', address: email });
  if (phone) addresses.push({ kind: 'phone', address: phone });
  const identities = addresses.map((a) => identityDoc(a.kind, a.address, customerId, a.kind !== 'webchat' && a.kind === primary, createdAt));
  return { customerId, customer, identities, conversations, messages, addresses, orderPhrases };
}

// ---------------------------------------------------------------- checking and writing

/**
 * Fields the schema requires or defaults that `doc` lacks, plus mongoose's validation errors: seeded documents must
 * look like the ones the services write (mongoose fills defaults on create; raw inserts do not).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function checkComplete(model: any, doc: Doc): string[] {
  const missing: string[] = [];
  const get = (o: unknown, p: string) => p.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  for (const [p, type] of Object.entries(model.schema.paths as Record<string, any>)) {
    if (p === '_id' || p === '__v') continue;
    if ((type.isRequired || type.defaultValue !== undefined) && get(doc, p) === undefined) missing.push(p);
  }
  for (const ts of ['createdAt', 'updatedAt']) if (model.schema.options.timestamps && doc[ts] === undefined) missing.push(ts);
  const err = new model(doc).validateSync();
  if (err) missing.push(...Object.keys(err.errors ?? {}).map((k) => `invalid ${k}`));
  return missing;
}

export interface SeedStats { customers: number; identities: number; conversations: number; messages: number; seconds: number; insertErrors: number; derivedSeconds?: number }

/**
 * Inserts customers [from, to) with raw unordered insertMany in chunks of `chunk` documents, at most `inFlight` at once
 * (FerretDB holds a pool connection per statement; its pool of 50 deadlocks under many concurrent multi-statement
 * commands). `onCustomer` sees every bundle (to collect search terms and identities).
 */
export async function seedCustomers(
  m: Models,
  plan: ScalePlan,
  from: number,
  to: number,
  opts: { chunk?: number; inFlight?: number; onCustomer?: (k: number, b: CustomerBundle) => void; progress?: (s: SeedStats) => void; deadline?: number } = {},
): Promise<SeedStats> {
  const chunk = opts.chunk ?? 1000;
  const inFlight = opts.inFlight ?? 4;
  const t0 = performance.now();
  const stats: SeedStats = { customers: 0, identities: 0, conversations: 0, messages: 0, seconds: 0, insertErrors: 0 };
  const collections = {
    Customer: collectionsOf(m).Customer.collection, Identity: collectionsOf(m).Identity.collection, Conversation: conversationModel(collectionsOf(m).Customer.db).collection, Message: collectionsOf(m).Message.collection,
    ThreadWeek: threadWeekModel(collectionsOf(m).Customer.db).collection,
  };
  const buffers: Record<keyof typeof collections, Doc[]> = { Customer: [], Identity: [], Conversation: [], Message: [], ThreadWeek: [] };
  const running = new Set<Promise<void>>();
  let firstError: unknown;
  const flush = async (name: keyof typeof collections, force = false) => {
    while (buffers[name].length >= chunk || (force && buffers[name].length)) {
      const docs = buffers[name].splice(0, chunk);
      while (running.size >= inFlight) await Promise.race(running);
      const p: Promise<void> = collections[name].insertMany(docs, { ordered: false }).then(
        () => {},
        (err: unknown) => { stats.insertErrors++; firstError ??= err; },
      ).finally(() => running.delete(p));
      running.add(p);
    }
  };
  let lastProgress = performance.now();
  for (let k = from; k < to; k++) {
    if (opts.deadline && Date.now() > opts.deadline) throw new Error(`seeding stopped at the deadline after ${stats.messages} messages`);
    const b = buildCustomer(plan, k);
    opts.onCustomer?.(k, b);
    buffers.Customer.push(b.customer);
    buffers.Identity.push(...b.identities);
    buffers.Conversation.push(...b.conversations);
    buffers.Message.push(...b.messages);
    buffers.ThreadWeek.push(...threadWeekDocs(b.messages));
    stats.customers++;
    stats.identities += b.identities.length;
    stats.conversations += b.conversations.length;
    stats.messages += b.messages.length;
    for (const name of Object.keys(buffers) as (keyof typeof collections)[]) await flush(name);
    if (opts.progress && performance.now() - lastProgress > 15_000) {
      lastProgress = performance.now();
      opts.progress({ ...stats, seconds: (performance.now() - t0) / 1000 });
    }
  }
  for (const name of Object.keys(buffers) as (keyof typeof collections)[]) await flush(name, true);
  await Promise.all(running);
  if (firstError) throw new Error(`${stats.insertErrors} insertMany batches failed; first: ${(firstError as Error).message}`);
  stats.seconds = (performance.now() - t0) / 1000;
  return stats;
}
