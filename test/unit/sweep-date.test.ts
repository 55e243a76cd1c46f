import type { LocalDate } from '../../src/domain/dates';
import { instantOn, sweepDateRefusal } from '../../src/domain/sweep-date';

const today = '2026-11-24' as LocalDate;

describe('which day a sweep may act on', () => {
  it('an apply run may run today or catch up an earlier day', () => {
    expect(sweepDateRefusal('apply', undefined, today)).toBeNull();
    expect(sweepDateRefusal('apply', today, today)).toBeNull();
    expect(sweepDateRefusal('apply', '2026-11-23' as LocalDate, today)).toBeNull();
  });

  it('an apply run refuses a day that has not come, naming both days', () => {
    expect(sweepDateRefusal('apply', '2026-11-25' as LocalDate, today)).toEqual({
      requested: '2026-11-25',
      today,
    });
  });

  it('a dry run may plan any day', () => {
    expect(sweepDateRefusal('dry-run', '2027-03-01' as LocalDate, today)).toBeNull();
  });
});

describe('instantOn', () => {
  it('is this time of day on the given date, in the configured zone', () => {
    const now = new Date('2026-11-24T06:00:00.250Z'); // 15:00:00.250 in Tokyo
    expect(instantOn('2027-01-05' as LocalDate, now, 'Asia/Tokyo')).toEqual(
      new Date('2027-01-05T06:00:00.250Z'),
    );
    // 23:30 in Tokyo is the previous day in UTC: the date is Tokyo's.
    const late = new Date('2026-11-24T14:30:00Z');
    expect(instantOn('2026-12-01' as LocalDate, late, 'Asia/Tokyo')).toEqual(
      new Date('2026-12-01T14:30:00Z'),
    );
    expect(instantOn('2026-11-24' as LocalDate, now, 'Asia/Tokyo')).toEqual(now);
  });

  it('keeps the wall-clock time across a daylight-saving change', () => {
    const now = new Date('2026-03-01T17:00:00Z'); // 12:00 EST in New York
    expect(instantOn('2026-03-20' as LocalDate, now, 'America/New_York')).toEqual(
      new Date('2026-03-20T16:00:00Z'), // 12:00 EDT
    );
  });
});
