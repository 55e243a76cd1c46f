import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Messages } from '../../messages';
import type { Workflow } from '../../workflow';
import { explain } from '../reply';

export const deleteClick =
  (workflow: Workflow, m: Messages) =>
  async ({
    ack,
    body,
    action,
    respond,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    // The teardown takes longer than Slack's 3 seconds: acknowledge, then work.
    await ack();
    await explain(await workflow.deleteNow(action.value ?? '', body.user.id), respond, m);
  };
