import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { INPUT } from '../../blocks';
import type { Dispatch } from '../../jobs';

export const denySubmit =
  (dispatch: Dispatch) =>
  async ({ ack, body, view }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    await ack();
    const note = view.state.values[INPUT.reason.block]?.[INPUT.reason.action]?.value ?? '';
    await dispatch({ kind: 'deny', caseId: view.private_metadata, user: body.user.id, note });
  };
