import { runService } from '@tributary/service';
import { createNotificationService } from './app.ts';
import { loadConfig } from './config.ts';

// Starts the notification subgraph; prints "notification subgraph ready at URL" once serving.
await runService('notification', () => loadConfig(), (config, resources) =>
  createNotificationService({
    config,
    ...resources,
    smtpUrl: config.smtpUrl,
    emailDomain: config.emailDomain,
    from: config.from,
  }),
);
