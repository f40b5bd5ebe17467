import { error } from '../resp/writer.ts';

/**
 * Error replies with the exact wording of redis-server 7.0 (checked against a real server), so
 * clients and tests that match on messages behave the same on both.
 */
export const WRONGTYPE = error('WRONGTYPE Operation against a key holding the wrong kind of value');
export const NOT_AN_INTEGER = error('ERR value is not an integer or out of range');
export const SYNTAX_ERROR = error('ERR syntax error');
export const OVERFLOW = error('ERR increment or decrement would overflow');
export const HASH_VALUE_NOT_INTEGER = error('ERR hash value is not an integer');
export const DB_INDEX_OUT_OF_RANGE = error('ERR DB index is out of range');

export function wrongArity(commandName: string): Buffer {
  return error(`ERR wrong number of arguments for '${commandName}' command`);
}

export function invalidExpireTime(commandName: string): Buffer {
  return error(`ERR invalid expire time in '${commandName}' command`);
}

export function unknownSubcommand(subcommand: string, commandName: string): Buffer {
  return error(`ERR unknown subcommand '${subcommand.slice(0, 128)}'. Try ${commandName.toUpperCase()} HELP.`);
}

/**
 * redis-server quotes the arguments until the list reaches 128 characters, cutting the last one
 * so the total stays at 128, e.g. `ERR unknown command 'FOO', with args beginning with: 'a' `.
 */
export function unknownCommand(name: string, args: string[]): Buffer {
  let quoted = '';
  for (const arg of args) {
    if (quoted.length >= 128) break;
    quoted += `'${arg.slice(0, 128 - quoted.length)}' `;
  }
  return error(`ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${quoted}`);
}

export function notAllowedInSubscribeContext(commandName: string): Buffer {
  return error(
    `ERR Can't execute '${commandName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
  );
}
