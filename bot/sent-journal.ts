import { closeSync, ftruncateSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Journals of the senders running in this process (never recovered by a sibling). */
const LIVE = new Set<string>();

/** What a dead sender's journal says: the claims it held and the rows it sent since its last commit. */
export interface JournalContents {
  tokens: string[];
  sent: { id: number; to: string }[];
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The outbox sender's crash-safe claim record. Sent marks are committed to the database in groups
 * (one commit per group, not per row); in between, each claim token and each delivered row is
 * written here with a plain synchronous `write` before the next send. A process that is killed
 * leaves these lines in the kernel's page cache, so the sender that starts next marks exactly those
 * rows sent and puts the rest of the dead sender's claim back at once: nothing is sent twice but
 * the one row whose send was in flight. (A power cut loses at most the last group's lines; those
 * rows are then released after the stale-claim timeout, as before.)
 */
export class SentJournal {
  private fd: number | null = null;

  constructor(readonly file: string) {}

  /** The journal file of a new sender of `stationId` in `dir`. */
  static create(dir: string, stationId: number, owner: string): SentJournal {
    return new SentJournal(path.join(dir, `outbox-s${stationId}-${process.pid}-${owner.replace(/[^\w-]/g, '').slice(-8)}.journal`));
  }

  private open(): number {
    if (this.fd === null) {
      this.fd = openSync(this.file, 'a');
      LIVE.add(this.file);
    }
    return this.fd;
  }

  /** Records a claim token before any of its rows is sent. */
  claimed(token: string): void {
    writeSync(this.open(), `C\t${token}\n`);
  }

  /** Records a delivered row (and the contact it went to) before the next send. */
  sent(id: number, to: string): void {
    writeSync(this.open(), `S\t${id}\t${to}\n`);
  }

  /** Empties the journal once its rows are committed as sent. */
  clear(): void {
    if (this.fd !== null) ftruncateSync(this.fd, 0);
  }

  /** Closes and removes the journal (a clean stop, everything committed). */
  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    LIVE.delete(this.file);
    rmSync(this.file, { force: true });
  }

  /** Journals of `stationId`'s senders in `dir` whose process is gone (or that this process abandoned). */
  static orphans(dir: string, stationId: number): string[] {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    const prefix = `outbox-s${stationId}-`;
    return names
      .filter((n) => n.startsWith(prefix) && n.endsWith('.journal'))
      .map((n) => path.join(dir, n))
      .filter((f) => {
        if (LIVE.has(f)) return false;
        const pid = Number(path.basename(f).slice(prefix.length).split('-')[0]);
        return pid === process.pid || !alive(pid);
      });
  }

  /** Reads a journal; a torn last line (killed mid-write) is ignored. */
  static read(file: string): JournalContents {
    const out: JournalContents = { tokens: [], sent: [] };
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [tag, a, b] = line.split('\t');
      if (tag === 'C' && a) out.tokens.push(a);
      else if (tag === 'S' && a && b !== undefined && /^\d+$/.test(a)) out.sent.push({ id: Number(a), to: b });
    }
    return out;
  }

  /** Removes a recovered journal. */
  static remove(file: string): void {
    rmSync(file, { force: true });
  }
}
