// Child process: one gateway of the comparison on 127.0.0.1 (run.ts pins it to its own core).
// Argument: JSON GatewayProcessArgs; tells the parent its URL over IPC, stops on SIGTERM.
import { exitWithParent, failChild, type ChildMessage } from './ipc.ts';
import { startApollo } from './gateways/apollo.ts';
import { startHive } from './gateways/hive.ts';
import { startTributary } from './gateways/tributary.ts';
import type { GatewayKind, GatewayProcessArgs, RunningGateway } from './gateways/types.ts';

const STARTERS: Record<GatewayKind, (args: GatewayProcessArgs) => Promise<RunningGateway>> = {
  tributary: startTributary,
  apollo: startApollo,
  hive: startHive,
  'hive-router': startHive,
};

async function main(args: GatewayProcessArgs): Promise<void> {
  const gateway = await STARTERS[args.kind](args);
  process.once('SIGTERM', () => {
    gateway.stop().finally(() => process.exit(0));
  });
  process.send?.({ type: 'ready', urls: { graphql: gateway.url } } satisfies ChildMessage);
}

exitWithParent();
main(JSON.parse(process.argv[2] ?? '{}') as GatewayProcessArgs).catch(failChild);
