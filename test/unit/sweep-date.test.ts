import type { LocalDate } from '../../src/domain/dates';
import { sweepDateRefusal } from '../../src/domain/sweep-date';

const today = '2026-11-24' as LocalDate;

describe('which day a sweep may act on', () => {
  it('an apply run may run today or catch up an earlier day', () => {
    expect(sweepDateRefusal('apply', undefined, today)).toBeNull();
    expect(sweepDateRefusal('apply', today, today)).toBeNull();
    expect(sweepDateRefusal('apply', '2026-11-23' as LocalDate, today)).toBeNull();
  });

  it('an apply run refuses a day that has not come, naming both days', () => {
    expect(sweepDateRefusal('apply', '2026-11-25' as LocalDate, today)).toMatch(
      /refusing to apply as of 2026\/11\/25: today is 2026\/11\/24/,
    );
  });

  it('a dry run may plan any day', () => {
    expect(sweepDateRefusal('dry-run', '2027-03-01' as LocalDate, today)).toBeNull();
  });
});
