import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { LocalDate } from '../../../domain/dates';
import { INPUT } from '../../blocks';
import type { Messages } from '../../messages';
import type { Workflow } from '../../workflow';

export const extendSubmit =
  (workflow: Workflow, m: Messages) =>
  async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const id = view.private_metadata;
    const values = view.state.values;
    const date = values[INPUT.date.block]?.[INPUT.date.action]?.selected_date ?? undefined;
    const reason = values[INPUT.reason.block]?.[INPUT.reason.action]?.value ?? '';
    // Validation must ride on the ack itself to keep the modal open with the error shown.
    const check = await workflow.validateExtension(id, date);
    if (check.kind === 'invalid') {
      await ack({ response_action: 'errors', errors: { ...check.errors } });
      return;
    }
    await ack();
    const outcome = await workflow.requestExtension(id, body.user.id, date as LocalDate, reason);
    if (outcome.kind === 'not-allowed' || outcome.kind === 'settled')
      await client.chat.postMessage({
        channel: body.user.id,
        text: outcome.kind === 'not-allowed' ? m.notAllowed : m.alreadySettled,
      });
  };
