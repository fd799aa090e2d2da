// The JavaScript peer of the end-to-end benchmark (bench_serve_test.go):
// a Slack Bolt app that answers /target with one Redis round trip, the
// same script as cmd/targetbot/internal/limit (a hash write and a stream
// append), and a small in-channel message. It is what a team would write with Slack's
// own framework, untuned.
//
// Its packages are not in the repository. Install them outside it:
//   mkdir /tmp/boltpeer && cd /tmp/boltpeer && npm install @slack/bolt redis
// then run the benchmark with TARGETBOT_BENCH_BOLT=/tmp/boltpeer/node_modules.
//
// Environment: PORT, SLACK_SIGNING_SECRET, REDIS_URL.
'use strict';
const { App, LogLevel } = require('@slack/bolt');
const { createClient } = require('redis');

const SCRIPT = `
redis.call('HSET', KEYS[1], 'text', ARGV[1], 'at', ARGV[2])
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', '100000', '*', 'text', ARGV[1], 'at', ARGV[2])
`;

async function main() {
  const redis = createClient({ url: process.env.REDIS_URL });
  redis.on('error', (err) => console.error('redis', err));
  await redis.connect();
  const sha = await redis.scriptLoad(SCRIPT);

  const app = new App({
    signingSecret: process.env.SLACK_SIGNING_SECRET,
    endpoints: '/slack/commands',
    // No Slack API calls: the benchmark has no Slack to call.
    authorize: async () => ({ botToken: 'xoxb-bench', botId: 'B0BENCH', botUserId: 'U0BENCH' }),
    logLevel: LogLevel.WARN,
  });

  app.command('/target', async ({ command, ack }) => {
    const keys = ['boltpeer:{' + command.team_id + '}:u:' + command.user_id, 'boltpeer:{' + command.team_id + '}:log'];
    await redis.evalSha(sha, { keys, arguments: [command.text, String(Date.now())] });
    await ack({ response_type: 'in_channel', text: '<@' + command.user_id + '> logged: ' + command.text });
  });

  await app.start(Number(process.env.PORT));
  console.log('listening');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
