import type { WebClient } from '@slack/web-api';
import { addDays, dateInZone, toLedgerText } from '../domain/dates';
import type { HomeRow } from '../domain/home';
import type { Language } from '../domain/status';
import { type CaseStore, caseId } from '../ports/cases';
import type { HomeSnapshotStore } from '../ports/home';
import type { HomeText } from '../text/home';
import type { Messages } from '../text/messages';
import { homeView, UPCOMING_DAYS } from './home-view';

export interface HomeTabDeps {
  readonly web: WebClient;
  readonly cases: CaseStore;
  readonly snapshots: HomeSnapshotStore;
  readonly admins: ReadonlySet<string>;
  readonly messages: Messages;
  readonly text: HomeText;
  readonly language: Language;
  readonly timeZone: string;
  readonly now: () => Date;
}

/**
 * Draws one person's Home tab from DynamoDB alone: the last apply sweep's snapshot of the
 * ledger and the cases behind its notices. It is drawn whenever the tab is opened, so a
 * decision taken elsewhere shows the next time the person looks.
 */
export class HomeTab {
  constructor(private readonly deps: HomeTabDeps) {}

  /**
   * Redraws the tabs of the person who decided and of the case's owner. Best effort: a tab is
   * a view, drawn again on every open, so a failure here must not fail the decision.
   */
  async refreshAfter(id: string, clicker: string): Promise<void> {
    const owner = await this.deps.cases.get(id).then(
      (notice) => notice?.ownerSlackId ?? null,
      () => null,
    );
    for (const user of new Set([clicker, ...(owner ? [owner] : [])]))
      await this.publish(user).catch(() => undefined);
  }

  async publish(user: string): Promise<void> {
    const { deps } = this;
    const now = deps.now();
    const today = dateInZone(now, deps.timeZone);
    const isAdmin = deps.admins.has(user);
    const [mine, all] = await Promise.all([
      deps.snapshots.forOwner(user),
      isAdmin ? deps.snapshots.latest() : Promise.resolve(null),
    ]);
    const summary = mine?.summary ?? all?.summary ?? null;
    const own = mine?.rows ?? [];
    // A case exists only for a row a notice went out for: within the notice window or past it.
    const horizon = addDays(today, Math.max(UPCOMING_DAYS, summary?.noticeDays ?? 0));
    const candidates = (all?.rows ?? []).filter((row) => row.status !== 'deleted' && row.endDate <= horizon);
    const cases = await deps.cases.getMany(
      [...own, ...candidates].map((row) => caseId(row.accessKeyId, row.endDate)),
    );
    const upcomingEnd = addDays(today, UPCOMING_DAYS);
    const upcoming = candidates.filter((row) => isLive(row) && row.endDate <= upcomingEnd);
    const pending = [...cases.values()]
      .filter((notice) => notice.status === 'extension-requested')
      .sort((a, b) => a.endDate.localeCompare(b.endDate));
    const view = homeView(
      {
        viewer: user,
        today,
        summary: summary ? { summary, when: localTime(new Date(summary.finishedAt), deps.timeZone) } : null,
        own,
        cases,
        ...(isAdmin ? { admin: { upcoming, pending } } : {}),
      },
      { home: deps.text, messages: deps.messages, language: deps.language },
    );
    await deps.web.views.publish({ user_id: user, view });
  }
}

function isLive(row: HomeRow): boolean {
  return row.status !== 'deleted' && row.status !== 'error';
}

/** `2026/11/24 15:00` in the configured zone. */
function localTime(instant: Date, timeZone: string): string {
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(instant);
  return `${toLedgerText(dateInZone(instant, timeZone))} ${time}`;
}
