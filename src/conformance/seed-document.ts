/**
 * The vendor documents as they were saved: prose, and after each "Code Block" line an example.
 * `readSeedDocument` cuts a document into its code blocks, each with the prose lines before it (its
 * heading and label), without interpreting anything.
 *
 * `loyalty-api-v1-winrest.txt` is a page diff whose add/remove markup was lost: from its
 * "Overview" on, the endpoint reference (the older page) and the Winrest page are merged
 * character by character, e.g. `"footerpoints": "receipt footer"14464,` is the reference's
 * `"footer": "receipt footer",` and the Winrest page's `"points": 14464,`. `untangle` restores the
 * lost markup for one block: the caller writes the block with `[-…-]` around the text of the other
 * version, and `untangle` proves that removing the markers gives back the block exactly as the
 * file has it (no character invented or dropped) before returning the text with the marked spans
 * removed.
 */

export interface SeedBlock {
  /** 0-based position among the document's code blocks */
  index: number;
  /** 1-based line of the block's first line in the file */
  line: number;
  /** the prose lines between the previous block and this one (headings, "Example request", …) */
  context: string[];
  text: string;
}

const PROSE = /^\s*(\.\.\.|[A-Za-z][^"]*)$/;

export function readSeedDocument(text: string): SeedBlock[] {
  const lines = text.split('\n');
  const blocks: SeedBlock[] = [];
  const prose: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === 'Code Block') {
      let end = i + 1;
      while (end < lines.length && !PROSE.test(lines[end]!)) end++;
      let last = end;
      while (last > i + 1 && lines[last - 1]!.trim() === '') last--;
      blocks.push({ index: blocks.length, line: i + 2, context: [...prose], text: lines.slice(i + 1, last).join('\n') });
      prose.length = 0;
      i = end - 1;
    } else if (line.trim() !== '' && line.trim() !== '...' && PROSE.test(line)) prose.push(line.trim());
  }
  return blocks;
}

export class UntangleError extends Error {}

const MARKED = /\[-([\s\S]*?)-\]/g;

/**
 * One version of a garbled block: `annotated` is the block with the other version's text inside
 * `[-…-]`. Throws unless the annotation without its markers is the block itself, byte for byte.
 */
export function untangle(block: SeedBlock, annotated: string): string {
  const restored = annotated.replace(MARKED, '$1');
  if (restored !== block.text) {
    let at = 0;
    while (at < restored.length && restored[at] === block.text[at]) at++;
    throw new UntangleError(
      `the annotation of the block at line ${block.line} differs from the file at character ${at}: ` +
        `file ${JSON.stringify(block.text.slice(at, at + 30))}, annotation ${JSON.stringify(restored.slice(at, at + 30))}`,
    );
  }
  return annotated.replace(MARKED, '');
}
