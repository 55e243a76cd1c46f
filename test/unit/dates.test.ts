import {
  addDays,
  dateInZone,
  daysBetween,
  type LocalDate,
  parseIsoDate,
  parseLedgerDate,
  toLedgerText,
} from '../../src/domain/dates';

const d = (text: string) => text as LocalDate;

describe('parseLedgerDate', () => {
  it.each([
    ['2026/01/31', '2026-01-31'],
    ['2026-01-31', '2026-01-31'],
    ['2026/1/5', '2026-01-05'],
    ['2026.12.01', '2026-12-01'],
    ['２０２６／０２／２８', '2026-02-28'],
    [' 2028/02/29 ', '2028-02-29'],
    ['2026年12月31日', '2026-12-31'],
    ['２０２６年１月５日', '2026-01-05'],
    ['2026/12/31 10:00:00', '2026-12-31'],
    ['2026/12/31 9:05', '2026-12-31'],
    ['2026-12-31T10:00', '2026-12-31'],
    ['2026-12-31T10:00:00.000', '2026-12-31'],
    ['2026/12/31(木)', '2026-12-31'],
    ['2026/12/31（木） 23:59:59', '2026-12-31'],
    ['２０２６／１２／３１', '2026-12-31'],
  ])('reads %p as %p', (cell, expected) => {
    expect(parseLedgerDate(cell)).toBe(expected);
  });

  it.each([
    [46053, '2026-01-31'],
    ['46053', '2026-01-31'],
    [45351, '2024-02-29'],
    [46053.75, '2026-01-31'],
    [46387.999988, '2026-12-31'],
    ['46387.4375', '2026-12-31'],
  ])('reads the Sheets serial %p as %p', (cell, expected) => {
    expect(parseLedgerDate(cell)).toBe(expected);
  });

  it.each([
    '2026/02/30',
    '2027/02/29',
    '2026/13/01',
    '2026/00/10',
    'tomorrow',
    '',
    '31/01/2026',
    '12/31/2026 10:00:00',
    '2026-12-31T10:00:00Z',
    '2026-12-31T10:00+09:00',
    '2026/12/31 24:00',
    '2026年2月30日',
    '2026年12月',
    '令和8年12月31日',
    '0.5',
    -3,
    0,
  ])('rejects %p', (cell) => {
    expect(parseLedgerDate(cell)).toBeNull();
  });
});

describe('calendar arithmetic', () => {
  it('crosses month ends, leap days and year ends', () => {
    expect(addDays(d('2026-01-31'), 1)).toBe('2026-02-01');
    expect(addDays(d('2028-02-28'), 1)).toBe('2028-02-29');
    expect(addDays(d('2027-02-28'), 1)).toBe('2027-03-01');
    expect(addDays(d('2026-12-31'), 1)).toBe('2027-01-01');
    expect(addDays(d('2026-03-01'), -1)).toBe('2026-02-28');
    expect(daysBetween(d('2028-02-22'), d('2028-02-29'))).toBe(7);
    expect(daysBetween(d('2028-03-07'), d('2028-02-29'))).toBe(-7);
  });

  it('is not fooled by daylight saving in other zones', () => {
    expect(daysBetween(d('2026-03-07'), d('2026-03-09'))).toBe(2);
    expect(daysBetween(d('2026-10-31'), d('2026-11-02'))).toBe(2);
  });
});

describe('dateInZone', () => {
  it('turns over at midnight Tokyo time, which is 15:00 UTC', () => {
    expect(dateInZone(new Date('2026-11-24T14:59:59Z'), 'Asia/Tokyo')).toBe('2026-11-24');
    expect(dateInZone(new Date('2026-11-24T15:00:00Z'), 'Asia/Tokyo')).toBe('2026-11-25');
  });

  it('gives the Tokyo date for the 06:00 UTC scheduled run (15:00 JST)', () => {
    expect(dateInZone(new Date('2026-11-24T06:00:00Z'), 'Asia/Tokyo')).toBe('2026-11-24');
    expect(dateInZone(new Date('2026-11-24T06:00:00Z'), 'America/Los_Angeles')).toBe('2026-11-23');
  });
});

describe('formats', () => {
  it('parses strict ISO only for flags', () => {
    expect(parseIsoDate('2026-11-24')).toBe('2026-11-24');
    expect(parseIsoDate('2026/11/24')).toBeNull();
    expect(parseIsoDate('2026-02-29')).toBeNull();
  });

  it('writes dates the way Japanese ledgers do', () => {
    expect(toLedgerText(d('2026-01-05'))).toBe('2026/01/05');
  });
});
