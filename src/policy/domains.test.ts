import { describe, expect, it } from 'vitest';
import { domainsIn } from './domains';

describe('domainsIn', () => {
  it('collects link and e-mail domains from every argument, lower case, once each', () => {
    expect(
      domainsIn({
        url: 'https://Example.COM/a',
        to: ['bob@mail.example.org'],
        body: 'see https://example.com/b',
      }).sort(),
    ).toEqual(['example.com', 'mail.example.org']);
  });
  it('never learns IP literals or punycode look-alikes', () => {
    expect(domainsIn({ a: 'http://10.0.0.1/x', b: 'https://xn--pple-43d.com/login' })).toEqual([]);
  });
});
