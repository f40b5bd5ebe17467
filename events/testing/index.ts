export * from './decider-spec.ts';
export * from './envelopes.ts';
export * from './sample-events.ts';
