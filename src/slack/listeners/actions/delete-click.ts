import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Dispatch } from '../../jobs';
import { buttonClick, refusalReason } from '../../payloads';
import { type InputGuard, refuseInput } from '../refuse';

export const deleteClick =
  (dispatch: Dispatch, guard: InputGuard) =>
  async ({
    ack,
    body,
    respond,
    client,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    // The teardown takes longer than Slack's 3 seconds: acknowledge, then hand it off.
    await ack();
    const click = buttonClick.safeParse(body);
    if (!click.success)
      return refuseInput(guard, {
        what: 'delete',
        body,
        reason: refusalReason(click.error),
        client,
        respond,
      });
    await dispatch({
      kind: 'delete',
      caseId: click.data.actions[0].value,
      user: click.data.user.id,
      ...(click.data.response_url ? { responseUrl: click.data.response_url } : {}),
    });
  };
