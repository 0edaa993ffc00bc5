import { addressBucket } from '../../src/services/rate-limit/visitor-limits';

test('an address budget is kept per IPv4 address and per IPv6 /64', () => {
  expect(addressBucket('203.0.113.7')).toBe('203.0.113.7');
  expect(addressBucket('::ffff:203.0.113.7')).toBe('203.0.113.7'); // IPv4 on a dual-stack socket
  expect(addressBucket('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
  expect(addressBucket('2001:0db8:0001:0002:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64'); // same /64, other host
  expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
  expect(addressBucket('::1')).toBe('0:0:0:0::/64');
  expect(addressBucket('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
});
