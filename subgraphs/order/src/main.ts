import { runService } from '@tributary/service';
import { createOrderService } from './app.ts';
import { loadConfig } from './config.ts';

/** Starts the order subgraph; stops it cleanly on SIGTERM / SIGINT. */
await runService('order', () => loadConfig(), (config, resources) =>
  createOrderService({ ...resources, config, orderDeadlineMs: config.orderDeadlineMs }),
);
