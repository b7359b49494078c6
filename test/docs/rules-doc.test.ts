import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MISSING_GUEST_HISTORY, OFFERS_PER_ORDER, POINT_BALANCE } from '../../src/domain/evaluate.ts';
import { RULES } from '../../src/domain/rules/registry.ts';

/** docs/rules.md cannot fall behind the registry: every rule, each of its codes, and the built-ins. */
const DOC = readFileSync(fileURLToPath(new URL('../../docs/rules.md', import.meta.url)), 'utf8');

describe('docs/rules.md', () => {
  it.each([...RULES.values()].map((r) => [r.id, r] as const))('documents %s with its codes, arguments and an example', (id, rule) => {
    const start = DOC.indexOf(`### \`${id}\``);
    expect(start, `a "### \`${id}\`" section`).toBeGreaterThan(-1);
    const next = DOC.indexOf('\n### ', start + 1);
    const section = DOC.slice(start, next === -1 ? undefined : next);
    for (const code of rule.codes) expect(section, `code ${code}`).toContain(`\`${code}\``);
    expect(section).toContain('Arguments:');
    expect(section).toContain(`"ruleId": "${id}"`);
    const schema = rule.args as { properties?: Record<string, unknown> };
    for (const arg of Object.keys(schema.properties ?? {})) expect(section, `argument ${arg}`).toContain(`\`${arg}`);
  });

  it('documents the built-in checks', () => {
    for (const text of [
      '`limit-per-order`',
      '`exceeds-offers-per-order`',
      `\`${OFFERS_PER_ORDER}\``,
      '`insufficient-point-balance`',
      `\`${POINT_BALANCE}\``,
      `\`${MISSING_GUEST_HISTORY}\``,
      '`unknown-rule`',
    ]) {
      expect(DOC).toContain(text);
    }
  });
});
