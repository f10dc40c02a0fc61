/**
 * Decoded text is shown, never interpreted: a control character becomes its Control Picture (␀, ␊),
 * a bidi override becomes a named tag (⟨RLO⟩) so it cannot reorder what follows, an invisible format
 * character becomes ⟨U+200B⟩, and a combining mark gets a dotted circle to sit on.
 */

export type EscapeKind = 'plain' | 'control' | 'bidi' | 'format' | 'combining' | 'invalid';

export interface EscapedChar {
  text: string;
  kind: EscapeKind;
  /** Why it looks the way it does, for a tooltip or the hover readout; null for plain characters. */
  note: string | null;
}

/** Unicode bidi embedding, override and isolate controls (UAX #9 2.1-2.4), by their short names. */
export const BIDI_CONTROLS: Readonly<Record<number, { short: string; name: string }>> = {
  8234: { short: 'LRE', name: 'left-to-right embedding' },
  8235: { short: 'RLE', name: 'right-to-left embedding' },
  8236: { short: 'PDF', name: 'pop directional formatting' },
  8237: { short: 'LRO', name: 'left-to-right override' },
  8238: { short: 'RLO', name: 'right-to-left override' },
  8294: { short: 'LRI', name: 'left-to-right isolate' },
  8295: { short: 'RLI', name: 'right-to-left isolate' },
  8296: { short: 'FSI', name: 'first strong isolate' },
  8297: { short: 'PDI', name: 'pop directional isolate' },
};

/** Invisible characters that change nothing on their own but hide in text; shown by short name. */
const FORMAT_NAMES: Readonly<Record<number, string>> = {
  173: 'SHY',
  1564: 'ALM',
  8203: 'ZWSP',
  8204: 'ZWNJ',
  8205: 'ZWJ',
  8206: 'LRM',
  8207: 'RLM',
  8232: 'LSEP',
  8233: 'PSEP',
  8288: 'WJ',
  65279: 'BOM',
};

const CONTROL_NAMES: readonly string[] = [
  'NUL',
  'SOH',
  'STX',
  'ETX',
  'EOT',
  'ENQ',
  'ACK',
  'BEL',
  'BS',
  'TAB',
  'LF',
  'VT',
  'FF',
  'CR',
  'SO',
  'SI',
  'DLE',
  'DC1',
  'DC2',
  'DC3',
  'DC4',
  'NAK',
  'SYN',
  'ETB',
  'CAN',
  'EM',
  'SUB',
  'ESC',
  'FS',
  'GS',
  'RS',
  'US',
];

const COMBINING = /^\p{M}$/u;
const OTHER_FORMAT = /^\p{Cf}$/u;

export function hexCodePoint(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** How one code point is shown. */
export function escapeCodePoint(codePoint: number): EscapedChar {
  if (codePoint < 0x20) {
    return {
      text: String.fromCodePoint(0x2400 + codePoint),
      kind: 'control',
      note: `control character ${CONTROL_NAMES[codePoint] ?? ''} (${hexCodePoint(codePoint)}), shown as its symbol`,
    };
  }
  if (codePoint === 0x7f) {
    return { text: '␡', kind: 'control', note: 'control character DEL (U+007F), shown as its symbol' };
  }
  if (codePoint >= 0x80 && codePoint <= 0x9f) {
    return {
      text: `⟨${hexCodePoint(codePoint)}⟩`,
      kind: 'control',
      note: `C1 control character ${hexCodePoint(codePoint)}, shown by its number`,
    };
  }
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
    return {
      text: '�',
      kind: 'invalid',
      note: `a lone surrogate (${hexCodePoint(codePoint)}) is not a character, shown as �`,
    };
  }
  const bidi = BIDI_CONTROLS[codePoint];
  if (bidi) {
    return {
      text: `⟨${bidi.short}⟩`,
      kind: 'bidi',
      note: `bidi control ${bidi.short}, ${bidi.name} (${hexCodePoint(codePoint)}): shown as a tag so it cannot reorder the text around it`,
    };
  }
  const char = String.fromCodePoint(codePoint);
  const format = FORMAT_NAMES[codePoint];
  if (format !== undefined || OTHER_FORMAT.test(char)) {
    return {
      text: `⟨${format ?? hexCodePoint(codePoint)}⟩`,
      kind: 'format',
      note: `invisible format character ${hexCodePoint(codePoint)}, shown by name`,
    };
  }
  if (COMBINING.test(char)) {
    return {
      text: `◌${char}`,
      kind: 'combining',
      note: `combining mark ${hexCodePoint(codePoint)}, drawn on a dotted circle`,
    };
  }
  return { text: char, kind: 'plain', note: null };
}

/** A whole string made safe to show as one visible line: every character escaped as above. */
export function visibleText(text: string): string {
  let out = '';
  for (const char of text) out += escapeCodePoint(char.codePointAt(0) ?? 0).text;
  return out;
}
