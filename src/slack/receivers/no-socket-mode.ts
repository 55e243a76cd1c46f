/**
 * Stands in for `@slack/socket-mode` in the Lambda bundle (`--alias` in package.json's `bundle`).
 * Bolt's App requires its Socket Mode receiver, and through it `@slack/socket-mode` and undici
 * (about 1.3 MB), when it loads, yet constructs that receiver only in Socket Mode, which a
 * Lambda never runs (it always gets the Lambda receiver). Should that change, this fails loudly.
 */
export class SocketModeClient {
  constructor() {
    throw new Error(
      'Socket Mode is not part of the Lambda bundle: run `keywarden serve` with SLACK_APP_TOKEN',
    );
  }
}
