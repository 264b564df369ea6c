import { describe, expect, it } from 'vitest';
import { headerValue } from '../../functions/shared/headers.js';

describe('headerValue', () => {
  it('finds a header whatever the casing the client sent', () => {
    expect(headerValue({ AUTHORIZATION: 'Bearer x' }, 'authorization')).toBe('Bearer x');
    expect(headerValue({ 'Content-Type': 'text/plain' }, 'content-type')).toBe('text/plain');
  });

  it('returns undefined for a missing header, even one named like an Object.prototype member', () => {
    expect(headerValue({ accept: '*/*' }, 'constructor')).toBeUndefined();
    expect(headerValue({ accept: '*/*' }, '__proto__')).toBeUndefined();
    expect(headerValue(null, 'authorization')).toBeUndefined();
  });

  it('reads a header named constructor or __proto__ as plain data', () => {
    const headers: Record<string, string> = Object.create(null) as Record<string, string>;
    Object.defineProperty(headers, 'constructor', { value: 'c', enumerable: true });
    Object.defineProperty(headers, '__proto__', { value: 'p', enumerable: true });
    expect(headerValue(headers, 'Constructor')).toBe('c');
    expect(headerValue(headers, '__proto__')).toBe('p');
  });
});
