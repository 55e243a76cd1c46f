import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Messages } from '../../messages';
import type { Workflow } from '../../workflow';
import { explain } from '../reply';

export const approveClick =
  (workflow: Workflow, m: Messages) =>
  async ({
    ack,
    body,
    action,
    respond,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    await explain(await workflow.approve(action.value ?? '', body.user.id), respond, m);
  };
