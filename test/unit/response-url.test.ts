import { responseUrlPolicy } from '../../src/slack/response-url';

describe('where a reply by response_url may go', () => {
  it("in production, only to Slack's hooks host over https", () => {
    const allows = responseUrlPolicy();
    expect(allows('https://hooks.slack.com/actions/T1/1/x')).toBe(true);
    expect(allows('https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN')).toBe(
      true,
    );
    for (const url of [
      'http://hooks.slack.com/actions/T1/1/x',
      'https://hooks.slack.com:8443/actions/T1/1/x',
      'https://hooks.slack.com.evil.example/actions/T1/1/x',
      'https://evil.example/https://hooks.slack.com/',
      'http://127.0.0.1:3000/response/1',
      'http://169.254.169.254/latest/meta-data/',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'not a url',
    ])
      expect([url, allows(url)]).toEqual([url, false]);
  });

  it("with a stand-in Slack (SLACK_API_URL), to the stand-in's host too and nowhere else", () => {
    const allows = responseUrlPolicy('http://127.0.0.1:41234/api/');
    expect(allows('http://127.0.0.1:41234/response/abc')).toBe(true);
    expect(allows('https://hooks.slack.com/actions/T1/1/x')).toBe(true);
    expect(allows('http://127.0.0.1:1/x')).toBe(false);
    expect(allows('http://localhost:41234/response/abc')).toBe(false);
  });
});
