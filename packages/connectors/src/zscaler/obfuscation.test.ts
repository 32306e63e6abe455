import { fixture } from '@trustsync/testing';
import { obfuscateApiKey } from './obfuscation';

interface Vectors {
  vectors: Array<{ apiKey: string; timestampMs: number; expected: string }>;
  wrong_inputs: Array<{ apiKey: string; obfuscatedWith: number; timestampSent: number }>;
}

const { vectors, wrong_inputs: wrong } = fixture<Vectors>('zscaler', 'zia_obfuscation_vectors.json');

describe('obfuscateApiKey', () => {
  it.each(vectors)('turns $apiKey at $timestampMs into $expected', ({ apiKey, timestampMs, expected }) => {
    expect(obfuscateApiKey(apiKey, timestampMs)).toBe(expected);
  });

  it('gives a different key for the same instant written in seconds', () => {
    const seconds = wrong[0];
    expect(obfuscateApiKey(seconds.apiKey, seconds.obfuscatedWith)).not.toBe(obfuscateApiKey(seconds.apiKey, vectors[0].timestampMs));
  });

  it('gives a different key for a second clock reading a few milliseconds later', () => {
    const twice = wrong[1];
    expect(obfuscateApiKey(twice.apiKey, twice.timestampSent)).not.toBe(obfuscateApiKey(twice.apiKey, twice.obfuscatedWith));
  });

  it('refuses a key shorter than 12 characters', () => {
    expect(() => obfuscateApiKey('short', 1747734123456)).toThrow(/12 characters/);
  });
});
