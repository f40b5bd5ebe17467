import type { Actor } from '@tributary/contracts';
import { canSee, subscribeToChanges, type ChangeFeed } from '@tributary/service';
import { NOTIFICATION_CHANGES_CHANNEL } from '../projections/notification-read-model.ts';
import type { NotificationView } from '../projections/notification-view.ts';

/** `notificationSent`: each notification the caller may see, as the projector records it. */
export function createNotificationSubscriptions(feed: ChangeFeed) {
  return {
    notificationSent(actor: Actor): Promise<AsyncIterableIterator<NotificationView>> {
      return subscribeToChanges<NotificationView>({
        feed,
        channel: NOTIFICATION_CHANGES_CHANNEL,
        accept: (notification) => canSee(actor, notification.customerId),
      });
    },
  };
}

export type NotificationSubscriptions = ReturnType<typeof createNotificationSubscriptions>;
