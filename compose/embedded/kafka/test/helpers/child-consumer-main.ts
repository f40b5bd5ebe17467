// Runs one kafkajs group member in its own process, so a test can SIGKILL it: the member then
// vanishes without LeaveGroup and the broker must notice through the session timeout.
// Reports to the parent over the fork IPC channel. Args: address groupId topic.
import { createConsumer, createKafka } from './kafka-client.ts';
import type { ChildConsumerReport } from './child-consumer.ts';

const [address, groupId, topic] = process.argv.slice(2);
if (!address || !groupId || !topic || !process.send) {
  console.error('usage (via fork): child-consumer-main.ts <address> <groupId> <topic>');
  process.exit(2);
}
const report = (message: ChildConsumerReport) => process.send!(message);

const consumer = createConsumer(createKafka(address, 'child-consumer'), { groupId });
consumer.on(consumer.events.GROUP_JOIN, (event) => {
  report({ type: 'join', memberId: event.payload.memberId, assignment: event.payload.memberAssignment });
});
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  eachMessage: async ({ partition, message }) => {
    report({
      type: 'message',
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? null,
      value: message.value?.toString() ?? null,
    });
  },
});
process.once('SIGTERM', () => {
  void consumer.disconnect().finally(() => process.exit(0));
});
