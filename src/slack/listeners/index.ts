import type { App } from '@slack/bolt';
import { ACTION, VIEW } from '../blocks';
import type { Messages } from '../messages';
import type { Workflow } from '../workflow';
import { approveClick } from './actions/approve-click';
import { deleteClick } from './actions/delete-click';
import { denyClick } from './actions/deny-click';
import { extendClick } from './actions/extend-click';
import { type AuditCommandDeps, iamAudit } from './commands/iam-audit';
import { denySubmit } from './views/deny-submit';
import { extendSubmit } from './views/extend-submit';

export interface ListenerDeps {
  readonly workflow: Workflow;
  readonly messages: Messages;
  readonly audit: AuditCommandDeps;
}

export function register(app: App, deps: ListenerDeps): void {
  const { workflow, messages: m } = deps;
  app.action(ACTION.extend, extendClick(workflow, m));
  app.action(ACTION.delete, deleteClick(workflow, m));
  app.action(ACTION.approve, approveClick(workflow, m));
  app.action(ACTION.deny, denyClick(workflow, m));
  app.view(VIEW.extend, extendSubmit(workflow, m));
  app.view(VIEW.deny, denySubmit(workflow, m));
  app.command('/iam-audit', iamAudit(deps.audit));
}
