import { parseLinkHeader } from './link-header';

describe('parseLinkHeader', () => {
  const self = '<https://acme-sandbox.okta.com/api/v1/users?limit=3>; rel="self"';
  const next = '<https://acme-sandbox.okta.com/api/v1/users?after=00u1k2j3h4G5f6D7s8b1&limit=3>; rel="next"';

  it('reads the next URL from the comma-joined string Node makes of two link headers', () => {
    expect(parseLinkHeader(`${self}, ${next}`).next).toBe('https://acme-sandbox.okta.com/api/v1/users?after=00u1k2j3h4G5f6D7s8b1&limit=3');
  });

  it('reads the next URL from an array of link header values', () => {
    expect(parseLinkHeader([self, next]).next).toBe('https://acme-sandbox.okta.com/api/v1/users?after=00u1k2j3h4G5f6D7s8b1&limit=3');
  });

  it('keeps a comma inside a URL as part of the URL', () => {
    const links = parseLinkHeader('<https://org.okta.com/api/v1/logs?filter=a,b&after=1>; rel="next", <https://org.okta.com/api/v1/logs>; rel="self"');
    expect(links).toEqual({ next: 'https://org.okta.com/api/v1/logs?filter=a,b&after=1', self: 'https://org.okta.com/api/v1/logs' });
  });

  it('has no next relation on the last page', () => {
    expect(parseLinkHeader(self).next).toBeUndefined();
  });
});
