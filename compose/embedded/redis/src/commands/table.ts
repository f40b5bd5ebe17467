import { connectionCommands } from './connection.ts';
import { hashCommands } from './hashes.ts';
import { introspectionCommands } from './introspection.ts';
import { keyCommands } from './keys.ts';
import { pubsubCommands } from './pubsub.ts';
import { stringCommands } from './strings.ts';
import { transactionCommands } from './transactions.ts';
import type { CommandSpec } from './types.ts';

/** Every supported command by lower-case name. Anything else gets redis-server's unknown-command error. */
export function createCommandTable(): ReadonlyMap<string, CommandSpec> {
  const table = new Map<string, CommandSpec>();
  const all = [
    ...connectionCommands,
    ...stringCommands,
    ...keyCommands,
    ...hashCommands,
    ...pubsubCommands,
    ...introspectionCommands(() => table),
    ...transactionCommands(() => table),
  ];
  for (const spec of all) table.set(spec.name, spec);
  return table;
}
