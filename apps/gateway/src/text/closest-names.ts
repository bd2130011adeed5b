// Edit distance between names, for "did you mean" hints (config keys, providers, model ids).

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(
        row[j]! + 1,
        row[j - 1]! + 1,
        previous + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1),
      );
      previous = current;
    }
  }
  return row[b.length]!;
}

/** Up to `limit` known names close enough to `value` to be likely typos of it, closest first. */
export function closestNames(value: string, candidates: Iterable<string>, limit = 3): string[] {
  const threshold = Math.max(2, Math.floor(value.length / 3));
  return [...new Set(candidates)]
    .map((name) => ({ name, d: distance(value, name) }))
    .filter(({ d }) => d <= threshold)
    .sort((a, b) => a.d - b.d)
    .slice(0, limit)
    .map(({ name }) => name);
}

/** The known name closest to `value`, when it is close enough to be a likely typo. */
export function closest(value: string, candidates: Iterable<string>): string | undefined {
  return closestNames(value, candidates, 1)[0];
}
