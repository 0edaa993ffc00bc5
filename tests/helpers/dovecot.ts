import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './email';

export const DOVECOT = '/usr/sbin/dovecot';

/**
 * A throwaway Dovecot (Debian's dovecot-imapd) for IMAP tests: its own config, mail and run directories under a
 * temp folder, IMAP on a loopback port, one user with a plain password, mail stored as the current (root) user.
 * `stop()` shuts it down and removes the folder.
 */
export async function startDovecot(): Promise<{ port: number; user: string; password: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kanal-dovecot-'));
  const port = await freePort();
  const user = 'destek';
  const password = 'imap-parola-1';
  // Dovecot never accesses mail as root: the mail belongs to Debian's `mail` user.
  const { uid, gid } = systemUser('mail');
  chmodSync(dir, 0o755); // dovecot's auth process (user dovecot) reads the passwd file below
  for (const d of ['run', 'state', 'mail']) mkdirSync(path.join(dir, d));
  chownSync(path.join(dir, 'mail'), uid, gid);
  writeFileSync(path.join(dir, 'passwd'), `${user}:{PLAIN}${password}::::::\n`);
  const config = path.join(dir, 'dovecot.conf');
  writeFileSync(config, `
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
mail_uid = ${uid}
mail_gid = ${gid}
first_valid_uid = ${uid}
first_valid_gid = ${gid}
mail_location = maildir:${dir}/mail/%u
mail_plugins =
protocol imap {
  imap_idle_notify_interval = 1 secs
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
}
service submission-login {
  inet_listener submission {
    port = 0
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0600
  }
}
`);
  // In the foreground (-F) as our child, so the test owns the process and stops exactly it.
  const master = spawn(DOVECOT, ['-F', '-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  master.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  const exited = new Promise<void>((resolve) => master.once('exit', () => resolve()));
  const stop = async () => {
    if (master.exitCode === null && master.signalCode === null) {
      master.kill('SIGTERM');
      const timer = setTimeout(() => master.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const until = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (master.exitCode !== null || Date.now() > until) {
      const why = `dovecot did not listen on ${port}: ${stderr} ${readLog(dir)}`;
      await stop();
      throw new Error(why);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, user, password, stop };
}

function systemUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no system user ${name}`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function readLog(dir: string): string {
  try { return readFileSync(path.join(dir, 'dovecot.log'), 'utf8').slice(-2000); } catch { return '(no log)'; }
}

async function canConnect(port: number): Promise<boolean> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}
