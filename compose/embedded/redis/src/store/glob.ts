/**
 * Redis glob matching (KEYS, SCAN MATCH, PSUBSCRIBE): `*` any run, `?` one char, `[abc]`,
 * `[^abc]`, `[a-z]`, and `\` to escape. Case-sensitive.
 * Uses the single-backtrack-point algorithm, so time is O(pattern × text) even for patterns
 * like `a*a*a*a*b` that make naive recursion explode.
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length) {
      if (pattern[p] === '*') {
        starP = ++p;
        starT = t;
        continue;
      }
      const next = matchOne(pattern, p, text[t] as string);
      if (next >= 0) {
        p = next;
        t++;
        continue;
      }
    }
    if (starP < 0) return false;
    // Let the last star swallow one more character and retry from there.
    p = starP;
    t = ++starT;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Matches one pattern token at `p` against `ch`; returns the index after the token, or -1. */
function matchOne(pattern: string, p: number, ch: string): number {
  const token = pattern[p];
  if (token === '?') return p + 1;
  if (token === '[') return matchSet(pattern, p + 1, ch);
  if (token === '\\' && p + 1 < pattern.length) return pattern[p + 1] === ch ? p + 2 : -1;
  return token === ch ? p + 1 : -1;
}

function matchSet(pattern: string, start: number, ch: string): number {
  let i = start;
  const negate = pattern[i] === '^';
  if (negate) i++;
  let matched = false;
  while (i < pattern.length && pattern[i] !== ']') {
    if (pattern[i] === '\\' && i + 1 < pattern.length) {
      i++;
      if (pattern[i] === ch) matched = true;
    } else if (i + 2 < pattern.length && pattern[i + 1] === '-') {
      let low = pattern[i] as string;
      let high = pattern[i + 2] as string;
      if (low > high) [low, high] = [high, low];
      if (ch >= low && ch <= high) matched = true;
      i += 2;
    } else if (pattern[i] === ch) {
      matched = true;
    }
    i++;
  }
  // An unterminated set ends with the pattern, as in redis-server.
  const after = i < pattern.length ? i + 1 : i;
  return matched !== negate ? after : -1;
}
