import type { Dispatch } from '../../jobs';
import { type ClickArgs, checkedClick, type InputGuard } from '../refuse';

export const approveClick = (dispatch: Dispatch, guard: InputGuard) => async (args: ClickArgs) => {
  await args.ack();
  const click = await checkedClick(guard, 'approve', args);
  if (!click) return;
  await dispatch({
    kind: 'approve',
    caseId: click.actions[0].value,
    user: click.user.id,
    ...(click.response_url ? { responseUrl: click.response_url } : {}),
  });
};
