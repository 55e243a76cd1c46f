import type { LocalDate } from '../../src/domain/dates';
import { checkExtensionDate, suggestedExtension } from '../../src/domain/extension';

const d = (text: string) => text as LocalDate;

describe('extension dates', () => {
  const today = d('2026-11-24');
  const end = d('2026-11-28');

  it('accepts a date after the current end within the bound', () => {
    expect(checkExtensionDate(d('2026-12-31'), end, today, 90)).toBeNull();
    expect(checkExtensionDate(d('2027-02-22'), end, today, 90)).toBeNull();
  });

  it.each([
    ['2026-11-23', { kind: 'in-past' }],
    ['2026-11-28', { kind: 'not-after-end', end: '2026-11-28' }],
    ['2026-11-26', { kind: 'not-after-end', end: '2026-11-28' }],
    ['2027-02-23', { kind: 'too-far', max: '2027-02-22' }],
  ])('rejects %s', (requested, error) => {
    expect(checkExtensionDate(d(requested), end, today, 90)).toEqual(error);
  });

  it('suggests a month past the end, capped by the bound', () => {
    expect(suggestedExtension(end, today, 90)).toBe('2026-12-28');
    expect(suggestedExtension(end, today, 10)).toBe('2026-12-04');
    expect(suggestedExtension(d('2026-11-01'), today, 90)).toBe('2026-12-24');
  });
});
