// Preloaded into a child process started with an IPC channel (`node --require`): records every
// file Node loads, through `require` or `import` alike (Node's own module hooks), and answers
// the message 'loaded modules' with their paths so far.
const { registerHooks } = require('node:module');
const { fileURLToPath } = require('node:url');

const loaded = new Set();
registerHooks({
  load(url, context, nextLoad) {
    if (url.startsWith('file:')) loaded.add(fileURLToPath(url));
    return nextLoad(url, context);
  },
});
process.on('message', (message) => {
  if (message === 'loaded modules') process.send?.([...loaded]);
});
// The probe alone must not keep the process alive.
process.channel?.unref();
