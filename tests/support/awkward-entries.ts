/**
 * Field lists another program could XADD that a reader must hand on unchanged: JSON's special characters,
 * control characters, several scripts and emoji, strings that look like other JSON values, an empty value,
 * a prototype's name as a field, a long value, and bytes that are not UTF-8.
 */
export const AWKWARD: (string | Buffer)[][] = [
  ["name", 'Say "hi" \\ back\\slash / slash', "seat", "A1"],
  ["name", "line\nbreak\ttab\rreturn\u0000nul\u001fus\u007fdel", "movieId", "1"],
  ["name", "Zoë Ångström 日本語 Ελληνικά עברית 🎟️👩‍👩‍👧", "seat", "ü"],
  ["name", "", "seat", "007", "movieId", "1e3", "sessionId", "true", "x", "null", "y", "[]", "z", "{}"],
  ["__proto__", "polluted?", "constructor", "x", "toString", "y"],
  ["name", "long ".repeat(4000)],
  ["name", Buffer.from([0x41, 0xff, 0xfe, 0x42, 0xc3]), "seat", Buffer.from([0xe2, 0x82])],
];
