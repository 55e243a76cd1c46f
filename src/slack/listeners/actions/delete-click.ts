import type { Dispatch } from '../../jobs';
import { type ClickArgs, checkedClick, type InputGuard } from '../refuse';

export const deleteClick = (dispatch: Dispatch, guard: InputGuard) => async (args: ClickArgs) => {
  // The teardown takes longer than Slack's 3 seconds: acknowledge, then hand it off.
  await args.ack();
  const click = await checkedClick(guard, 'delete', args);
  if (!click) return;
  await dispatch({
    kind: 'delete',
    caseId: click.actions[0].value,
    user: click.user.id,
    ...(click.response_url ? { responseUrl: click.response_url } : {}),
  });
};
