import { addDays, daysBetween, type LocalDate } from './dates';

export type ExtensionDateError =
  | { readonly kind: 'in-past' }
  | { readonly kind: 'not-after-end'; readonly end: LocalDate }
  | { readonly kind: 'too-far'; readonly max: LocalDate };

/** Latest end date an extension may ask for: a bound, so "extend" never means "forever". */
export function maxExtensionDate(today: LocalDate, maxDays: number): LocalDate {
  return addDays(today, maxDays);
}

export function checkExtensionDate(
  requested: LocalDate,
  currentEnd: LocalDate,
  today: LocalDate,
  maxDays: number,
): ExtensionDateError | null {
  if (daysBetween(today, requested) < 0) return { kind: 'in-past' };
  if (daysBetween(currentEnd, requested) <= 0) return { kind: 'not-after-end', end: currentEnd };
  const max = maxExtensionDate(today, maxDays);
  if (daysBetween(max, requested) > 0) return { kind: 'too-far', max };
  return null;
}

/** What the modal proposes: a month past the current end, within the bound. */
export function suggestedExtension(currentEnd: LocalDate, today: LocalDate, maxDays: number): LocalDate {
  const proposal = addDays(daysBetween(today, currentEnd) < 0 ? today : currentEnd, 30);
  const max = maxExtensionDate(today, maxDays);
  return daysBetween(max, proposal) > 0 ? max : proposal;
}
