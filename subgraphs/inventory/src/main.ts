import { runService } from '@tributary/service';
import { createInventoryService } from './app.ts';
import { loadConfig } from './config.ts';

// Starts the inventory subgraph; the kit handles readiness output and graceful shutdown.
void runService('inventory', loadConfig, (config, resources) =>
  createInventoryService({ ...resources, config, seedDemoCatalogue: config.env.SEED_DEMO_CATALOGUE }),
);
