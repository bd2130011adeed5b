// Every pending changeset must be one that `changeset version` accepts: frontmatter first, then
// only packages of this workspace that changesets does not ignore, each with a valid bump.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHANGESETS = join(ROOT, '.changeset');

function workspacePackages(): Set<string> {
  const names = new Set<string>();
  for (const parent of ['packages', 'packages/adapters', 'apps']) {
    for (const entry of readdirSync(join(ROOT, parent), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      try {
        const manifest = JSON.parse(readFileSync(join(ROOT, parent, entry.name, 'package.json'), 'utf8'));
        names.add(manifest.name);
      } catch {
        // a folder of folders (packages/adapters), not a package
      }
    }
  }
  return names;
}

/** The `"package": bump` lines of a changeset's frontmatter, or an error saying what is wrong. */
function releasesOf(text: string): { name: string; bump: string }[] | string {
  const match = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/.exec(text);
  if (!match) return 'does not start with a "---" frontmatter block';
  const releases: { name: string; bump: string }[] = [];
  for (const line of (match[1] as string).split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const release = /^\s*(["'])(.+)\1\s*:\s*(\S+)\s*$/.exec(line);
    if (!release) return `has a frontmatter line changesets cannot read: ${line}`;
    releases.push({ name: release[2] as string, bump: release[3] as string });
  }
  return releases;
}

describe('changesets', () => {
  const ignored = new Set<string>(
    JSON.parse(readFileSync(join(CHANGESETS, 'config.json'), 'utf8')).ignore ?? [],
  );
  const packages = workspacePackages();
  const files = readdirSync(CHANGESETS).filter((name) => name.endsWith('.md') && name !== 'README.md');

  it.each(files)('%s names releasable workspace packages with a valid bump', (file) => {
    const releases = releasesOf(readFileSync(join(CHANGESETS, file), 'utf8'));
    expect(typeof releases === 'string' ? releases : 'ok').toBe('ok');
    for (const { name, bump } of releases as { name: string; bump: string }[]) {
      expect(packages.has(name), `${name} is not a package of this workspace`).toBe(true);
      expect(ignored.has(name), `${name} is ignored by changesets (config.json)`).toBe(false);
      expect(['major', 'minor', 'patch']).toContain(bump);
    }
  });
});
