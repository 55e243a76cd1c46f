import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Dispatch } from '../../jobs';

export const approveClick =
  (dispatch: Dispatch) =>
  async ({ ack, body, action }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    await dispatch({
      kind: 'approve',
      caseId: action.value ?? '',
      user: body.user.id,
      responseUrl: body.response_url,
    });
  };
