import nock from 'nock';

// Every external service is a local server on 127.0.0.1; anything else reaching for the
// network is a bug in the test or the code, so it fails loudly instead of hanging.
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  if (pending.length > 0) throw new Error(`unused HTTP mocks: ${pending.join(', ')}`);
});

// Every test file loads its own nock, which patches the worker's `http` module — shared by all
// the files a worker runs — so leave it as found: otherwise each later file's requests pass
// through one more interception layer, and Node warns of leaked `connect` listeners.
afterAll(() => nock.restore());
