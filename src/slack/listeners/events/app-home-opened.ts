import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Dispatch } from '../../jobs';
import { homeOpened, refusalReason } from '../../payloads';
import { type InputGuard, refuseInput } from '../refuse';

export type HomeOpenedArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/**
 * Bolt acknowledges an Events API request before any listener runs (Slack expects nothing
 * back), so this only hands the drawing off: on Lambda it goes to the worker.
 */
export const appHomeOpened =
  (dispatch: Dispatch, guard: InputGuard) =>
  async ({ event, client }: HomeOpenedArgs) => {
    const opened = homeOpened.safeParse(event);
    if (!opened.success) {
      // Nobody to answer: an event is not a conversation.
      const reason = refusalReason(opened.error);
      await refuseInput(guard, { what: 'app-home-opened', body: event, reason, client, answered: true });
      return;
    }
    // The Messages tab opens the App Home too; only the Home tab has a view to draw.
    if (opened.data.tab !== 'home') return;
    await dispatch({ kind: 'publish-home', user: opened.data.user });
  };
