import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { INPUT } from '../blocks';
import type { Dispatch } from '../jobs';
import { extendSubmission, refusalReason } from '../payloads';
import type { Workflow } from '../workflow';
import { type InputGuard, refuseInput } from './refuse';

/**
 * The submit of a modal that asks for a new end date and a reason: Extend's, and Reactivate's
 * (the same modal under another callback id). Same schema, same rules, another job.
 */
export const dateSubmission =
  (kind: 'request-extension' | 'reactivate', what: string) =>
  (workflow: Workflow, dispatch: Dispatch, guard: InputGuard) =>
  async ({ ack, body, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const submission = extendSubmission.safeParse(body);
    // Validation must ride on the ack itself to keep the modal open with the error shown.
    if (!submission.success) {
      await ack({
        response_action: 'errors',
        errors: { [INPUT.date.block]: guard.messages.dateErrors.notADate },
      });
      return refuseInput(guard, {
        what,
        body,
        reason: refusalReason(submission.error),
        client,
        answered: true,
      });
    }
    const { user, view } = submission.data;
    const caseId = view.private_metadata;
    const date = view.state.values[INPUT.date.block][INPUT.date.action].selected_date;
    const reason = view.state.values[INPUT.reason.block][INPUT.reason.action].value ?? '';
    const check = await workflow.validateExtension(caseId, date);
    if (check.kind === 'invalid') {
      await ack({ response_action: 'errors', errors: { ...check.errors } });
      return;
    }
    await ack();
    await dispatch({ kind, caseId, user: user.id, newEndDate: date, reason });
  };
