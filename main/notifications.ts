// OS notifications, each kept referenced until it is clicked, closed or failed: a Notification
// the garbage collector takes loses its click handler (the user clicks and nothing happens).
import { Notification, type NotificationConstructorOptions } from 'electron';

const live = new Set<Notification>();

export function notify(options: NotificationConstructorOptions, onClick: () => void): void {
  if (!Notification.isSupported()) return;
  const n = new Notification(options);
  live.add(n);
  const release = () => live.delete(n);
  n.on('click', () => {
    release();
    onClick();
  });
  n.on('close', release);
  n.on('failed', release);
  n.show();
}
