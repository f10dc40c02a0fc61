import { useState } from 'react';
import { visibleText } from './escapes.ts';
import { BYTES_PER_ROW, hexByte } from './hex-grid.ts';
import { XOR_ROWS_PER_PAGE, type XorRow, type XorTable as XorTableModel } from './xor.ts';

interface XorTableProps {
  table: XorTableModel;
  /** Text frames show the unmasked payload as text; other opcodes as bytes. */
  isText: boolean;
  onPointPayload(active: boolean): void;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

function chunk(rows: readonly XorRow[]): XorRow[][] {
  const blocks: XorRow[][] = [];
  for (let i = 0; i < rows.length; i += BYTES_PER_ROW) blocks.push(rows.slice(i, i + BYTES_PER_ROW));
  return blocks;
}

/**
 * RFC 6455 5.3 as arithmetic: each byte as sent, XOR the key byte i mod 4, gives the byte the application
 * reads. Key bytes carry their index (k0-k3) as well as a tint.
 */
export function XorTable({ table, isText, onPointPayload }: XorTableProps) {
  const [shown, setShown] = useState(XOR_ROWS_PER_PAGE);
  const rows = table.rows.slice(0, shown);
  const unmaskedText = isText ? visibleText(decoder.decode(table.unmasked)) : null;
  const cut = table.capturedPayloadBytes < table.payloadLength;
  return (
    <section className="xor-view" aria-label="Unmasking" onPointerLeave={() => onPointPayload(false)}>
      <h4>Unmasking, byte by byte</h4>
      <p className="frame-note">
        The browser XORed every payload byte with key byte <var>i</var> mod 4 (key{' '}
        {table.key.map((byte, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the four key bytes are fixed; their index is their name
          <code key={index} className="xor-key" data-key-index={index}>
            k{index}={hexByte(byte)}{' '}
          </code>
        ))}
        ); XOR with the same key again gives the original back (RFC 6455 5.3).
      </p>
      <div className="xor-blocks" onPointerEnter={() => onPointPayload(true)}>
        {chunk(rows).map((block) => {
          const first = block[0]?.index ?? 0;
          return (
            <table key={first} className="xor-table">
              <caption className="visually-hidden">
                Payload bytes {first}–{first + block.length - 1}
              </caption>
              <tbody>
                <tr className="xor-index">
                  <th scope="row">i</th>
                  {block.map((row) => (
                    <td key={row.index}>{row.index}</td>
                  ))}
                </tr>
                <tr>
                  <th scope="row">as sent</th>
                  {block.map((row) => (
                    <td key={row.index}>{hexByte(row.masked)}</td>
                  ))}
                </tr>
                <tr className="xor-keys">
                  <th scope="row">⊕ key</th>
                  {block.map((row) => (
                    <td key={row.index} data-key-index={row.keyIndex}>
                      {hexByte(row.key)}
                      <sub>k{row.keyIndex}</sub>
                    </td>
                  ))}
                </tr>
                <tr className="xor-result">
                  <th scope="row">= byte</th>
                  {block.map((row) => (
                    <td key={row.index}>{hexByte(row.unmasked)}</td>
                  ))}
                </tr>
                <tr className="xor-char">
                  <th scope="row">reads</th>
                  {block.map((row) => (
                    <td key={row.index} data-kind={row.text.kind} title={row.text.note ?? undefined}>
                      {row.text.text}
                    </td>
                  ))}
                </tr>
              </tbody>
            </table>
          );
        })}
      </div>
      {shown < table.rows.length && (
        <button
          type="button"
          className="frame-more"
          onClick={() => setShown((n) => n + XOR_ROWS_PER_PAGE * 4)}
        >
          Show {Math.min(XOR_ROWS_PER_PAGE * 4, table.rows.length - shown)} more payload bytes
        </button>
      )}
      <p className="xor-summary">
        <span className="xor-summary-label">
          Unmasked payload ({table.capturedPayloadBytes}
          {cut ? ` of ${table.payloadLength}` : ''} bytes)
        </span>
        {unmaskedText !== null ? (
          <code className="unmasked-text" data-testid="unmasked-payload">
            {unmaskedText}
          </code>
        ) : (
          <code className="unmasked-text" data-testid="unmasked-payload">
            {Array.from(table.unmasked, hexByte).join(' ')}
          </code>
        )}
      </p>
    </section>
  );
}
