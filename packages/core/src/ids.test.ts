import { newId } from './ids';

describe('newId', () => {
  it('makes prefixed ids of 12 characters from the readable alphabet', () => {
    expect(newId('DEV')).toMatch(/^DEV-[0-9A-HJKMNP-TV-Z]{12}$/);
  });

  it('makes no repeats across many refills of its random pool', () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => newId('EVT')));
    expect(ids.size).toBe(20_000);
  });
});
