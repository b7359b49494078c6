import { spawn } from 'node:child_process';
import { DEMO_GUESTS } from '../../src/demo/seed.ts';

/**
 * Executable integration guides. In `docs/pos/*.md`, a fenced block opened with
 * ```` ```bash title="…" ```` is an example to run; the ```` ```json ```` block that follows it
 * (before the next titled bash block) is the answer it prints. All titled blocks of a guide run in
 * order in one bash session — shell variables such as `$CODE` and `$TXN` carry over, exactly as for
 * a reader pasting them into one terminal.
 */
export interface GuideBlock {
  title: string;
  code: string;
  /** The documented answer (JSON text), if the guide shows one. */
  answer: string | null;
  /** 1-based line of the opening fence, for failure messages. */
  line: number;
}

const FENCE = /^```(\S*)(.*)$/;

export function parseGuide(markdown: string): GuideBlock[] {
  const lines = markdown.split('\n');
  const blocks: GuideBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, lang, info] = open;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    const title = /title="([^"]+)"/.exec(info ?? '')?.[1];
    if (lang === 'bash' && title) blocks.push({ title, code: body.join('\n'), answer: null, line: start + 1 });
    else if (lang === 'json' && blocks.length > 0 && blocks.at(-1)!.answer === null) blocks.at(-1)!.answer = body.join('\n');
  }
  return blocks;
}

const MARK = '@@tillpoint-guide-block-end@@';

/** Runs every block in one bash session; resolves each block's stdout, or rejects naming the block that failed. */
export function runGuide(blocks: GuideBlock[], options: { cwd: string; env: Record<string, string> }): Promise<string[]> {
  const script = ['set -euo pipefail', ...blocks.flatMap((b) => [b.code, `printf '\\n%s\\n' '${MARK}'`])].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const outputs = out
        .split(`\n${MARK}\n`)
        .slice(0, blocks.length)
        .map((o) => o.trim());
      if (code === 0 && outputs.length === blocks.length) return resolve(outputs);
      const failed = blocks[Math.min(outputs.length - 1, blocks.length - 1)];
      reject(new Error(`guide block "${failed?.title}" (line ${failed?.line}) exited with ${code}\nstdout:\n${out}\nstderr:\n${err}`));
    });
  });
}

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;
const RECEIPT = /\b[0-9A-HJ-NP-Z]{16}\b/g;
const ISO_TIME = /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\b/g;
const FIXED = new Set(DEMO_GUESTS.map((g) => g.id));

/**
 * Makes answers of different runs comparable: the n-th distinct transaction id becomes `<id-n>`
 * and the n-th distinct receipt code `<receipt-n>` (so an id answered by identify must come back
 * on the update), time stamps become `<time>`, the server's address `<server>`. Demo guest ids and everything else stay as they are.
 */
export function normalizer(): (value: unknown) => unknown {
  const ids = new Map<string, string>();
  const receipts = new Map<string, string>();
  const text = (s: string) =>
    s
      .replace(UUID, (m) => (FIXED.has(m) ? m : (ids.get(m) ?? (ids.set(m, `<id-${ids.size + 1}>`), ids.get(m)!))))
      .replace(RECEIPT, (m) => receipts.get(m) ?? (receipts.set(m, `<receipt-${receipts.size + 1}>`), receipts.get(m)!))
      .replace(ISO_TIME, '<time>')
      // The server's own address (a free port per run), e.g. in a RulesError's errorConfig.url.
      .replace(/https?:\/\/(127\.0\.0\.1|localhost):\d+/g, '<server>');
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, walk((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return walk;
}
