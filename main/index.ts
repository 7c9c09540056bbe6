// Placeholder until the desktop shell lands (issue 4).
import { app } from 'electron';
void app.whenReady().then(() => app.quit());
