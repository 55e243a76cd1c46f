import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { INPUT } from '../../blocks';
import type { Messages } from '../../messages';
import type { Workflow } from '../../workflow';

export const denySubmit =
  (workflow: Workflow, m: Messages) =>
  async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    await ack();
    const note = view.state.values[INPUT.reason.block]?.[INPUT.reason.action]?.value ?? '';
    const outcome = await workflow.deny(view.private_metadata, body.user.id, note);
    if (outcome.kind === 'not-allowed' || outcome.kind === 'settled')
      await client.chat.postMessage({
        channel: body.user.id,
        text: outcome.kind === 'not-allowed' ? m.notAllowed : m.alreadySettled,
      });
  };
