import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Messages } from '../../messages';
import { buttonClick, refusalReason } from '../../payloads';
import type { Workflow } from '../../workflow';
import { type InputGuard, refuseInput } from '../refuse';
import { explain } from '../reply';

/** Inline, like Extend: the modal must open within the trigger's 3 seconds. */
export const reactivateClick =
  (workflow: Workflow, m: Messages, guard: InputGuard) =>
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
        what: 'reactivate',
        body,
        reason: refusalReason(click.error),
        client,
        respond,
      });
    const { actions, user, trigger_id } = click.data;
    await explain(await workflow.openReactivate(actions[0].value, user.id, trigger_id), respond, m);
  };
