import { describe, expect, it } from 'vitest';
import { itemValue, launchMatches, openItem, sealItem, type KeychainItem } from './keychainItem';

const item: KeychainItem = {
  value: 'sk-1',
  launches: [
    { command: 'npx', args: ['-y', 'a'], env: ['API_KEY'] },
    { command: 'uvx', args: ['b'], env: [] },
  ],
};

describe('keychain items', () => {
  it('round-trips, and undo reads the value of a sealed or a plain item', () => {
    expect(openItem(sealItem(item))).toEqual(item);
    expect(itemValue(sealItem(item))).toBe('sk-1');
    expect(itemValue('sk-plain')).toBe('sk-plain');
  });

  it('anything else is not an item: plain text, other JSON, wrong field types', () => {
    for (const text of [
      'sk-1',
      '"sk-1"',
      'null',
      '{"format":"airlock-keychain-item/2","value":"x","launches":[]}',
      '{"format":"airlock-keychain-item/1","value":1,"launches":[]}',
      '{"format":"airlock-keychain-item/1","value":"x","launches":[{"command":"a","args":"b","env":[]}]}',
      '{"format":"airlock-keychain-item/1","value":"x","launches":[{"command":"a","args":[1],"env":[]}]}',
      '{"format":"airlock-keychain-item/1","value":"x","launches":[null]}',
    ])
      expect(openItem(text), text).toBeNull();
  });

  it('a launch matches only with the same command, the same arguments and a named variable', () => {
    expect(launchMatches(item, 'npx', ['-y', 'a'], ['API_KEY'])).toBe(true);
    expect(launchMatches(item, 'uvx', ['b'], [])).toBe(true);
    expect(launchMatches(item, 'npx', ['-y', 'a'], [])).toBe(true); // an argument's secret
    expect(launchMatches(item, 'npx', ['-y', 'a', 'c'], ['API_KEY'])).toBe(false);
    expect(launchMatches(item, 'npx', ['-y'], ['API_KEY'])).toBe(false);
    expect(launchMatches(item, 'node', ['-y', 'a'], ['API_KEY'])).toBe(false);
    expect(launchMatches(item, 'npx', ['-y', 'a'], ['API_KEY', 'OTHER'])).toBe(false);
    expect(launchMatches(item, 'uvx', ['b'], ['API_KEY'])).toBe(false); // not across launches
  });
});
