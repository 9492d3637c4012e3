import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test as base, type Page, type APIRequestContext } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

const root = path.resolve(__dirname, '..', '..');
// The run's own folder (database, demo cycle id), chosen by playwright.config.ts with the port.
const state = process.env.E2E_STATE ?? path.join(root, 'end2end', '.state', process.env.E2E_PORT ?? '3100');
const bin = process.env.MATERIALITY_BIN ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, 'target'), 'release', 'materiality');

/** Playwright's `test` whose page fails the test on any Content-Security-Policy violation: every
 * browser test thereby checks that the page policy lets the site's own scripts (hydration, the
 * survey's counter, the bundle's handlers) run, and that nothing else tried to. */
export const test = base.extend({
  page: async ({ page }, use) => {
    const refused: string[] = [];
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) refused.push(m.text());
    });
    await use(page);
    expect(refused, 'Content-Security-Policy violations').toEqual([]);
  },
});

export const reviewer = { email: 'reviewer@example.com', password: 'materiality-demo' };
export const admin = { email: 'admin@example.com', password: 'materiality-admin' };

/** The id of the demo cycle that start-server.sh seeded. Tests read it, never answer it: answers go to
 * a cycle of the test's own (`newCycle`), so that no test sees another's. */
export function demoCycle(): number {
  return Number(readFileSync(path.join(state, 'cycle'), 'utf8').trim());
}

/** A cycle of the caller's own: a copy of the demo cycle (its 17 topics and 8 groups), opened, by the
 * real `copy-cycle` and `cycle-status` subcommands. */
export function newCycle(): number {
  const id = copyCycle();
  setStatus(id, 'open');
  return id;
}

/** A draft cycle of the caller's own, nobody has answered it: a copy of the demo cycle. */
export function copyCycle(): number {
  return Number(cli(['copy-cycle', '--from', String(demoCycle())]).trim());
}

export function setStatus(cycle: number, to: 'open' | 'closed') {
  cli(['cycle-status', '--cycle', String(cycle), '--to', to]);
}

/** A string no other test and no earlier run uses, for codes and e-mail addresses. */
export function unique(): string {
  return (Date.now().toString(36) + Math.random().toString(36).slice(2, 5)).toUpperCase();
}

/** Sign-in failures from one address before it must wait (the server's `SignInLimiter`). The
 * suite's deliberate failures all come from 127.0.0.1 and are counted here, so that they can never add
 * up to it, however the suite is run (`--repeat-each 2` included); the limit is never weakened for tests. */
const ADDRESS_LIMIT = 20;

/** Call once for every sign-in a test makes fail on purpose. */
export function failingSignIn() {
  const file = path.join(state, 'failed-sign-ins');
  const n = (existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0) + 1;
  writeFileSync(file, String(n));
  expect(n, 'the suite\'s deliberate sign-in failures must stay below the per-address limit').toBeLessThan(ADDRESS_LIMIT);
}

/** Runs a subcommand of the server binary against the test database. */
function cli(args: string[], input = ''): string {
  return execFileSync(bin, args, {
    cwd: root,
    input,
    env: { ...process.env, DATABASE_URL: `sqlite://${path.join(state, 'e2e.db')}`, PUBLIC_URL: 'http://x' },
  }).toString();
}

/** A fresh single-use survey link path (`/s/...`) for a group, made by the real `invite` subcommand. */
export function invite(group: string, cycle: number): string {
  const out = cli(['invite', '--cycle', String(cycle), '--group', group, '--count', '1']);
  return new URL(out.trim()).pathname;
}

/** A new account, made by the real `create-user` subcommand (password on standard input). */
export function createUser(email: string, role: 'admin' | 'reviewer' | 'assessor', password: string) {
  cli(['create-user', '--email', email, '--role', role], password);
  return { email, password };
}

/** The 17 topic codes of the demo cycle, in order. */
export const topicCodes = ['E1', 'E2', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9', 'S10', 'G1', 'G2', 'G3', 'G4', 'G5'];

/** Page object of the questionnaire. */
export class SurveyPage {
  constructor(readonly page: Page) {}

  /** Waits until the page is interactive (its script marks the form data-ready; the survey loads no wasm). */
  async ready() {
    await this.page.locator('form.questionnaire[data-ready="true"]').waitFor();
  }

  topic(code: string) {
    return this.page.getByTestId(`topic-${code}`);
  }

  async rate(code: string, business: string, stakeholder: string) {
    await this.topic(code).locator(`input[name="b.${code}"][value="${business}"]`).check();
    await this.topic(code).locator(`input[name="s.${code}"][value="${stakeholder}"]`).check();
  }

  /** Answers every topic but those in `skip`, with varied scores. */
  async answerAll(skip: string[] = []) {
    for (const [i, code] of topicCodes.entries()) {
      if (skip.includes(code)) continue;
      await this.rate(code, String((i % 5) + 1), i % 7 === 6 ? 'dk' : String(((i + 2) % 5) + 1));
    }
  }

  submit() {
    return this.page.locator('form.questionnaire button.primary').click();
  }
}

/** Submits a complete response through the JSON API. */
export async function submitViaApi(
  request: APIRequestContext,
  group: string,
  score: (i: number) => [number, number],
  cycle: number,
) {
  const token = invite(group, cycle).split('/').pop();
  const answers = topicCodes.map((topic, i) => {
    const [business, stakeholder] = score(i);
    return { topic, business, stakeholder };
  });
  const res = await request.post('/api/v1/responses', { data: { token, answers } });
  expect(res.status()).toBe(201);
}

/** Fails with the list of axe-core violations, if there are any. */
export async function expectAccessible(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  const summary = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(summary).toEqual([]);
}

/** Waits until the browser code has taken over the page (the App marks the body). */
export async function hydrated(page: Page) {
  await page.locator('body[data-hydrated="true"]').waitFor();
}

export async function login(page: Page, next: string, who = reviewer) {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  // A click before hydration would post the form without JavaScript, which shows no message.
  await hydrated(page);
  await page.locator('input[name="email"]').fill(who.email);
  await page.locator('input[name="password"]').fill(who.password);
  await page.locator('form.login button[type="submit"]').click();
}
