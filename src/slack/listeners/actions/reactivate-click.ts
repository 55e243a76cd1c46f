import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Messages } from '../../messages';
import type { Workflow } from '../../workflow';
import { explain } from '../reply';

/** Inline, like Extend: the modal must open within the trigger's 3 seconds. */
export const reactivateClick =
  (workflow: Workflow, m: Messages) =>
  async ({
    ack,
    body,
    action,
    respond,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    await explain(
      await workflow.openReactivate(action.value ?? '', body.user.id, body.trigger_id),
      respond,
      m,
    );
  };
