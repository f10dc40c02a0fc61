import { describe, expect, it } from 'vitest';
import { isAllowedOrigin } from './origin.ts';

describe('isAllowedOrigin', () => {
  it('allows a missing Origin, the page own origin and the configured ones; refuses the rest', () => {
    expect(isAllowedOrigin(undefined, '127.0.0.1:8080', [])).toBe(true);
    expect(isAllowedOrigin('', '127.0.0.1:8080', [])).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:8080', '127.0.0.1:8080', [])).toBe(true);
    expect(isAllowedOrigin('https://a.example', '127.0.0.1:8080', ['https://a.example'])).toBe(true);
    expect(isAllowedOrigin('https://evil.example', '127.0.0.1:8080', ['https://a.example'])).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1:9999', '127.0.0.1:8080', [])).toBe(false);
    expect(isAllowedOrigin('null', '127.0.0.1:8080', [])).toBe(false);
    expect(isAllowedOrigin('not a url', '127.0.0.1:8080', [])).toBe(false);
  });
});
