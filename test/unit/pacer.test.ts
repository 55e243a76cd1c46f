import { ChannelPacer } from '../../src/slack/pacer';

describe('ChannelPacer', () => {
  it('spaces posts to one channel and lets other channels go at once', async () => {
    let clock = 0;
    const waits: number[] = [];
    const pacer = new ChannelPacer(
      1000,
      () => clock,
      async (ms) => {
        waits.push(ms);
      },
    );
    await pacer.wait('C0ADMINS');
    await pacer.wait('C0ADMINS');
    await pacer.wait('D0OWNER');
    await pacer.wait('C0ADMINS');
    expect(waits).toEqual([1000, 2000]);
    clock = 5000;
    await pacer.wait('C0ADMINS');
    expect(waits).toEqual([1000, 2000]);
  });
});
