import { describe, expect, it } from 'vitest';
import { gatewayURLIssue, keyFromFragment, resolveGatewayURL } from './connection.js';

describe('gateway connection', () => {
  it('defaults to the page origin and accepts URLs with or without /v1', () => {
    expect(resolveGatewayURL('', 'http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
    expect(resolveGatewayURL(' https://gw.example/v1/ ', 'x')).toBe('https://gw.example');
    expect(resolveGatewayURL('https://gw.example/base/', 'x')).toBe('https://gw.example/base');
    expect(gatewayURLIssue('')).toBeNull();
    expect(gatewayURLIssue('localhost:8787')).toMatch(/Use an http/);
    expect(gatewayURLIssue('not a url')).toMatch(/full URL/);
  });

  it("reads the key of the start banner's link from the fragment only", () => {
    expect(keyFromFragment('#key=sk-sy-abc')).toBe('sk-sy-abc');
    expect(keyFromFragment('#key=sk-sy-a%2Bb')).toBe('sk-sy-a+b');
    expect(keyFromFragment('#/usage')).toBeNull();
    expect(keyFromFragment('#key=')).toBeNull();
    expect(keyFromFragment('#key=%E0%A4')).toBeNull();
  });
});
