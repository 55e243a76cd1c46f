import type { App } from '@slack/bolt';
import { ACTION, VIEW } from '../blocks';
import type { Dispatch } from '../jobs';
import type { Messages } from '../messages';
import type { Workflow } from '../workflow';
import { approveClick } from './actions/approve-click';
import { deleteClick } from './actions/delete-click';
import { denyClick } from './actions/deny-click';
import { extendClick } from './actions/extend-click';
import { reactivateClick } from './actions/reactivate-click';
import { type AuditCommandDeps, iamAudit } from './commands/iam-audit';
import { denySubmit } from './views/deny-submit';
import { extendSubmit } from './views/extend-submit';
import { reactivateSubmit } from './views/reactivate-submit';

export interface ListenerDeps {
  readonly workflow: Workflow;
  readonly messages: Messages;
  readonly audit: AuditCommandDeps;
  /** Where listeners hand slow work after their ack. */
  readonly dispatch: Dispatch;
}

export function register(app: App, deps: ListenerDeps): void {
  const { workflow, messages: m, dispatch } = deps;
  // Opening a modal must happen within the trigger's 3 seconds, so those two stay inline.
  app.action(ACTION.extend, extendClick(workflow, m));
  app.action(ACTION.deny, denyClick(workflow, m));
  app.action(ACTION.delete, deleteClick(dispatch));
  app.action(ACTION.approve, approveClick(dispatch));
  app.view(VIEW.extend, extendSubmit(workflow, dispatch));
  app.view(VIEW.deny, denySubmit(dispatch));
  app.action(ACTION.reactivate, reactivateClick(workflow, m));
  app.view(VIEW.reactivate, reactivateSubmit(workflow, dispatch));
  app.command('/iam-audit', iamAudit(deps.audit, dispatch));
}
