export * from './commands.ts';
export * from './decide.ts';
export * from './decider.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './evolve.ts';
export * from './state.ts';
