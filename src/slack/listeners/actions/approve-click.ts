import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Dispatch } from '../../jobs';
import { buttonClick, refusalReason } from '../../payloads';
import { type InputGuard, refuseInput } from '../refuse';

export const approveClick =
  (dispatch: Dispatch, guard: InputGuard) =>
  async ({
    ack,
    body,
    respond,
    client,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    const click = buttonClick.safeParse(body);
    if (!click.success)
      return refuseInput(guard, {
        what: 'approve',
        body,
        reason: refusalReason(click.error),
        client,
        respond,
      });
    await dispatch({
      kind: 'approve',
      caseId: click.data.actions[0].value,
      user: click.data.user.id,
      ...(click.data.response_url ? { responseUrl: click.data.response_url } : {}),
    });
  };
