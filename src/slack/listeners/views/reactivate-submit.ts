import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { LocalDate } from '../../../domain/dates';
import { INPUT } from '../../blocks';
import type { Dispatch } from '../../jobs';
import type { Workflow } from '../../workflow';

export const reactivateSubmit =
  (workflow: Workflow, dispatch: Dispatch) =>
  async ({ ack, body, view }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const caseId = view.private_metadata;
    const values = view.state.values;
    const date = values[INPUT.date.block]?.[INPUT.date.action]?.selected_date ?? undefined;
    const reason = values[INPUT.reason.block]?.[INPUT.reason.action]?.value ?? '';
    // Same rules as an extension, checked on the ack so the modal stays open with the error.
    const check = await workflow.validateExtension(caseId, date);
    if (check.kind === 'invalid') {
      await ack({ response_action: 'errors', errors: { ...check.errors } });
      return;
    }
    await ack();
    await dispatch({ kind: 'reactivate', caseId, user: body.user.id, newEndDate: date as LocalDate, reason });
  };
