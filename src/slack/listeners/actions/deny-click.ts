import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Messages } from '../../messages';
import type { Workflow } from '../../workflow';
import { explain } from '../reply';

export const denyClick =
  (workflow: Workflow, m: Messages) =>
  async ({
    ack,
    body,
    action,
    respond,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    await explain(await workflow.openDeny(action.value ?? '', body.user.id, body.trigger_id), respond, m);
  };
