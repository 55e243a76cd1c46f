import type { App } from '@slack/bolt';
import type { Messages } from '../../text/messages';
import { ACTION, VIEW } from '../blocks';
import type { Dispatch } from '../jobs';
import type { ResponseUrlPolicy } from '../response-url';
import type { Workflow } from '../workflow';
import { approveClick } from './actions/approve-click';
import { deleteClick } from './actions/delete-click';
import { denyClick } from './actions/deny-click';
import { extendClick } from './actions/extend-click';
import { reactivateClick } from './actions/reactivate-click';
import { type AuditCommandDeps, iamAudit } from './commands/iam-audit';
import { appHomeOpened } from './events/app-home-opened';
import type { InputGuard } from './refuse';
import { denySubmit } from './views/deny-submit';
import { extendSubmit } from './views/extend-submit';
import { reactivateSubmit } from './views/reactivate-submit';

export interface ListenerDeps {
  readonly workflow: Workflow;
  readonly messages: Messages;
  readonly audit: AuditCommandDeps;
  /** Where listeners hand slow work after their ack. */
  readonly dispatch: Dispatch;
  /** Which response URLs Bolt's `respond` may post to (Slack's; see response-url.ts). */
  readonly responseUrls: ResponseUrlPolicy;
}

export function register(app: App, deps: ListenerDeps): void {
  const { workflow, messages: m, dispatch } = deps;
  const guard: InputGuard = {
    auditLog: deps.audit.auditLog,
    now: deps.audit.now,
    messages: m,
    responseUrls: deps.responseUrls,
  };
  // Opening a modal must happen within the trigger's 3 seconds, so those stay inline.
  app.action(ACTION.extend, extendClick(workflow, m, guard));
  app.action(ACTION.deny, denyClick(workflow, m, guard));
  app.action(ACTION.delete, deleteClick(dispatch, guard));
  app.action(ACTION.approve, approveClick(dispatch, guard));
  app.view(VIEW.extend, extendSubmit(workflow, dispatch, guard));
  app.view(VIEW.deny, denySubmit(dispatch, guard));
  app.action(ACTION.reactivate, reactivateClick(workflow, m, guard));
  app.view(VIEW.reactivate, reactivateSubmit(workflow, dispatch, guard));
  app.command('/iam-audit', iamAudit(deps.audit, dispatch, guard));
  app.event('app_home_opened', appHomeOpened(dispatch, guard));
}
