// The one Chromium set-up shared by the e2e suite and the UI benchmarks: Debian's Chromium,
// never a downloaded one (`playwright install` is not used here).
import type { PlaywrightTestConfig } from '@playwright/test';

export const CHROMIUM = process.env.AIRLOCK_CHROMIUM ?? '/usr/bin/chromium';

export const chromiumUse: PlaywrightTestConfig['use'] = {
  browserName: 'chromium',
  viewport: { width: 1100, height: 760 },
  launchOptions: {
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  },
  trace: 'off',
};
