// The accessibility bar for every view: axe-core's WCAG 2.x A/AA rules (contrast included),
// no serious or critical finding.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export interface A11yOptions {
  /**
   * The page's clock is Playwright's and paused: axe waits on timers, so move the fake clock
   * on in small steps until it is done (the app's own timers move with it).
   */
  pausedClock?: boolean;
}

export async function expectNoSeriousA11yIssues(
  page: Page,
  where: string,
  options: A11yOptions = {},
): Promise<void> {
  const run = new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  if (options.pausedClock) {
    let done = false;
    void run.finally(() => (done = true)).catch(() => undefined);
    while (!done) {
      // The clock is the context's, so it moves every page of it, and axe opens and closes a
      // blank page of its own for its last step: a step that meets that page closing fails
      // harmlessly (a real failure of the page shows in `run` itself).
      await page.clock.runFor(20).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  const results = await run;
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
    }));
  expect(serious, `axe-core findings in ${where}`).toEqual([]);
}
