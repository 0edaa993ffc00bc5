/** Gives a slot back; calling it again does nothing. */
export type Release = () => void;

/**
 * At most `slots` large mails are parsed and stored at once in this process: each costs the parser's text, the
 * store's upload buffers and CPU, so a burst of large mails must wait its turn instead of all running together
 * (16 concurrent 27 MiB mails took a hub from 653 MB to 2 GB while they were held whole).
 */
export class LargeMailGate {
  private free: number;
  private readonly waiting: Array<(release: Release) => void> = [];

  constructor(slots: number) {
    this.free = slots;
  }

  /** A slot now, or undefined when all are taken (the SMTP answer is then 452 at MAIL FROM). */
  tryAcquire(): Release | undefined {
    if (this.free <= 0) return undefined;
    this.free--;
    return this.releaser();
  }

  /** A slot as soon as one is free, in arrival order; undefined after `timeoutMs` without one. */
  acquire(timeoutMs: number): Promise<Release | undefined> {
    const now = this.tryAcquire();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const grant = (release: Release) => { clearTimeout(timer); resolve(release); };
      const timer = setTimeout(() => {
        const at = this.waiting.indexOf(grant);
        if (at !== -1) this.waiting.splice(at, 1);
        resolve(undefined);
      }, timeoutMs);
      this.waiting.push(grant);
    });
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(this.releaser()); // the slot passes straight on
      else this.free++;
    };
  }
}
