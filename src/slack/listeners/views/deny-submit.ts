import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { INPUT } from '../../blocks';
import type { Dispatch } from '../../jobs';
import { denySubmission, refusalReason } from '../../payloads';
import { type InputGuard, refuseInput } from '../refuse';

export const denySubmit =
  (dispatch: Dispatch, guard: InputGuard) =>
  async ({ ack, body, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const submission = denySubmission.safeParse(body);
    if (!submission.success) {
      // The error rides on the ack so the modal stays open and shows it to the submitter only.
      await ack({ response_action: 'errors', errors: { [INPUT.reason.block]: guard.messages.invalidInput } });
      return refuseInput(guard, {
        what: 'deny-submit',
        body,
        reason: refusalReason(submission.error),
        client,
        answered: true,
      });
    }
    await ack();
    const { user, view } = submission.data;
    const note = view.state.values[INPUT.reason.block][INPUT.reason.action].value ?? '';
    await dispatch({ kind: 'deny', caseId: view.private_metadata, user: user.id, note });
  };
