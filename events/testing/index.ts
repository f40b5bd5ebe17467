export * from './decider-spec.ts';
export * from './projection-spec.ts';
export * from './envelopes.ts';
export * from './sample-events.ts';
