export * from './decider.ts';
export * from './notification.ts';
export * from './notification-id.ts';
export * from './templates.ts';
export * from './triggers.ts';
