import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LargeMailGate } from '../../channels/email/large-mail-gate';
import { MimeStructureCheck, rawProblem } from '../../channels/email/mime-limits';
import { MailWorkspace, spool } from '../../channels/email/spool';

const base = mkdtempSync(path.join(os.tmpdir(), 'kanal-spool-unit-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const chunked = (raw: Buffer, size: number) => Array.from({ length: Math.ceil(raw.length / size) }, (_, i) => raw.subarray(i * size, (i + 1) * size));
const readAll = async (s: NodeJS.ReadableStream) => { const c: Buffer[] = []; for await (const x of s) c.push(x as Buffer); return Buffer.concat(c); };

test('the structure checks give the same answer whichever way the mail is cut into chunks', () => {
  let nested = 'hi';
  for (let i = 20; i > 0; i--) nested = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${nested}\r\n--b${i}--`;
  const samples = [
    Buffer.from(`From: a@b.c\r\n${nested}`),
    Buffer.from(`From: a@b.c\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n${'--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n'.repeat(501)}--x--`),
    Buffer.from(`From: a@b.c\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n${'--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n'.repeat(499)}--x--`), // 500 parts: the limit
    // 16 distinct boundaries (the limit), one of them repeated across a chunk edge in a long line.
    Buffer.from(`From: a@b.c\r\n\r\n${Array.from({ length: 16 }, (_, i) => `x; boundary="grenze-${i}" ${'y'.repeat(700)}`).join('')} boundary="grenze-3"\r\n`),
  ];
  for (const raw of samples) {
    const whole = rawProblem(raw);
    for (const size of [1, 7, 13, 511, 512, 513, 4096]) {
      const check = new MimeStructureCheck();
      for (const c of chunked(raw, size)) check.push(c);
      expect([size, check.problem(raw.length, raw)]).toEqual([size, whole]);
    }
  }
  expect(samples.map(rawProblem)).toEqual(['MIME nesting too deep (20 multipart levels > 16)', 'too many MIME parts (502 > 500)', undefined, undefined]);
});

test('a spool keeps small input in memory and larger input in a file of its workspace, bytes unchanged, past maxBytes nothing', async () => {
  const workspace = new MailWorkspace(base);
  const small = randomBytes(1000);
  const s1 = await spool(chunked(small, 100), workspace, { name: 'a', memoryBytes: 4096, headBytes: 64 });
  expect([s1.onDisk, s1.size, s1.head.equals(small.subarray(0, 64))]).toEqual([false, 1000, true]);
  expect((await readAll(s1.open())).equals(small)).toBe(true);
  expect(readdirSync(base)).toEqual([]);

  const large = randomBytes(100_000);
  const s2 = await spool(chunked(large, 3000), workspace, { name: 'b', memoryBytes: 4096, headBytes: 64, maxBytes: 90_000 });
  expect([s2.onDisk, s2.size]).toEqual([true, 100_000]);
  expect((await readAll(s2.open())).equals(large.subarray(0, 90_000))).toBe(true);
  expect((await readAll(s2.open())).length).toBe(90_000); // readable again
  expect(readdirSync(base)).toHaveLength(1);
  await workspace.remove();
  expect(readdirSync(base)).toEqual([]);
});

test('the large-mail gate: no slot beyond its size, waiters served in order as slots come back, a wait can time out', async () => {
  const gate = new LargeMailGate(2);
  const a = gate.tryAcquire()!;
  const b = gate.tryAcquire()!;
  expect(gate.tryAcquire()).toBeUndefined();
  const order: string[] = [];
  const c = gate.acquire(60_000).then((r) => { order.push('c'); return r; });
  const d = gate.acquire(60_000).then((r) => { order.push('d'); return r; });
  a();
  a(); // a second release gives nothing back
  const releaseC = await c;
  expect(order).toEqual(['c']);
  expect(gate.tryAcquire()).toBeUndefined();
  b();
  const releaseD = await d;
  expect(order).toEqual(['c', 'd']);
  expect(await gate.acquire(10)).toBeUndefined(); // both slots still held
  releaseC!();
  releaseD!();
  expect(gate.tryAcquire()).toBeDefined();
  expect(gate.tryAcquire()).toBeDefined();
  expect(gate.tryAcquire()).toBeUndefined();
});
