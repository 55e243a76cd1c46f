import { App, type CustomRoute, LogLevel, type Receiver, SocketModeReceiver } from '@slack/bolt';
import type { Logger } from '../log';
import { type ListenerDeps, register } from './listeners';
import { GuardedHttpReceiver } from './receivers/http-receiver';
import { GuardedLambdaReceiver } from './receivers/lambda-receiver';
import { slackLogger } from './slack-logger';

/** How Slack reaches the app: Socket Mode, the HTTP receiver, or API Gateway → Lambda. */
export type Transport = 'socket-mode' | 'http' | 'lambda';

export interface SlackAppOptions {
  readonly botToken: string;
  readonly signingSecret?: string;
  /** With an app-level token, Socket Mode: no public URL needed. */
  readonly appToken?: string;
  readonly lambda?: boolean;
  /** Socket Mode: the port of the health check (HTTP mode serves it beside /slack/events). */
  readonly healthPort?: number;
  /** Only for tests: where the Web API lives. */
  readonly apiUrl?: string;
  readonly logger: Logger;
}

export interface SlackApp {
  readonly app: App;
  readonly transport: Transport;
  /** Present on Lambda: the receiver whose `toHandler()` is the function's handler. */
  readonly lambdaReceiver?: GuardedLambdaReceiver;
}

/** Answers 200 while the process serves: for container health checks and load balancers. */
export const HEALTH_PATH = '/healthz';
const health: CustomRoute = {
  path: HEALTH_PATH,
  method: ['GET'],
  handler: (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
  },
};

/** Receivers carry transport only; every listener lives in `listeners/`. */
export function createSlackApp(options: SlackAppOptions, deps: ListenerDeps): SlackApp {
  const signingSecret = options.signingSecret ?? '';
  const logger = slackLogger(options.logger, 'bolt');
  const lambdaReceiver = options.lambda
    ? new GuardedLambdaReceiver({ signingSecret, logger: options.logger })
    : undefined;
  const transport: Transport = lambdaReceiver ? 'lambda' : options.appToken ? 'socket-mode' : 'http';
  const receiver: Receiver =
    lambdaReceiver ??
    (options.appToken
      ? new SocketModeReceiver({
          appToken: options.appToken,
          logger,
          customRoutes: [health],
          installerOptions: { port: options.healthPort ?? 3000 },
        })
      : new GuardedHttpReceiver({ signingSecret, logger: options.logger, healthPath: HEALTH_PATH }));
  const app = new App({
    token: options.botToken,
    receiver,
    logger,
    logLevel: LogLevel.WARN,
    // No auth.test at construction: it would cost every Lambda cold start a Slack round trip
    // inside Slack's 3 seconds, and `keywarden doctor` checks the token instead.
    tokenVerificationEnabled: false,
    ...(options.apiUrl ? { clientOptions: { slackApiUrl: options.apiUrl } } : {}),
  });
  register(app, deps);
  // One place for listener failures: the clicker already got an ack, the admins get the log line.
  app.error(async (error) => {
    options.logger.error('slack listener failed', { error: error.message, code: error.code });
  });
  return { app, transport, ...(lambdaReceiver ? { lambdaReceiver } : {}) };
}
