import { T } from '../sql-types.js';
import { scalar, type FunctionDefinition } from './function-definition.js';

/** The last pattern's RegExp, so a pattern that is the same on every row compiles once; an invalid pattern is NULL, as in Flink. */
function regexCache(flags: string): (p: string) => RegExp | null {
  let last: string | undefined;
  let re: RegExp | null = null;
  return (p) => {
    if (p !== last) {
      last = p;
      try {
        re = new RegExp(p, flags);
      } catch {
        re = null;
      }
    }
    if (re) re.lastIndex = 0;
    return re;
  };
}

function pad(s: string, len: number, fill: string, left: boolean): string | null {
  if (len < 0 || fill === '') return null;
  const chars = [...s];
  if (len <= chars.length) return chars.slice(0, len).join('');
  const fillChars = [...fill];
  let extra = '';
  for (let i = 0; i < len - chars.length; i++) extra += fillChars[i % fillChars.length];
  return left ? extra + s : s + extra;
}

/** Flink's INITCAP: the first letter of each word upper case, the rest lower case; words are runs of letters and digits. */
export function initcap(s: string): string {
  let out = '';
  let inWord = false;
  for (const ch of s) {
    const alnum = /[\p{L}\p{N}]/u.test(ch);
    out += alnum ? (inWord ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    inWord = alnum;
  }
  return out;
}

const extractRe = regexCache('');
const replaceRe = regexCache('g');
const matchRe = regexCache('');

/** String functions of Flink's that the first version did not have (UPPER, LOWER, SUBSTRING, TRIM, CONCAT, CHAR_LENGTH are in the compiler). */
export const stringFunctions: readonly FunctionDefinition[] = [
  scalar('CONCAT_WS', {
    params: ['STRING', 'STRING'],
    variadic: true,
    result: T.STRING,
    nulls: true,
    nullable: true,
    // A NULL separator is NULL; NULL strings are skipped.
    impl: (sep: string | null, ...xs: (string | null)[]) => (sep === null ? null : xs.filter((x) => x !== null).join(sep)),
  }),
  scalar('REPLACE', { params: ['STRING', 'STRING', 'STRING'], result: T.STRING, impl: (s: string, a: string, b: string) => s.replaceAll(a, () => b) }),
  scalar('REGEXP_REPLACE', {
    params: ['STRING', 'STRING', 'STRING'],
    result: T.STRING,
    nullable: true,
    impl: (s: string, p: string, r: string) => {
      const re = replaceRe(p);
      return re === null ? null : s.replace(re, r);
    },
  }),
  scalar('REGEXP_EXTRACT', {
    params: ['STRING', 'STRING', 'INTEGER'],
    optional: 1,
    result: T.STRING,
    nullable: true,
    // The whole match by default (index 0), as Flink's; NULL without a match or with no such group.
    impl: (s: string, p: string, i = 0) => {
      const re = extractRe(p);
      const m = re === null || i < 0 ? null : re.exec(s);
      return m === null || i >= m.length ? null : (m[i] ?? null);
    },
  }),
  scalar('REGEXP', {
    params: ['STRING', 'STRING'],
    result: T.BOOLEAN,
    nullable: true,
    impl: (s: string, p: string) => {
      const re = matchRe(p);
      return re === null ? null : re.test(s);
    },
  }),
  scalar('SPLIT_INDEX', {
    params: ['STRING', 'STRING', 'INTEGER'],
    result: T.STRING,
    nullable: true,
    // 0-based; NULL when the index is past the parts or negative. An empty string has no parts.
    impl: (s: string, sep: string, i: number) => {
      if (i < 0 || s === '') return null;
      if (sep === '') return i === 0 ? s : null;
      // Walks to the i-th separator instead of splitting the whole string.
      let from = 0;
      for (let k = 0; k < i; k++) {
        const at = s.indexOf(sep, from);
        if (at < 0) return null;
        from = at + sep.length;
      }
      const end = s.indexOf(sep, from);
      return end < 0 ? s.slice(from) : s.slice(from, end);
    },
  }),
  scalar('POSITION', { params: ['STRING', 'STRING'], result: T.INT, impl: (needle: string, s: string) => s.indexOf(needle) + 1 }),
  scalar('LOCATE', {
    params: ['STRING', 'STRING', 'INTEGER'],
    optional: 1,
    result: T.INT,
    impl: (needle: string, s: string, from = 1) => (from < 1 ? 0 : s.indexOf(needle, from - 1) + 1),
  }),
  scalar('LPAD', { params: ['STRING', 'INTEGER', 'STRING'], result: T.STRING, nullable: true, impl: (s: string, n: number, f: string) => pad(s, n, f, true) }),
  scalar('RPAD', { params: ['STRING', 'INTEGER', 'STRING'], result: T.STRING, nullable: true, impl: (s: string, n: number, f: string) => pad(s, n, f, false) }),
  scalar('INITCAP', { params: ['STRING'], result: T.STRING, impl: initcap }),
  scalar('LTRIM', { params: ['STRING'], result: T.STRING, impl: (s: string) => s.replace(/^ +/, '') }),
  scalar('RTRIM', { params: ['STRING'], result: T.STRING, impl: (s: string) => s.replace(/ +$/, '') }),
  scalar('REPEAT', { params: ['STRING', 'INTEGER'], result: T.STRING, impl: (s: string, n: number) => (n <= 0 ? '' : s.repeat(n)) }),
  scalar('REVERSE', { params: ['STRING'], result: T.STRING, impl: (s: string) => [...s].reverse().join('') }),
  scalar('LEFT', { params: ['STRING', 'INTEGER'], result: T.STRING, impl: (s: string, n: number) => (n <= 0 ? '' : [...s].slice(0, n).join('')) }),
  scalar('RIGHT', { params: ['STRING', 'INTEGER'], result: T.STRING, impl: (s: string, n: number) => (n <= 0 ? '' : [...s].slice(-n).join('')) }),
  scalar('ASCII', { params: ['STRING'], result: T.INT, impl: (s: string) => (s === '' ? 0 : s.codePointAt(0)!) }),
  scalar('CHR', { params: ['INTEGER'], result: T.STRING, nullable: true, impl: (n: number) => (n < 0 || n > 255 ? null : String.fromCharCode(n)) }),
];
