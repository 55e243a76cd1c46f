import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { Logger } from '../log';
import { type ListenerDeps, register } from './listeners';

export interface SlackAppOptions {
  readonly botToken: string;
  readonly signingSecret?: string;
  /** With an app-level token, Socket Mode: no public URL needed. */
  readonly appToken?: string;
  /** Only for tests: where the Web API lives. */
  readonly apiUrl?: string;
  readonly logger: Logger;
}

/** Receivers carry transport only; every listener lives in `listeners/`. */
export function createSlackApp(options: SlackAppOptions, deps: ListenerDeps): App {
  const receiver = options.appToken
    ? new SocketModeReceiver({ appToken: options.appToken })
    : new HTTPReceiver({
        signingSecret: options.signingSecret ?? '',
        endpoints: '/slack/events',
        // Ack goes out as soon as a listener calls ack(); the work continues after it.
        processBeforeResponse: false,
      });
  const app = new App({
    token: options.botToken,
    receiver,
    logLevel: LogLevel.WARN,
    ...(options.apiUrl ? { clientOptions: { slackApiUrl: options.apiUrl } } : {}),
  });
  register(app, deps);
  // One place for listener failures: the clicker already got an ack, the admins get the log line.
  app.error(async (error) => {
    options.logger.error('slack listener failed', { error: error.message, code: error.code });
  });
  return app;
}
