import { handleCommand } from '@tributary/bus';
import { TOPICS } from '@tributary/contracts';
import type { ConsumerDefinition } from '@tributary/service';
import { isChargeDue, paymentDecider } from '../domain/index.ts';
import { metadataOf, type ReactionDeps } from './order-reactions.ts';

/**
 * StockReserved prices the order: that total is what the payment charges. It travels on the
 * inventory topic, so it may come before or after OrderPlaced; the decider waits for both.
 */
export function inventoryReactions(deps: ReactionDeps): ConsumerDefinition {
  const { commands } = deps;
  return {
    name: 'inventory-reactions',
    topics: [TOPICS.inventory],
    async handle(envelope) {
      if (envelope.type !== 'StockReserved') return;
      const { orderId, total } = envelope.data;
      const result = await handleCommand(commands, paymentDecider, orderId, { type: 'SetAmountDue', data: { orderId, amount: total, now: commands.now() } }, metadataOf(envelope));
      if (isChargeDue(result.state, commands.now())) deps.kick(orderId);
    },
  };
}
