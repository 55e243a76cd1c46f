import { stepMode } from '../../src/sweep/sweep-steps';

describe('stepMode: what an execution input may ask of the sweep', () => {
  it('applies only when the deployment says so and the input asks for nothing less', () => {
    expect(stepMode(true, {})).toBe('apply');
    expect(stepMode(true, { dryRun: false })).toBe('apply');
    expect(stepMode(false, {})).toBe('dry-run');
  });

  it('honours a dry run asked for, and a run someone asked for is one', () => {
    expect(stepMode(true, { dryRun: true })).toBe('dry-run');
    expect(stepMode(true, { requestedBy: 'U0ADMIN' })).toBe('dry-run');
    expect(stepMode(true, { requestedBy: 'U0ADMIN', dryRun: false })).toBe('dry-run');
  });

  it('never takes apply from the input: with SWEEP_APPLY off, every run is a dry run', () => {
    expect(stepMode(false, { dryRun: false })).toBe('dry-run');
    expect(stepMode(false, { dryRun: false, requestedBy: 'U0ADMIN' })).toBe('dry-run');
  });
});
