import { userTeardownSteps } from '../../src/domain/teardown';

describe('userTeardownSteps', () => {
  it('removes every credential, then memberships and policies, then the user', () => {
    const steps = userTeardownSteps({
      userName: 'etl-bot',
      accessKeys: [
        { accessKeyId: 'AKIA0000000000000001', status: 'Active' },
        { accessKeyId: 'AKIA0000000000000002', status: 'Inactive' },
      ],
      loginProfile: true,
      mfaDevices: ['arn:aws:iam::123456789012:mfa/etl-bot', 'GAHT12345678'],
      signingCertificates: ['CERT1'],
      sshPublicKeys: ['APKA1'],
      serviceSpecificCredentials: ['ACCA1'],
      groups: ['developers'],
      inlinePolicies: ['inline-s3'],
      attachedPolicies: ['arn:aws:iam::123456789012:policy/etl-bot-policy'],
    });
    expect(steps.map((s) => s.op)).toEqual([
      'deactivate-access-key',
      'delete-access-key',
      'delete-access-key',
      'delete-login-profile',
      'deactivate-mfa-device',
      'delete-virtual-mfa-device',
      'deactivate-mfa-device',
      'delete-signing-certificate',
      'delete-ssh-public-key',
      'delete-service-specific-credential',
      'remove-from-group',
      'delete-inline-policy',
      'detach-policy',
      'delete-user',
    ]);
  });

  it('is only DeleteUser for a user that holds nothing', () => {
    const empty = {
      userName: 'u',
      accessKeys: [],
      loginProfile: false,
      mfaDevices: [],
      signingCertificates: [],
      sshPublicKeys: [],
      serviceSpecificCredentials: [],
      groups: [],
      inlinePolicies: [],
      attachedPolicies: [],
    };
    expect(userTeardownSteps(empty)).toEqual([{ op: 'delete-user', userName: 'u' }]);
  });
});
