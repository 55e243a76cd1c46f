import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Dispatch } from '../../jobs';

export const deleteClick =
  (dispatch: Dispatch) =>
  async ({ ack, body, action }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    // The teardown takes longer than Slack's 3 seconds: acknowledge, then hand it off.
    await ack();
    await dispatch({
      kind: 'delete',
      caseId: action.value ?? '',
      user: body.user.id,
      responseUrl: body.response_url,
    });
  };
