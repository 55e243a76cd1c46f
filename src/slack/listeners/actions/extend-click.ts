import type { Messages } from '../../../text/messages';
import type { Workflow } from '../../workflow';
import { type ClickArgs, checkedClick, type InputGuard } from '../refuse';
import { explain, privateReplyTo } from '../reply';

export const extendClick =
  (workflow: Workflow, m: Messages, guard: InputGuard) => async (args: ClickArgs) => {
    await args.ack();
    const click = await checkedClick(guard, 'extend', args);
    if (!click) return;
    await explain(
      await workflow.openExtend(click.actions[0].value, click.user.id, click.trigger_id),
      privateReplyTo(click, args),
      m,
    );
  };
